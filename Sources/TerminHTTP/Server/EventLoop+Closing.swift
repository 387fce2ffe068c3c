import CLinux
import Glibc

/// How connections end: time-outs, the linger after the last answer, and the close. A connection closed while the
/// peer's bytes wait unread (a refused request's body, a request sent behind one that closes) makes the kernel send a
/// reset, and a reset can destroy the answer before the client has read it: the client sees "connection reset"
/// instead of its 413. So after the last answer the write side closes first, and what still arrives is read and
/// dropped until the peer closes too or `HTTPLimits.lingerSeconds` pass.
extension EventLoop {
    /// Closes idle keep-alive connections, answers 408 to requests that arrive too slowly, keeps quiet streams alive
    /// and closes streams that ended.
    func expireConnections(now: ContinuousClock.Instant) {
        for connection in connections.values {
            if let until = connection.lingeringUntil {
                if now >= until { closeConnection(connection) }
                continue
            }
            if let (stream, link) = connection.stream {
                if !link.isOpen.load(ordering: .acquiring) && !connection.machine.hasPendingOutput {
                    closeConnection(connection)
                } else if connection.machine.streamIsQuiet(now: now, seconds: limits.streamKeepAliveSeconds) {
                    connection.machine.stream(stream.keepAlive, now: now)
                    flush(connection)
                }
                continue
            }
            switch connection.machine.expire(now: now) {
            case .none:
                continue
            case .close:
                closeConnection(connection)
            case .reject(let problem):
                respond(.problem(problem), on: connection, head: false)
                flush(connection)
            }
        }
    }

    func closeConnection(_ connection: Connection) {
        guard connections[connection.fd] === connection else { return }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, connection.fd, nil)
        close(connection.fd)
        connections[connection.fd] = nil
        openConnections.subtract(1, ordering: .relaxed)
        if let (stream, link) = connection.stream {
            link.isOpen.store(false, ordering: .releasing)
            openStreams -= 1
            stream.onClose()
        }
    }

    /// Closes `connection`'s write side (its answers are all written) and lingers.
    func linger(_ connection: Connection) {
        guard connection.stream == nil, shutdown(connection.fd, Int32(SHUT_WR)) == 0 else {
            closeConnection(connection)
            return
        }
        connection.lingeringUntil = .now + .seconds(limits.lingerSeconds)
        control(EPOLL_CTL_MOD, connection.fd, events: EPOLLIN.rawValue)
        dropLingeringInput(connection)
    }

    /// Reads and drops what a lingering connection's peer sent; closes it once the peer closed its side, or once its
    /// linger is over (a peer sending faster than the loop reads would otherwise hold the loop here).
    func dropLingeringInput(_ connection: Connection) {
        while true {
            if let until = connection.lingeringUntil, ContinuousClock.now >= until {
                closeConnection(connection)
                return
            }
            let count = chunk.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, $0.count) }
            if count > 0 { continue }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            closeConnection(connection)   // the peer closed, or the connection failed
            return
        }
    }
}
