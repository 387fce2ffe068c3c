import Synchronization

/// Streaming responses (server-sent events) on an event loop: starting one, handing it the bytes other threads write,
/// and the limits on how many are open and how much may queue on one.
extension EventLoop {
    /// Starts a streaming response: its head now, then whatever its writers send until the connection closes.
    func startStream(_ stream: ResponseStream, response: HTTPResponse, on connection: Connection) {
        guard openStreams < limits.streamsPerLoopMax else {
            stream.onClose()
            var refusal = HTTPResponse.problem(.http(503, "Too many open streams; try again shortly."), headers: [("Retry-After", "5")])
            refusal.headers += response.headers.filter { $0.name == "X-Request-Id" }
            connection.machine.respond(refusal, head: false, date: cachedDate.text, stopping: true)
            return
        }
        connection.machine.startStream(response, date: cachedDate.text)
        let link = StreamLink()
        connection.stream = (stream, link)
        openStreams += 1
        let fd = connection.fd, generation = connection.generation
        let started = stream.start { [self] bytes in
            guard link.isOpen.load(ordering: .acquiring) else { return false }
            let wasEmpty = streamMailbox.withLock { mailbox in
                defer { mailbox.append((fd, generation, bytes)) }
                return mailbox.isEmpty
            }
            if wasEmpty { wake() }
            return true
        }
        // A stream that would not start ends after its head: the next timer pass closes the connection.
        if !started { link.isOpen.store(false, ordering: .releasing) }
    }


    /// Queues the bytes written to streams from other threads on their connections and writes them.
    func deliverStreamBytes() {
        let pieces = streamMailbox.withLock { mailbox in
            defer { mailbox.removeAll(keepingCapacity: true) }
            return mailbox
        }
        var touched: [Connection] = []
        for piece in pieces {
            guard let connection = connections[piece.fd], connection.generation == piece.generation, connection.stream != nil else { continue }
            connection.machine.stream(piece.bytes, now: .now)
            if touched.last !== connection { touched.append(connection) }
        }
        for connection in touched where connections[connection.fd] === connection {
            if connection.machine.outputBytes > limits.streamQueuedBytesMax {
                closeConnection(connection)   // the reader does not keep up
            } else {
                flush(connection)
            }
        }
    }

}

/// Whether a streaming connection is still open, checked by writers on other threads.
final class StreamLink: Sendable {
    let isOpen = Atomic<Bool>(true)
}
