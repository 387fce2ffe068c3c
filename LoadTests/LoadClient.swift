import Foundation
import Glibc

/// The load generator's own lean HTTP/1.1 client: one blocking keep-alive connection, requests written whole,
/// responses read by Content-Length. Reconnects after the server closes.
final class LoadClient {
    struct Response {
        let status: Int
        let body: [UInt8]
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
    }

    struct Failure: Error {
        let reason: String
    }

    let port: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(port: Int) { self.port = port }
    deinit { if fd >= 0 { close(fd) } }

    /// Sends a request and reads its response; one reconnect on a connection the server had closed.
    func send(_ method: String, _ target: String, body: String? = nil, headers: [String: String] = [:]) throws(Failure) -> Response {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: termin\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if let body { request += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)" } else { request += "\r\n" }
        let bytes = Array(request.utf8)
        for attempt in 0..<2 {
            if fd < 0 { try connect() }
            do {
                try write(bytes)
                return try readResponse()
            } catch {
                close(fd)
                fd = -1
                buffer.removeAll()
                if attempt == 1 { throw error }
            }
        }
        throw Failure(reason: "unreachable")
    }

    private func connect() throws(Failure) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            fd = -1
            throw Failure(reason: "connect: \(String(cString: strerror(errno)))")
        }
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private func write(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw Failure(reason: "send failed") }
            offset += count
        }
    }

    private func readResponse() throws(Failure) -> Response {
        while true {
            if let end = headerEnd() {
                // Header lines split on CRLF bytes: in Swift "\r\n" is one Character, so no Character tests here.
                let lines = buffer[0..<end].split(separator: 10).map { String(decoding: $0.filter { $0 != 13 }, as: UTF8.self) }
                let statusLine = lines.first?.split(separator: " ") ?? []
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(reason: "bad status line") }
                var length = 0
                var closes = false
                for line in lines.dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    let name = parts[0].lowercased(), value = parts[1].trimmingCharacters(in: .whitespaces)
                    if name == "content-length" { length = Int(value) ?? 0 }
                    if name == "connection" && value.lowercased() == "close" { closes = true }
                }
                while buffer.count < end + 4 + length { try fill() }
                let body = Array(buffer[(end + 4)..<(end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                if closes {
                    close(fd)
                    fd = -1
                    buffer.removeAll()
                }
                return Response(status: status, body: body)
            }
            try fill()
        }
    }

    private func fill() throws(Failure) {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { throw Failure(reason: count == 0 ? "closed by the server" : "read failed") }
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
