import Foundation
import Glibc

/// Sends mail to one relay by SMTP (RFC 5321), without TLS or authentication: the city's relay on its own network.
/// One connection per `send`. Every step waits at most `timeoutSeconds` for its reply, except the reply to a message's
/// data, which a relay that scans content may take longer to give: `dataTimeoutSeconds` (RFC 5321 §4.5.3.2.6 suggests
/// up to 10 minutes). No new message is begun once a session has run `sessionSecondsMax`: the rest wait, untried.
/// A session thus lasts at most `sessionSecondsMax` plus one message's steps, which a loop's lease on the messages it
/// claimed must exceed (`OutboxDelivery.Configuration.leaseSeconds`).
public struct SMTPClient: Sendable {
    /// Why a message was not accepted.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// A 5xx answer to a message: sending it again will not help.
        public let permanent: Bool
        public let description: String
        /// The relay answered (the connection still works), rather than the connection failing.
        var answered = false
        /// The relay's reply code, when it answered.
        var code: Int?
        /// The message was not tried: the session could not carry it (no connection, the relay refused the sender, or
        /// the connection broke before the message's turn). Not the message's fault: it is tried again later without
        /// counting a try, however long the relay is away.
        public var untried = false

        /// This failure, for a message that was not tried.
        public var asUntried: Failure { Failure(permanent: false, description: description, untried: true) }
    }

    public let host: String
    public let port: Int
    /// The name this client gives in `EHLO`; `nil`: the address literal of its end of the connection (`[192.0.2.7]`),
    /// which RFC 5321 §4.1.1.1 accepts where a host has no domain name of its own.
    public let heloName: String?
    public let timeoutSeconds: Int
    public let dataTimeoutSeconds: Int
    public let sessionSecondsMax: Int

    public init(host: String, port: Int, heloName: String? = nil, timeoutSeconds: Int = 10, dataTimeoutSeconds: Int = 120,
                sessionSecondsMax: Int = 60) {
        precondition(timeoutSeconds > 0 && dataTimeoutSeconds >= timeoutSeconds && sessionSecondsMax > 0)
        self.host = host
        self.port = port
        self.heloName = heloName
        self.timeoutSeconds = timeoutSeconds
        self.dataTimeoutSeconds = dataTimeoutSeconds
        self.sessionSecondsMax = sessionSecondsMax
    }

    /// The longest a `send` can take, in seconds, with a relay of one address: its budget (from the connect on), then
    /// the steps of the message under way (`MAIL FROM`, `RCPT TO`, `DATA`, its data) and the `QUIT`.
    public var sessionSecondsWorst: Int { sessionSecondsMax + 4 * timeoutSeconds + dataTimeoutSeconds }

    /// A client for `smtp://HOST[:PORT]` (port 25 when none is given); `nil` for anything else.
    public init?(url: String, timeoutSeconds: Int = 10) {
        guard let components = URLComponents(string: url), components.scheme == "smtp", let host = components.host,
              !host.isEmpty, components.path.isEmpty || components.path == "/" else { return nil }
        self.init(host: host, port: components.port ?? 25, timeoutSeconds: timeoutSeconds)
    }

    /// Sends the messages over one connection; returns, for each, `nil` when the relay accepted it or why not. A
    /// message the relay refuses (a 4xx or 5xx answer to its recipient or data: greylisting, a rate limit, an unknown
    /// address) is that message's failure alone; the others go on over the same connection. A refused sender (`MAIL
    /// FROM`: the relay's configuration, the same for every message) leaves this message and the rest `untried`. If the
    /// connection breaks midway, the message under way fails, not permanently, and the rest are `untried`.
    /// - Throws: when no session could be opened (no connection, or the relay refused its greeting): no message was
    ///   tried, and none failed for what it is.
    public func send(_ messages: [MailMessage]) throws(Failure) -> [Failure?] {
        let started = ContinuousClock.now
        let connection = try Connection(host: host, port: port, timeoutSeconds: timeoutSeconds)
        defer { connection.close() }
        do {
            try connection.expect(220)
            let name = heloName ?? connection.localAddressLiteral
            do {
                try connection.command("EHLO \(name)", expect: 250)
            } catch where error.code == 500 || error.code == 502 {
                try connection.command("HELO \(name)", expect: 250)   // a relay that knows no ESMTP
            }
        } catch {
            throw Failure(permanent: false, description: error.description)
        }
        var results: [Failure?] = []
        sending: for message in messages {
            guard ContinuousClock.now - started < .seconds(sessionSecondsMax) else {
                let later = Failure(permanent: false, description: "the session ran its \(sessionSecondsMax) s", untried: true)
                results += Array(repeating: later, count: messages.count - results.count)
                break
            }
            do throws(Failure) {
                do {
                    try connection.command("MAIL FROM:<\(message.from.address)>", expect: 250)
                } catch where error.answered {
                    results += Array(repeating: error.asUntried, count: messages.count - results.count)
                    break sending
                }
                try connection.command("RCPT TO:<\(message.to.address)>", expect: 250, 251)
                try connection.command("DATA", expect: 354)
                // Dot-stuffing (RFC 5321 §4.5.2), then the end of the data.
                let body = message.rendered.replacingOccurrences(of: "\r\n.", with: "\r\n..")
                connection.replyTimeoutSeconds = dataTimeoutSeconds
                defer { connection.replyTimeoutSeconds = timeoutSeconds }
                try connection.command((body.hasPrefix(".") ? "." : "") + body + ".", expect: 250, naming: "the message")
                results.append(nil)
            } catch where error.answered {
                results.append(error)
                guard (try? connection.command("RSET", expect: 250)) != nil else { break }
            } catch {
                results.append(error)
                break
            }
        }
        let unsent = Failure(permanent: false, description: "the connection to the relay broke before the message's turn",
                             untried: true)
        results += Array(repeating: unsent, count: messages.count - results.count)
        _ = try? connection.command("QUIT", expect: 221)
        return results
    }

    /// One SMTP connection: lines out, replies in.
    final class Connection {
        private let descriptor: Int32
        private var buffer: [UInt8] = []

        init(host: String, port: Int, timeoutSeconds: Int) throws(Failure) {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var found: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
                throw Failure(permanent: false, description: "cannot resolve \(host)")
            }
            defer { freeaddrinfo(found) }
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            var address: UnsafeMutablePointer<addrinfo>? = first
            var connected: Int32 = -1
            while let candidate = address, connected < 0 {
                let fd = socket(candidate.pointee.ai_family, candidate.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), candidate.pointee.ai_protocol)
                if fd >= 0 {
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    if connect(fd, candidate.pointee.ai_addr, candidate.pointee.ai_addrlen) == 0 { connected = fd } else { Glibc.close(fd) }
                }
                address = candidate.pointee.ai_next
            }
            guard connected >= 0 else { throw Failure(permanent: false, description: "cannot connect to \(host):\(port)") }
            descriptor = connected
        }

        func close() { Glibc.close(descriptor) }

        /// How long a reply may take, in seconds.
        var replyTimeoutSeconds: Int = 0 {
            didSet {
                var timeout = timeval(tv_sec: replyTimeoutSeconds, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            }
        }

        /// This end of the connection as an address literal: `[192.0.2.7]`, `[IPv6:2001:db8::7]`.
        var localAddressLiteral: String {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let found = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 }
            }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            switch (found, Int32(address.ss_family)) {
            case (true, AF_INET):
                var raw = withUnsafeBytes(of: address) { $0.load(as: sockaddr_in.self).sin_addr }
                if inet_ntop(AF_INET, &raw, &text, socklen_t(text.count)) != nil { return "[\(String(cString: text))]" }
            case (true, AF_INET6):
                var raw = withUnsafeBytes(of: address) { $0.load(as: sockaddr_in6.self).sin6_addr }
                if inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil { return "[IPv6:\(String(cString: text))]" }
            default:
                break
            }
            return "localhost"   // getsockname does not fail on a connected socket
        }

        /// Sends `line` and reads the reply; a reply other than `codes` fails (5xx permanently). The failure names the
        /// command by its verb (`MAIL FROM`, `RCPT TO`; `naming` for data), never by the addresses it carries.
        @discardableResult
        func command(_ line: String, expect codes: Int..., naming what: String? = nil) throws(Failure) -> String {
            let bytes = Array((line + "\r\n").utf8)
            var sent = 0
            while sent < bytes.count {
                let written = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { throw Failure(permanent: false, description: "the relay closed the connection") }
                sent += written
            }
            return try expect(codes, after: what ?? String(line.prefix { $0 != ":" && $0 != "<" }.prefix(20)))
        }

        func expect(_ codes: Int...) throws(Failure) { _ = try expect(codes, after: "connecting") }

        /// Reads one reply (its continuation lines too) and checks its code.
        private func expect(_ codes: [Int], after what: String) throws(Failure) -> String {
            var reply = ""
            while true {
                let line = try readLine()
                reply += line + "\n"
                guard line.count >= 4, line.dropFirst(3).first == "-" else { break }
            }
            guard let code = Int(reply.prefix(3)) else { throw Failure(permanent: false, description: "unreadable reply: \(reply)") }
            guard codes.contains(code) else {
                // What the relay said, without the addresses it may quote: the error is kept and shown to admins.
                let said = reply.split(whereSeparator: \.isWhitespace).map { $0.contains("@") ? "<address>" : String($0) }
                throw Failure(permanent: code >= 500, description: "after \(what): \(said.joined(separator: " "))", answered: true,
                              code: code)
            }
            return reply
        }

        /// One reply line without its CRLF (replies are at most 512 octets a line, RFC 5321 §4.5.3.1.5).
        private func readLine() throws(Failure) -> String {
            while true {
                if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
                    buffer.removeSubrange(...end)
                    return line
                }
                guard buffer.count < 4_096 else { throw Failure(permanent: false, description: "reply line too long") }
                var chunk = [UInt8](repeating: 0, count: 1_024)
                let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw Failure(permanent: false, description: "the relay closed the connection or timed out") }
                buffer += chunk[..<count]
            }
        }
    }
}
