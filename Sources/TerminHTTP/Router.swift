/// Maps method and path to a handler. Patterns are literal segments and `{name}` parameters:
/// `/v1/bookings/{id}/calendar.ics`.
///
/// A path no route matches is 404; a path that matches with another method is 405 with `Allow`. HEAD is served by
/// the GET route (the server drops the body). A route added `inline` never blocks (no database, no waiting) and is
/// answered on the event loop; the others run on the worker threads, unless they have a `deferring` path that takes
/// the request on the loop without blocking and answers later (when a commit is done, say).
public struct Router: Sendable {
    /// A handler: the request and the path parameters by name.
    public typealias Handler = @Sendable (HTTPRequest, [String: String]) -> HTTPResponse

    /// A route's non-blocking path, run on the event loop: answers at once, or takes the request and calls `later`
    /// exactly once (from any thread) with the answer, or leaves it to the route's blocking handler.
    public typealias DeferringHandler = @Sendable (HTTPRequest, [String: String],
                                                   _ later: @escaping @Sendable (HTTPResponse) -> Void) -> InlineOutcome

    /// What the event loop's pass over a request came to.
    public enum InlineOutcome: Sendable {
        /// The answer, now.
        case answered(HTTPResponse)
        /// The answer comes later, through the `later` callback.
        case deferred
        /// The request needs a worker thread (the route's blocking handler).
        case blocking
    }

    struct Route: Sendable {
        let method: String
        let pattern: String
        let segments: [String]
        let inline: Bool
        let deferring: DeferringHandler?
        let handler: Handler
    }

    private var routes: [Route] = []

    public init() {}

    /// Adds a route; `inline` when its handler never blocks; `deferring`: a non-blocking path tried first on the
    /// event loop (with the blocking `handler` for what it leaves).
    public mutating func add(_ method: String, _ pattern: String, inline: Bool = false, deferring: DeferringHandler? = nil,
                             _ handler: @escaping Handler) {
        precondition(pattern.hasPrefix("/"), "patterns start with '/'")
        precondition(!routes.contains { $0.method == method && $0.pattern == pattern }, "\(method) \(pattern) is routed twice")
        precondition(!(inline && deferring != nil), "an inline route never needs a deferring path")
        routes.append(Route(method: method, pattern: pattern, segments: pattern.split(separator: "/").map(String.init),
                            inline: inline, deferring: deferring, handler: handler))
    }

    /// Every (method, pattern) routed, in the order added.
    public var table: [(method: String, pattern: String)] { routes.map { ($0.method, $0.pattern) } }

    /// Answers a request if that cannot block (an inline route, or no route at all), takes it on a route's deferring
    /// path, or says it must go to a worker thread.
    public func respondInline(to request: HTTPRequest, later: @escaping @Sendable (HTTPResponse) -> Void) -> InlineOutcome {
        respond(to: request, inlineOnly: true, later: later)
    }

    /// Answers a request (on a worker thread: blocking handlers run).
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard case .answered(let response) = respond(to: request, inlineOnly: false, later: { _ in }) else {
            preconditionFailure("a blocking pass always answers")
        }
        return response
    }

    private func respond(to request: HTTPRequest, inlineOnly: Bool, later: @escaping @Sendable (HTTPResponse) -> Void) -> InlineOutcome {
        // Split on the byte '/', not the Character: a combining mark after a slash joins it into one grapheme,
        // which would hide a segment boundary from a Character-based split (found by the fuzzer).
        let segments = request.path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .dropFirst().map { String(decoding: $0, as: UTF8.self) }
        var allowed: [String] = []
        let method = request.method == "HEAD" ? "GET" : request.method
        for route in routes {
            guard let parameters = match(route.segments, Array(segments)) else { continue }
            if route.method == method {
                if inlineOnly && !route.inline {
                    guard let deferring = route.deferring else { return .blocking }
                    let pattern = route.pattern
                    let outcome = deferring(request, parameters) { response in
                        var response = response
                        response.route = pattern
                        later(response)
                    }
                    guard case .answered(var response) = outcome else { return outcome }
                    response.route = pattern
                    return .answered(response)
                }
                var response = route.handler(request, parameters)
                response.route = route.pattern
                return .answered(response)
            }
            allowed.append(route.method)
        }
        if allowed.isEmpty {
            return .answered(.problem(.http(404, "There is no resource at \(request.path).", field: "target")))
        }
        if allowed.contains("GET") { allowed.append("HEAD") }
        return .answered(.problem(.http(405, "\(request.path) allows \(allowed.joined(separator: ", ")).", field: "method"),
                                  headers: [("Allow", allowed.joined(separator: ", "))]))
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
