import TerminCore
import TerminEngine
import TerminHTTP

/// `POST /v1/webhooks`, `GET /v1/webhooks`, `DELETE /v1/webhooks/{id}` (admins): the receivers of booking events.
extension TerminAPI {
    func addWebhookRoutes(to router: inout Router) {
        router.add("POST", "/v1/webhooks") { request, _ in respond { try registerWebhook(request) } }
        router.add("GET", "/v1/webhooks") { request, _ in respond { try listWebhooks(request) } }
        router.add("DELETE", "/v1/webhooks/{id}") { request, parameters in
            respond { try removeWebhook(request, id: parameters["id"]!) }
        }
    }

    func registerWebhook(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        let member = try staffMember(request)
        try run { () throws(EngineError) in try staff.authorize(member, .operateDelivery, officeID: nil) }
        let body = try JSONBody.decode(WebhookRegistrationJSON.self, from: request)
        let (receiver, secret) = try run { () throws(EngineError) in
            try engine.registerWebhook(url: body.url, events: body.events, by: member)
        }
        return JSONBody.response(201, WebhookJSON(receiver, secret: secret), headers: [("Location", "/v1/webhooks/\(receiver.id)")])
    }

    func listWebhooks(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        try authorizeDelivery(request)
        let receivers = try run { () throws(EngineError) in try engine.webhooks() }
        return JSONBody.response(200, WebhookListJSON(webhooks: receivers.map { WebhookJSON($0, secret: nil) }))
    }

    func removeWebhook(_ request: HTTPRequest, id text: String) throws(APIFailure) -> HTTPResponse {
        try authorizeDelivery(request)
        guard let id = Int(text), id > 0 else { throw APIFailure.malformed("id", "A webhook receiver's id is a positive integer.") }
        try run { () throws(EngineError) in try engine.removeWebhook(id: id) }
        return HTTPResponse(status: 204)
    }
}

/// `POST /v1/webhooks`.
struct WebhookRegistrationJSON: Decodable {
    let url: String
    let events: [String]
}

/// A receiver; its secret only in the answer that registered it.
struct WebhookJSON: Encodable {
    let id: Int
    let url: String
    let events: [String]
    let created_at: String
    let secret: String?

    init(_ receiver: WebhookReceiver, secret: String?) {
        id = receiver.id
        url = receiver.url
        events = receiver.events
        created_at = BerlinTime.format(receiver.createdAt)
        self.secret = secret
    }
}

struct WebhookListJSON: Encodable {
    let webhooks: [WebhookJSON]
}
