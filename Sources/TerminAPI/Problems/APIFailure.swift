import TerminCore
import TerminEngine
import TerminHTTP

/// A request the API refuses: one problem+json answer. The one place where errors become response bodies.
struct APIFailure: Error {
    /// Problem types are URNs: stable names, not pages to fetch (RFC 9457 §3.1.1).
    static let typeBase = "urn:termin:problem:"

    let problem: ProblemDetails
    var headers: [(name: String, value: String)] = []

    init(_ problem: ProblemDetails, headers: [(name: String, value: String)] = []) {
        self.problem = problem
        self.headers = headers
    }

    /// 400: the request is malformed at `field`.
    static func malformed(_ field: String, _ detail: String) -> APIFailure {
        APIFailure(ProblemDetails(type: typeBase + "malformed-request", title: "Malformed request", status: 400,
                                  detail: detail, field: field))
    }

    /// 422: the request is well-formed but invalid at `field`.
    static func invalid(_ field: String, _ detail: String) -> APIFailure {
        APIFailure(ProblemDetails(type: typeBase + "invalid-request", title: "Invalid request", status: 422,
                                  detail: detail, field: field))
    }

    /// The answer to an engine error.
    init(_ error: EngineError) {
        switch error.kind {
        case .scheduling:
            let scheduling = error.scheduling!
            let status = scheduling.code.isConflict ? 409 : 422
            let slug = Self.slug(scheduling.code.description)
            self.init(ProblemDetails(type: Self.typeBase + slug, title: Self.title(slug), status: status,
                                     detail: scheduling.detail, field: scheduling.field))
        case .holdUnknown:
            self.init(ProblemDetails(type: Self.typeBase + "hold-unknown", title: "Unknown hold", status: 422,
                                     detail: error.detail, field: "hold"))
        case .holdExpired:
            self.init(ProblemDetails(type: Self.typeBase + "hold-expired", title: "Hold expired", status: 410,
                                     detail: error.detail, field: "hold"))
        case .holdAlreadyConfirmed:
            self.init(ProblemDetails(type: Self.typeBase + "hold-already-booked", title: "Hold already booked", status: 409,
                                     detail: error.detail, field: "hold"))
        case .idempotencyKeyReused:
            self.init(ProblemDetails(type: Self.typeBase + "idempotency-key-reused", title: "Idempotency key reused",
                                     status: 422, detail: error.detail, field: "Idempotency-Key"))
        case .notFound:
            self.init(ProblemDetails(type: Self.typeBase + "booking-not-found", title: "Booking not found", status: 404,
                                     detail: error.detail, field: nil))
        case .pastCutoff:
            self.init(ProblemDetails(type: Self.typeBase + "change-cutoff-passed", title: "Too late to change online",
                                     status: 409, detail: error.detail, field: error.field))
        case .unauthorized:
            self.init(ProblemDetails(type: Self.typeBase + "staff-only", title: "Staff credentials required", status: 401,
                                     detail: error.detail, field: "Authorization"),
                      headers: [("WWW-Authenticate", "Bearer realm=\"termin\"")])
        case .forbidden:
            self.init(ProblemDetails(type: Self.typeBase + "forbidden", title: "Not allowed", status: 403,
                                     detail: error.detail, field: "Authorization"))
        case .invalid:
            self = .invalid(error.field ?? "body", error.detail)
        case .bookingState:
            self.init(ProblemDetails(type: Self.typeBase + "booking-state", title: "Not in this state", status: 409,
                                     detail: error.detail, field: error.field))
        case .ticketUnknown:
            self.init(ProblemDetails(type: Self.typeBase + "ticket-not-found", title: "Ticket not found", status: 404,
                                     detail: error.detail, field: nil))
        case .ticketState:
            self.init(ProblemDetails(type: Self.typeBase + "ticket-state", title: "Not in this state", status: 409,
                                     detail: error.detail, field: error.field))
        case .officeClosed:
            self.init(ProblemDetails(type: Self.typeBase + "office-closed", title: "Not open", status: 409,
                                     detail: error.detail, field: error.field))
        case .queueFull:
            self.init(ProblemDetails(type: Self.typeBase + "queue-full", title: "Queue full", status: 409,
                                     detail: error.detail, field: nil))
        case .unavailable:
            self.init(ProblemDetails(type: Self.typeBase + "unavailable", title: "Temporarily unavailable", status: 503,
                                     detail: "The database is unavailable; nothing was changed. Try again shortly.",
                                     field: nil),
                      headers: [("Retry-After", "2")])
        case .bookingLimit:
            self.init(ProblemDetails(type: Self.typeBase + "booking-limit", title: "Booking limit reached", status: 409,
                                     detail: error.detail, field: error.field))
        case .coolingDown:
            self.init(ProblemDetails(type: Self.typeBase + "cancel-cool-down", title: "Cancelled recently", status: 429,
                                     detail: error.detail, field: error.field),
                      headers: [("Retry-After", String(error.retryAfterSeconds ?? 60))])
        case .requestOpen:
            self.init(ProblemDetails(type: Self.typeBase + "request-open", title: "Request already open", status: 409,
                                     detail: error.detail, field: error.field))
        case .requestNotFound:
            self.init(ProblemDetails(type: Self.typeBase + "request-not-found", title: "Request not found", status: 404,
                                     detail: error.detail, field: nil))
        case .roundNotFound:
            self.init(ProblemDetails(type: Self.typeBase + "round-not-found", title: "Round not found", status: 404,
                                     detail: error.detail, field: nil))
        case .messageNotFound:
            self.init(ProblemDetails(type: Self.typeBase + "message-not-found", title: "Message not found", status: 404,
                                     detail: error.detail, field: nil))
        case .closureNotFound:
            self.init(ProblemDetails(type: Self.typeBase + "closure-not-found", title: "Closure not found", status: 404,
                                     detail: error.detail, field: nil))
        case .webhookNotFound:
            self.init(ProblemDetails(type: Self.typeBase + "webhook-not-found", title: "Webhook receiver not found", status: 404,
                                     detail: error.detail, field: nil))
        case .earlierListRefused:
            self.init(ProblemDetails(type: Self.typeBase + "earlier-list-refused", title: "Cannot wait for an earlier time",
                                     status: 409, detail: error.detail, field: error.field))
        case .notOnEarlierList:
            self.init(ProblemDetails(type: Self.typeBase + "earlier-wish-not-found", title: "Not on the earlier-time list",
                                     status: 404, detail: error.detail, field: nil))
        case .sessionNotFound:
            self.init(ProblemDetails(type: Self.typeBase + "session-not-found", title: "Group session not found",
                                     status: 404, detail: error.detail, field: "id"))
        case .seatsFree:
            self.init(ProblemDetails(type: Self.typeBase + "seats-free", title: "Seats free", status: 409,
                                     detail: error.detail, field: error.field))
        case .quotaReached:
            self.init(ProblemDetails(type: Self.typeBase + "quota-reached", title: "Daily quota reached", status: 409,
                                     detail: error.detail, field: error.field))
        case .sessionFull:
            self.init(ProblemDetails(type: Self.typeBase + "session-full", title: "Group session full", status: 409,
                                     detail: error.detail, field: "id"))
        case .helperNotFound:
            self.init(ProblemDetails(type: Self.typeBase + "helper-not-found", title: "Helper not found", status: 404,
                                     detail: error.detail, field: "id"))
        case .helperBusy:
            self.init(ProblemDetails(type: Self.typeBase + "helper-busy", title: "Helper busy", status: 409,
                                     detail: error.detail, field: error.field))
        case .sessionOverlaps:
            self.init(ProblemDetails(type: Self.typeBase + "session-overlaps", title: "Group session overlaps another",
                                     status: 409, detail: error.detail, field: error.field))
        case .sessionHasSeats:
            self.init(ProblemDetails(type: Self.typeBase + "session-has-seats", title: "Seats taken", status: 409,
                                     detail: error.detail, field: "id"))
        }
    }

    var response: HTTPResponse { .problem(problem, headers: headers) }

    /// `slotTaken` → `slot-taken`. Codes are ASCII identifiers; byte by byte, as the 409s of a release rush ask for it.
    static func slug(_ camel: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(camel.utf8.count + 4)
        for byte in camel.utf8 {
            if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) {
                bytes += [UInt8(ascii: "-"), byte + 32]
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `slot-taken` → `Slot taken`.
    static func title(_ slug: String) -> String {
        var bytes = slug.utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: " ") : $0 }
        if let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) { bytes[0] = first - 32 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
