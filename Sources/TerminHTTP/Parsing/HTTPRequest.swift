/// A parsed HTTP/1.x request.
public struct HTTPRequest: Sendable {
    public let method: String
    /// The request target exactly as sent (`/v1/offices?service=1`).
    public let target: String
    /// The decoded path (`/v1/offices`).
    public let path: String
    /// Decoded query parameters in order (`+` reads as a space).
    public let query: [(name: String, value: String)]
    /// `1` for HTTP/1.1, `0` for HTTP/1.0.
    public let minorVersion: Int
    /// Header fields in order, names lower-cased.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    /// The peer's address as the server accepted the connection (`nil` when not known, e.g. in unit tests).
    public var peer: ClientAddress?

    public init(method: String, target: String, path: String, query: [(name: String, value: String)], minorVersion: Int,
                headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
    }

    /// The first value of a header (`name` is matched case-insensitively).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// Whether the client asked to keep the connection open (HTTP/1.1 default, HTTP/1.0 opt-in).
    public var wantsKeepAlive: Bool {
        let tokens = (header("connection") ?? "").lowercased().split(separator: ",")
            .map { $0.trimmingCharacters(in: " \t") }
        if tokens.contains("close") { return false }
        return minorVersion >= 1 || tokens.contains("keep-alive")
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
