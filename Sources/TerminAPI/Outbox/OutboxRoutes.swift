import TerminCore
import TerminEngine
import TerminHTTP

/// `GET /v1/outbox/dead` and `POST /v1/outbox/{id}/retry` (admins): the messages to citizens the delivery gave up
/// on, and giving one its tries again once the cause is fixed.
extension TerminAPI {
    func addOutboxRoutes(to router: inout Router) {
        router.add("GET", "/v1/outbox/dead") { request, _ in respond { try deadMessages(request) } }
        router.add("POST", "/v1/outbox/{id}/retry") { request, parameters in
            respond { try retryMessage(request, id: parameters["id"]!) }
        }
    }

    func deadMessages(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        try authorizeDelivery(request)
        let messages = try run { () throws(EngineError) in try engine.deadMessages() }
        return JSONBody.response(200, DeadMessagesJSON(messages: messages.map(DeadMessageJSON.init)))
    }

    func retryMessage(_ request: HTTPRequest, id: String) throws(APIFailure) -> HTTPResponse {
        try authorizeDelivery(request)
        try run { () throws(EngineError) in try engine.reviveMessage(id: id) }
        return HTTPResponse(status: 204)
    }

    /// Admins only: 401 without a staff token, 403 for another role.
    func authorizeDelivery(_ request: HTTPRequest) throws(APIFailure) {
        let member = try staffMember(request)
        try run { () throws(EngineError) in try staff.authorize(member, .operateDelivery, officeID: nil) }
    }
}

struct DeadMessagesJSON: Encodable {
    let messages: [DeadMessageJSON]
}

/// A dead message as admins see it: no contact data, the booking by its id.
struct DeadMessageJSON: Encodable {
    let id: String
    let booking: String
    let kind: String
    let revision: Int
    let attempts: Int
    let created_at: String
    let given_up_at: String
    let last_error: String?
    /// The webhook receiver, for an event; absent for a mail.
    let receiver: Int?

    init(_ message: DeadMessage) {
        id = message.id
        booking = message.appointmentID
        kind = message.kind
        revision = message.revision
        attempts = message.attempts
        created_at = BerlinTime.format(message.createdAt)
        given_up_at = BerlinTime.format(message.settledAt)
        last_error = message.lastError
        receiver = message.receiverID
    }
}
