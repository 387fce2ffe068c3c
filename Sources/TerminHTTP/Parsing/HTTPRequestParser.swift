/// Parses HTTP/1.x requests from bytes as they arrive, strictly per RFC 9112 and 9110.
///
/// The parser is pure: it is given the connection's buffered bytes and says whether a whole request is there,
/// more bytes are needed, or the request must be refused with a status code.
public struct HTTPRequestParser: Sendable {
    /// The outcome of one parse attempt.
    public enum Outcome: Sendable {
        /// Not a whole request yet.
        case needMore
        /// A request and the number of bytes it took from the buffer.
        case request(HTTPRequest, consumed: Int)
        /// The request is refused; the connection is answered with this problem and closed.
        case reject(ProblemDetails)
    }

    public let limits: HTTPLimits

    public init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), sp = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")

    /// How far the request at the start of a connection's buffer was parsed when its bytes ran out, so that the next
    /// parse of that request, with more bytes behind, resumes there: nothing is parsed again until the bytes that could
    /// change the outcome have come (a line's CRLF, a chunk's or a body's last byte, or more than a limit allows); the
    /// head, read again at each of its line ends (at most `headerCountMax` + 2 times, within `headerBytesMax`), is kept
    /// once complete, and a chunked body is decoded chunk by chunk. However a client cuts its request (a byte per
    /// packet, a chunk of one byte each), each byte is looked at a bounded number of times; parsing from the start at
    /// every read made such a request cost the square of its length. Offsets count from the request's
    /// first byte. A new request starts with a new `Progress`; `parse` resets it once a request is complete or refused.
    public struct Progress: Sendable {
        public init() {}
        /// The request line and header section, once complete.
        var head: Head?
        /// Of a chunked body: where decoding goes on, and what it decoded.
        var chunks = Chunks()
        /// What must arrive before parsing again can change the outcome.
        var awaiting: Awaiting?
        /// Whether the request's header section is complete (its body is what is arriving).
        public var hasHead: Bool { head != nil }
        /// Whether the request's head is complete and asks for `100 Continue` before its body (HTTP/1.1 only).
        public var expectsContinue: Bool {
            guard let head, head.minorVersion >= 1 else { return false }
            return head.headers.contains { $0.name == "expect" && $0.value.lowercased() == "100-continue" }
        }
    }

    /// The request line and header section of a request, parsed.
    struct Head: Sendable {
        let method: String
        let target: String
        let path: String
        let query: [(name: String, value: String)]
        let minorVersion: Int
        let headers: [(name: String, value: String)]
        /// Offset of the body's first byte.
        let bodyStart: Int
        let framing: Framing
    }

    enum Framing: Sendable {
        case length(Int)
        case chunked
    }

    /// A chunked body's decoding so far: `cursor` is the offset of the next size line (or trailer line), `body` the
    /// chunks before it, `trailerStart` where the trailer section began, once the last chunk was read.
    struct Chunks: Sendable {
        var cursor: Int?
        var body: [UInt8] = []
        var trailerStart: Int?
    }

    /// What a parse that ran out of bytes waits for.
    enum Awaiting: Sendable {
        /// A line's end (a CRLF whose LF is at `scannedTo` or after), or more than `limit` bytes (then the line is too
        /// long).
        case lineEnd(scannedTo: Int, limit: Int)
        /// `count` bytes in all.
        case bytes(Int)
    }

    /// Tries to parse one request from the start of `buffer`.
    public func parse(_ buffer: ArraySlice<UInt8>) -> Outcome {
        var progress = Progress()
        return parse(buffer, resuming: &progress)
    }

    /// Tries to parse one request from the start of `buffer`, going on from `progress`: what an earlier parse of a
    /// shorter `buffer` (the same request's first bytes) left in it.
    public func parse(_ buffer: ArraySlice<UInt8>, resuming progress: inout Progress) -> Outcome {
        if let awaiting = progress.awaiting {
            switch awaiting {
            case .bytes(let count):
                if buffer.count < count { return .needMore }
            case .lineEnd(let scannedTo, let limit):
                // Only a CRLF that came since (its CR may be the last byte before) can end the line: a bare LF cannot.
                let from = buffer.startIndex + max(min(scannedTo, buffer.count) - 1, 0)
                if buffer.count <= limit && findCRLF(buffer, from: from, limit: buffer.endIndex - from) == nil {
                    progress.awaiting = .lineEnd(scannedTo: buffer.count, limit: limit)
                    return .needMore
                }
            }
            progress.awaiting = nil
        }
        let outcome = parseGoingOn(buffer, &progress)
        if case .needMore = outcome {
            precondition(progress.awaiting != nil, "a parse that needs more says what")
        } else {
            progress = Progress()
        }
        return outcome
    }

    private func parseGoingOn(_ buffer: ArraySlice<UInt8>, _ progress: inout Progress) -> Outcome {
        if progress.head == nil {
            switch parseHead(buffer) {
            case .needMore(let awaiting):
                progress.awaiting = awaiting
                return .needMore
            case .reject(let problem):
                return .reject(problem)
            case .head(let head):
                progress.head = head
            }
        }
        let head = progress.head!
        let body: [UInt8], end: Int
        switch head.framing {
        case .length(let length):
            guard buffer.count - head.bodyStart >= length else {
                progress.awaiting = .bytes(head.bodyStart + length)
                return .needMore
            }
            let bodyStart = buffer.startIndex + head.bodyStart
            body = Array(buffer[bodyStart..<(bodyStart + length)])
            end = head.bodyStart + length
        case .chunked:
            if progress.chunks.cursor == nil { progress.chunks.cursor = head.bodyStart }
            switch parseChunked(buffer, &progress.chunks) {
            case .needMore(let awaiting):
                progress.awaiting = awaiting
                return .needMore
            case .reject(let problem):
                return .reject(problem)
            case .body(let bytes, let bodyEnd):
                body = bytes
                end = bodyEnd
            }
        }
        let request = HTTPRequest(method: head.method, target: head.target, path: head.path, query: head.query,
                                  minorVersion: head.minorVersion, headers: head.headers, body: body)
        return .request(request, consumed: end)
    }

    enum HeadOutcome {
        case needMore(Awaiting)
        case head(Head)
        case reject(ProblemDetails)
    }

    /// Most empty lines ignored before a request line (RFC 9112 §2.2 asks for at least one). Beyond: 400.
    static let leadingEmptyLinesMax = 8

    /// Parses the request line and header section at the start of `buffer`, and the body's framing.
    func parseHead(_ buffer: ArraySlice<UInt8>) -> HeadOutcome {
        let start = buffer.startIndex
        // RFC 9112 §2.2: ignore at least one empty line before the request line.
        var lineStart = start
        while lineStart + 1 < buffer.endIndex, buffer[lineStart] == Self.cr, buffer[lineStart + 1] == Self.lf { lineStart += 2 }
        if lineStart - start > 2 * Self.leadingEmptyLinesMax {
            return .reject(.http(400, "More than \(Self.leadingEmptyLinesMax) empty lines before the request line.", field: "request-line"))
        }
        guard let lineEnd = findCRLF(buffer, from: lineStart, limit: limits.requestLineBytesMax) else {
            if runsPast(limits.requestLineBytesMax, from: lineStart, buffer) {
                return .reject(.http(414, "The request line is longer than \(limits.requestLineBytesMax) bytes.", field: "request-line"))
            }
            return .needMore(.lineEnd(scannedTo: buffer.count, limit: lineStart - start + limits.requestLineBytesMax))
        }
        // Request line.
        let line = buffer[lineStart..<lineEnd]
        let parts = line.split(separator: Self.sp, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .reject(.http(400, "The request line is not `METHOD target HTTP/1.1`.", field: "request-line")) }
        let method = parts[0], target = parts[1], version = parts[2]
        guard !method.isEmpty, method.allSatisfy(Self.isTokenByte) else {
            return .reject(.http(400, "The method is not a token.", field: "method"))
        }
        let minorVersion: Int
        if version.elementsEqual("HTTP/1.1".utf8) {
            minorVersion = 1
        } else if version.elementsEqual("HTTP/1.0".utf8) {
            minorVersion = 0
        } else {
            // Also catches the HTTP/2 connection preface, `PRI * HTTP/2.0`.
            guard version.count == 8, version.starts(with: Array("HTTP/".utf8)) else {
                return .reject(.http(400, "The protocol version is malformed.", field: "version"))
            }
            return .reject(.http(505, "Only HTTP/1.1 and HTTP/1.0 are supported.", field: "version"))
        }
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .reject(.http(400, "The request target must be a path starting with '/' in visible ASCII.", field: "target"))
        }
        // Header section.
        var headers: [(name: String, value: String)] = []
        var cursor = lineEnd + 2
        let headerStart = cursor
        while true {
            guard let end = findCRLF(buffer, from: cursor, limit: limits.headerBytesMax - (cursor - headerStart)) else {
                if runsPast(limits.headerBytesMax, from: headerStart, buffer) {
                    return .reject(.http(431, "The header section is larger than \(limits.headerBytesMax) bytes.", field: "headers"))
                }
                return .needMore(.lineEnd(scannedTo: buffer.count, limit: headerStart - start + limits.headerBytesMax))
            }
            if end == cursor { cursor += 2; break }
            if end + 2 - headerStart > limits.headerBytesMax {
                return .reject(.http(431, "The header section is larger than \(limits.headerBytesMax) bytes.", field: "headers"))
            }
            let fieldLine = buffer[cursor..<end]
            if fieldLine.first == Self.sp || fieldLine.first == Self.tab {
                return .reject(.http(400, "Obsolete line folding is not accepted.", field: "headers"))
            }
            guard let colon = fieldLine.firstIndex(of: Self.colon), colon > fieldLine.startIndex else {
                return .reject(.http(400, "A header line has no field name.", field: "headers"))
            }
            let name = fieldLine[fieldLine.startIndex..<colon]
            guard name.allSatisfy(Self.isTokenByte) else {
                return .reject(.http(400, "A header name holds a character that is not allowed (whitespace before the colon?).",
                                     field: "headers"))
            }
            var value = fieldLine[(colon + 1)...]
            while let first = value.first, first == Self.sp || first == Self.tab { value = value.dropFirst() }
            while let last = value.last, last == Self.sp || last == Self.tab { value = value.dropLast() }
            guard value.allSatisfy({ $0 == Self.tab || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .reject(.http(400, "A header value holds a control character.", field: String(decoding: name, as: UTF8.self)))
            }
            headers.append((Self.lowercasedName(name), String(decoding: value, as: UTF8.self)))
            if headers.count > limits.headerCountMax {
                return .reject(.http(431, "More than \(limits.headerCountMax) header fields.", field: "headers"))
            }
            cursor = end + 2
        }
        // Host: exactly one in HTTP/1.1.
        let hosts = headers.filter { $0.name == "host" }
        if minorVersion == 1 && hosts.count != 1 || hosts.count > 1 {
            return .reject(.http(400, "An HTTP/1.1 request carries exactly one Host header.", field: "Host"))
        }
        // Body framing: chunked, or Content-Length, or none.
        let lengths = headers.filter { $0.name == "content-length" }.map(\.value)
        let codings = headers.filter { $0.name == "transfer-encoding" }
            .flatMap { $0.value.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingCharacters(in: " \t").lowercased() }
        let framing: Framing
        if !codings.isEmpty {
            if !lengths.isEmpty {
                return .reject(.http(400, "Content-Length and Transfer-Encoding together are ambiguous.", field: "Transfer-Encoding"))
            }
            if minorVersion == 0 {
                return .reject(.http(400, "HTTP/1.0 has no transfer codings.", field: "Transfer-Encoding"))
            }
            guard codings.last == "chunked" else {
                if codings.contains("chunked") {
                    return .reject(.http(400, "chunked must be the last transfer coding.", field: "Transfer-Encoding"))
                }
                return .reject(.http(501, "Only the chunked transfer coding is supported.", field: "Transfer-Encoding"))
            }
            guard codings.count == 1 else {
                return .reject(.http(501, "Only the chunked transfer coding is supported.", field: "Transfer-Encoding"))
            }
            framing = .chunked
        } else {
            var bodyLength = 0
            if !lengths.isEmpty {
                let values = Set(lengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
                    .map { $0.trimmingCharacters(in: " \t") })
                guard values.count == 1, let only = values.first, !only.isEmpty, only.count <= 18,
                      only.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let length = Int(only) else {
                    return .reject(.http(400, "Content-Length is malformed or conflicting.", field: "Content-Length"))
                }
                bodyLength = length
            }
            if bodyLength > limits.bodyBytesMax {
                return .reject(.http(413, "The body is larger than \(limits.bodyBytesMax) bytes.", field: "Content-Length"))
            }
            framing = .length(bodyLength)
        }
        // Target: path and query, percent-decoded and valid UTF-8.
        let targetText = String(decoding: target, as: UTF8.self)
        let pathPart: Substring, queryPart: Substring?
        if let mark = targetText.firstIndex(of: "?") {
            pathPart = targetText[..<mark]
            queryPart = targetText[targetText.index(after: mark)...]
        } else {
            pathPart = targetText[...]
            queryPart = nil
        }
        guard let path = Self.percentDecode(pathPart, plusIsSpace: false) else {
            return .reject(.http(400, "The path has invalid percent-encoding or UTF-8.", field: "target"))
        }
        var query: [(name: String, value: String)] = []
        for pair in (queryPart ?? "").split(separator: "&") {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.percentDecode(pieces[0], plusIsSpace: true),
                  let value = Self.percentDecode(pieces.count > 1 ? pieces[1] : "", plusIsSpace: true) else {
                return .reject(.http(400, "The query has invalid percent-encoding or UTF-8.", field: "target"))
            }
            query.append((name, value))
        }
        return .head(Head(method: String(decoding: method, as: UTF8.self), target: targetText, path: path, query: query,
                          minorVersion: minorVersion, headers: headers, bodyStart: cursor - start, framing: framing))
    }

    /// Whether the bytes from `from` on, holding no line end within `max` bytes, run past that bound for good. One
    /// byte more is no proof: it may be the CR of a line of exactly `max` bytes whose LF has yet to come.
    func runsPast(_ max: Int, from: Int, _ buffer: ArraySlice<UInt8>) -> Bool {
        let count = buffer.endIndex - from
        return count > max + 1 || (count == max + 1 && buffer.last != Self.cr)
    }

    /// Index of the next CRLF at or after `from`, looking at most `limit` bytes ahead. A bare CR or LF is not a
    /// line end; the caller rejects what it then cannot parse.
    func findCRLF(_ buffer: ArraySlice<UInt8>, from: Int, limit: Int) -> Int? {
        var index = from
        let end = min(buffer.endIndex, from + max(limit, 0) + 2)
        while index + 1 < end {
            if buffer[index] == Self.cr {
                if buffer[index + 1] == Self.lf { return index }
            }
            index += 1
        }
        return nil
    }

    /// RFC 9110 token characters.
    static func isTokenByte(_ byte: UInt8) -> Bool { tokenBytes[Int(byte)] }

    /// `tokenBytes[b]`: whether byte `b` may appear in a token (a table: this runs for every byte of every name).
    private static let tokenBytes: [Bool] = (0...255).map { value in
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// A header name in lower case (names are tokens: ASCII).
    static func lowercasedName(_ name: ArraySlice<UInt8>) -> String {
        String(unsafeUninitializedCapacity: name.count) { buffer in
            for (offset, byte) in name.enumerated() {
                buffer[offset] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            }
            return name.count
        }
    }

    /// Decodes `%XX` escapes (and `+` as space when asked); `nil` for a bad escape or invalid UTF-8.
    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        // Most paths and query values have nothing to decode (and a Substring is valid UTF-8 already).
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(text)
        }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard iterator.count >= 2, let high = hexValue(iterator.popFirst()!), let low = hexValue(iterator.popFirst()!) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if byte == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
