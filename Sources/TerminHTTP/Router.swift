/// Maps method and path to a handler. Patterns are literal segments and `{name}` parameters:
/// `/v1/bookings/{id}/calendar.ics`.
///
/// A path no route matches is 404; a path that matches with another method is 405 with `Allow`. HEAD is served by
/// the GET route (the server drops the body).
public struct Router: Sendable {
    /// A handler: the request and the path parameters by name.
    public typealias Handler = @Sendable (HTTPRequest, [String: String]) -> HTTPResponse

    struct Route: Sendable {
        let method: String
        let pattern: String
        let segments: [String]
        let handler: Handler
    }

    private var routes: [Route] = []

    public init() {}

    /// Adds a route.
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        precondition(pattern.hasPrefix("/"), "patterns start with '/'")
        precondition(!routes.contains { $0.method == method && $0.pattern == pattern }, "\(method) \(pattern) is routed twice")
        routes.append(Route(method: method, pattern: pattern, segments: pattern.split(separator: "/").map(String.init), handler: handler))
    }

    /// Every (method, pattern) routed, in the order added.
    public var table: [(method: String, pattern: String)] { routes.map { ($0.method, $0.pattern) } }

    /// Answers a request.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        // Split on the byte '/', not the Character: a combining mark after a slash joins it into one grapheme,
        // which would hide a segment boundary from a Character-based split (found by the fuzzer).
        let segments = request.path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .dropFirst().map { String(decoding: $0, as: UTF8.self) }
        var allowed: [String] = []
        let method = request.method == "HEAD" ? "GET" : request.method
        for route in routes {
            guard let parameters = match(route.segments, Array(segments)) else { continue }
            if route.method == method {
                var response = route.handler(request, parameters)
                response.route = route.pattern
                return response
            }
            allowed.append(route.method)
        }
        if allowed.isEmpty {
            return .problem(.http(404, "There is no resource at \(request.path)."))
        }
        if allowed.contains("GET") { allowed.append("HEAD") }
        return .problem(.http(405, "\(request.path) allows \(allowed.joined(separator: ", "))."),
                        headers: [("Allow", allowed.joined(separator: ", "))])
    }

    func match(_ pattern: [String], _ path: [String]) -> [String: String]? {
        guard pattern.count == path.count else { return nil }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(pattern, path) {
            if expected.first == "{" && expected.last == "}" {
                guard !actual.isEmpty else { return nil }
                parameters[String(expected.dropFirst().dropLast())] = actual
            } else if !expected.utf8.elementsEqual(actual.utf8) {
                return nil
            }
        }
        return parameters
    }
}
