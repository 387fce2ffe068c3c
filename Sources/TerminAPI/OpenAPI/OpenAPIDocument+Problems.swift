import TerminJSON

/// The problem answers of the document: one named response per status, listing the problem types it carries, and
/// the statuses every route may answer whatever it does (a malformed request, a request budget spent, a busy server,
/// a body too large or of another media type), added to each operation so the texts list only each route's own.
extension OpenAPIDocument {
    /// A status's named response and the problem types (`urn:termin:problem:` slugs) answered with it.
    struct ProblemStatus {
        let status: Int
        let name: String
        let types: String
    }

    static let problemStatuses = [
        ProblemStatus(status: 400, name: "BadRequest", types: "malformed-request (a parameter, path segment or header that cannot be read, field named), malformed-json (a body that is not JSON, or a number too large for its field); about:blank for a request HTTP cannot read"),
        ProblemStatus(status: 401, name: "Unauthorized", types: "staff-only (a staff route or channel without a valid staff token; WWW-Authenticate: Bearer), booking-code-required (no Authorization: Booking <code>; WWW-Authenticate: Booking)"),
        ProblemStatus(status: 403, name: "Forbidden", types: "forbidden (a staff role or office the token does not cover), pseudonym-untrusted (Citizen-Pseudonym from a peer that is not a trusted proxy), proof-of-work-missing, -malformed, -wrong-signature, -wrong-number, -expired, -lifetime-too-long, -replayed (the Altcha header)"),
        ProblemStatus(status: 404, name: "NotFound", types: "booking-not-found (also a wrong code), request-not-found, round-not-found, ticket-not-found, message-not-found, closure-not-found (the office is not closed that day), webhook-not-found, earlier-wish-not-found (the booking is not on the earlier-time list), session-not-found, helper-not-found, proof-of-work-off (no challenges while proof of work is off); about:blank for an office, a desk or a path that does not exist"),
        ProblemStatus(status: 409, name: "Conflict", types: "slot-taken, nothing-free, allocated-by-round (the time or day is not to be had now), hold-already-booked, booking-state, ticket-state, change-cutoff-passed, booking-limit, request-open, earlier-list-refused (not booked online, no e-mail, less than the lead days away, or out of offers), office-closed, queue-full, session-full (every seat of the group session is taken), seats-free (no waiting list while a seat is free), quota-reached (an intermediary's daily quota of bookings on a citizen's behalf), helper-busy (the helper has an appointment, a session or a shift then), session-overlaps (another group session at the place), session-has-seats (seats of the session are held or booked)"),
        ProblemStatus(status: 410, name: "Gone", types: "hold-expired"),
        ProblemStatus(status: 413, name: "ContentTooLarge", types: "about:blank: the body is larger than its limit, 64 KiB for JSON, 256 KiB for a calendar file (field Content-Length)"),
        ProblemStatus(status: 415, name: "UnsupportedMediaType", types: "unsupported-media-type: send application/json (field Content-Type)"),
        ProblemStatus(status: 422, name: "UnprocessableContent", types: "invalid-request (a value outside its rules: a date range, an unknown office in a body, a field required by another), hold-unknown, idempotency-key-reused, and the scheduling rules: unknown-office, unknown-service, service-not-offered, not-bookable-online, quantity-out-of-range, not-combinable, duplicate-service, no-services, too-many-services, no-qualified-desk, off-grid, outside-opening-hours, closed-day, beyond-horizon, inside-minimum-notice, invalid-range, no-accessible-desk, reserved-offer (the offer is reserved for some people: a helper or an intermediary books it for them)"),
        ProblemStatus(status: 429, name: "TooManyRequests", types: "rate-limited (the client address's request budget; Retry-After), cancel-cool-down (the same citizen and service again soon after a cancellation; Retry-After)"),
        ProblemStatus(status: 503, name: "Unavailable", types: "unavailable (the database is away; nothing was written; Retry-After); about:blank when the server is busy (Retry-After)"),
    ]

    /// Paths the request budgets leave out (as `RateLimiter`'s configuration does).
    static let unlimitedPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    /// `document` with each operation's problem responses named by status, the statuses every route may answer added,
    /// and the named responses in its components.
    static func withProblemResponses(_ document: JSONValue) -> JSONValue {
        let paths = mapMembers(document["paths"]!) { path, item in
            mapMembers(item) { method, operation in
                guard ["get", "post", "put", "patch", "delete"].contains(method) else { return operation }
                return replacing("responses", in: operation,
                                 with: responses(operation["responses"]!, path: path, hasBody: operation["requestBody"] != nil))
            }
        }
        let named = JSONValue.object(problemStatuses.map { problem in
            JSONValue.Member(key: problem.name, value: .object([
                "description": .string("RFC 9457 problem details. Types: " + problem.types),
                "content": .object(["application/problem+json": .object(["schema": reference("schemas/Problem")])]),
            ]))
        })
        let components = replacing("responses", in: document["components"]!, with: named)
        return replacing("components", in: replacing("paths", in: document, with: paths), with: components)
    }

    /// An operation's responses: its own, with `Problem` named by status, and those every route may answer.
    static func responses(_ responses: JSONValue, path: String, hasBody: Bool) -> JSONValue {
        var statuses = [400, 503]
        if !unlimitedPaths.contains(path) { statuses.append(429) }
        if hasBody { statuses += [413, 415] }
        guard case .object(let own) = responses else { preconditionFailure("the OpenAPI texts hold responses objects") }
        let listed = Set(own.map(\.key))
        let added = statuses.filter { !listed.contains(String($0)) }.map { status in
            JSONValue.Member(key: String(status), value: .object([]))
        }
        return .object((own + added).map { member in
            guard let status = Int(member.key), status >= 400 else { return member }
            guard let problem = problemStatuses.first(where: { $0.status == status }) else {
                preconditionFailure("a problem response for every status the texts name (\(status))")
            }
            return JSONValue.Member(key: member.key, value: reference("responses/" + problem.name))
        })
    }

    /// `{"$ref": "#/components/<path>"}`.
    static func reference(_ path: String) -> JSONValue { .object(["$ref": .string("#/components/" + path)]) }

    /// An object with each member's value transformed (given its key).
    static func mapMembers(_ object: JSONValue, _ transform: (String, JSONValue) -> JSONValue) -> JSONValue {
        guard case .object(let members) = object else { preconditionFailure("the OpenAPI texts merge objects") }
        return .object(members.map { JSONValue.Member(key: $0.key, value: transform($0.key, $0.value)) })
    }
}
