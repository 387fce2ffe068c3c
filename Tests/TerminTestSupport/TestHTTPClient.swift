import Foundation
import Glibc
import TerminJSON

/// The one HTTP/1.1 client of the tests and the load generator: a blocking keep-alive connection to 127.0.0.1,
/// requests written whole, responses read by Content-Length. Every read waits at most `readTimeoutSeconds`.
///
/// `TestHTTPClient(port:)` connects at once (and throws when nothing listens); `TestHTTPClient.lazy(port:)` connects
/// on its first request and once more after the server closed the connection (what a load client riding out a
/// restart needs).
public final class TestHTTPClient {
    public struct Response: Sendable {
        public let status: Int
        public let headers: [(name: String, value: String)]
        public let body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        public var text: String { String(decoding: body, as: UTF8.self) }
        /// For an availability answer: the first office's days, each with its start times.
        public var availabilityDays: [(date: String, starts: [String])] {
            (value["offices"]?[0]?["days"]?.array ?? []).map { day in
                (day["date"]?.string ?? "", (day["starts"]?.array ?? []).compactMap(\.string))
            }
        }

        /// The body read by Termin's own `JSONReader` (`.null` when it is not JSON): the load generator's way, far
        /// cheaper than `json`, so that the client's share of the machine stays small.
        public var value: JSONValue { (try? JSONReader.parse(body)) ?? .null }

        /// The body as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Longest wait for a response's bytes, in seconds.
    public static let readTimeoutSeconds = 30

    public let port: Int
    /// The local address connections are made from (`nil`: the system's choice). Any 127.x.y.z works on Linux, so a
    /// load test can play many clients with addresses of their own.
    public let source: String?
    private let reconnects: Bool
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// Connects to 127.0.0.1:`port` now.
    public init(port: Int) throws(Failure) {
        self.port = port
        source = nil
        reconnects = false
        try connect()
    }

    private init(lazyPort port: Int, source: String?) {
        self.port = port
        self.source = source
        reconnects = true
    }

    /// A client that connects on its first request (from `source`, if given), and reconnects once when the server
    /// closed the connection.
    public static func lazy(port: Int, source: String? = nil) -> TestHTTPClient { TestHTTPClient(lazyPort: port, source: source) }

    deinit { if fd >= 0 { close(fd) } }

    /// Sends a request and reads its response.
    public func send(_ method: String, _ target: String, headers: [String: String] = [:], body: String? = nil)
        throws(Failure) -> Response {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        if let body {
            if headers["Content-Type"] == nil { text += "Content-Type: application/json\r\n" }
            text += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        } else {
            text += "\r\n"
        }
        let bytes = Array(text.utf8)
        for attempt in 0..<(reconnects ? 2 : 1) {
            // A refused connect is final for this call: retrying at once would only double a storm of connects
            // while the server is down. The second attempt is for a kept-alive connection the server had closed.
            if fd < 0 { try connect() }
            do {
                try sendRaw(bytes)
                return try readResponse(head: method == "HEAD")
            } catch {
                disconnect()
                if !reconnects || attempt == 1 { throw error }
            }
        }
        throw Failure(description: "unreachable")
    }

    /// Sends bytes as they are.
    public func sendRaw(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure(description: "send failed") }
            offset += count
        }
    }

    /// Reads one response; a `Connection: close` response closes the connection after it.
    public func readResponse(head: Bool = false) throws(Failure) -> Response {
        while true {
            if let end = headerEnd() {
                // Header lines split on CRLF bytes: in Swift "\r\n" is one Character, so no Character tests here.
                let lines = buffer[0..<end].split(separator: 10).map { String(decoding: $0.filter { $0 != 13 }, as: UTF8.self) }
                let statusLine = lines.first?.split(separator: " ") ?? []
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line") }
                let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    // Optional whitespace around the value (RFC 9112 5.1), trimmed without Foundation: this is the
                    // load generator's hot path.
                    var value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
                    while value.last == " " || value.last == "\t" { value = value.dropLast() }
                    return (String(line[..<colon]), String(value))
                }
                // Names compared by length first: lower-casing every name for every lookup showed in the month's profile.
                let value = { (name: String) in
                    headers.first { $0.name.utf8.count == name.utf8.count && $0.name.lowercased() == name }?.value
                }
                let length = head ? 0 : Int(value("content-length") ?? "0") ?? 0
                while buffer.count < end + 4 + length { try fill() }
                let body = Array(buffer[(end + 4)..<(end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                if value("connection")?.lowercased() == "close" && reconnects { disconnect() }
                return Response(status: status, headers: headers, body: body)
            }
            try fill()
        }
    }

    /// Reads until the bytes received contain `marker` (a streaming response) and returns them all as text, consumed.
    public func readUntil(_ marker: String) throws(Failure) -> String {
        let wanted = Array(marker.utf8)
        while !buffer.indices.contains(where: { buffer[$0...].starts(with: wanted) }) { try fill() }
        defer { buffer.removeAll() }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Whether the server closed the connection (reads until end of stream or time-out).
    public func isClosedByPeer() -> Bool {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return count == 0
    }

    private func connect() throws(Failure) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, source, &local.sin_addr)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                let reason = String(cString: strerror(errno))
                disconnect()
                throw Failure(description: "bind \(source): \(reason)")
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            disconnect()
            throw Failure(description: "connect: \(reason)")
        }
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: Self.readTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Closes the connection.
    public func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        buffer.removeAll()
    }

    private func fill() throws(Failure) {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else {
            throw Failure(description: count == 0 ? "connection closed" : "read failed (or no answer within \(Self.readTimeoutSeconds) s)")
        }
        buffer += chunk[0..<count]
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }
}
