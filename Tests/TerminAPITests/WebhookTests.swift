import Foundation
import Testing
import TerminCore
import TerminEngine
import TerminTestSupport
@testable import TerminAPI

/// A real receiver (`Webhooks/webhook_receiver.py`) that verifies every event with the Standard Webhooks reference
/// library under the secret the engine handed out.
final class WebhookSink {
    private let service: PythonService
    var port: Int { service.port }

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Webhooks/webhook_receiver.py")
        service = try PythonService(script: script, needs: "standardwebhooks")
    }

    func url(_ path: String = "/hooks") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Tells the receiver the secret it verifies with.
    func trust(_ secret: String) throws {
        try secret.write(to: service.folder.appendingPathComponent("secret"), atomically: true, encoding: .utf8)
    }

    /// The requests received so far, with whether the library verified them.
    var requests: [[String: Any]] { service.records("events.jsonl") }
}

@Suite struct WebhookTests {
    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    /// Registers a receiver of `events` at `url` and tells `sink` its secret; returns the receiver's id.
    static func register(_ app: TestServer, _ sink: WebhookSink, url: String, events: [String], admin: String) throws -> Int {
        let events = events.map { "\"\($0)\"" }.joined(separator: ",")
        let response = try app.client().send("POST", "/v1/webhooks", headers: bearer(admin), body: #"{"url":"\#(url)","events":[\#(events)]}"#)
        #expect(response.status == 201, "\(response.text)")
        let secret = try #require(response.json["secret"] as? String)
        #expect(secret.hasPrefix("whsec_"))
        try sink.trust(secret)
        return try #require(response.json["id"] as? Int)
    }

    static func delivery(_ app: TestServer, _ configure: (inout OutboxDelivery.Configuration) -> Void = { _ in }) -> WebhookDelivery {
        var configuration = OutboxDelivery.Configuration()
        configure(&configuration)
        return WebhookDelivery(pool: app.pool, clock: app.clock, configuration: configuration, log: { _ in })
    }

    @Test func eventsAreSignedAsTheSpecificationSaysAndCarryNoContactData() throws {
        let app = try TestServer()
        let sink = try WebhookSink()
        let client = try app.client()
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        _ = try Self.register(app, sink, url: sink.url(), events: ["booking.created", "booking.moved", "booking.cancelled"], admin: admin)
        let body = TestServer.holdBody(start: TestServer.tuesday("09:00")).replacingOccurrences(
            of: #""services""#, with: #""contact":{"name":"Erika Mustermann","email":"erika@example.org"},"services""#)
        let booked = try client.send("POST", "/v1/bookings", body: body)
        let id = try #require(booked.json["id"] as? String), code = try #require(booked.json["code"] as? String)
        let citizen = ["Authorization": "Booking \(code)"]
        #expect(try client.send("POST", "/v1/bookings/\(id)/move", headers: citizen,
                                body: #"{"start":"\#(TestServer.tuesday("10:00"))"}"#).status == 200)
        #expect(try client.send("DELETE", "/v1/bookings/\(id)", headers: citizen).status == 200)
        #expect(try Self.delivery(app).deliverDue() == 3)
        let requests = sink.requests
        #expect(requests.count == 3 && requests.allSatisfy { $0["verified"] as? Bool == true }, "\(requests)")
        #expect(Set(requests.compactMap { $0["type"] as? String }) == ["booking.created", "booking.moved", "booking.cancelled"])
        let moved = try #require(requests.first { $0["type"] as? String == "booking.moved" }?["data"] as? [String: Any])
        #expect(moved["revision"] as? Int == 1 && moved["status"] as? String == "confirmed")
        #expect(moved["id"] as? String == id && moved["office"] as? Int == TestServer.orleansplatz && moved["start"] as? String == "2026-12-01T09:00:00Z", "\(moved)")
        #expect(Set(requests.compactMap { $0["webhook_id"] as? String }).count == 3)
        #expect(!requests.contains { "\($0)".contains("Mustermann") || "\($0)".contains("erika@") })
        // Everything delivered: a second round finds nothing due.
        #expect(try Self.delivery(app).deliverDue() == 0)
        let listed = try client.send("GET", "/v1/webhooks", headers: Self.bearer(admin))
        let receivers = try #require(listed.json["webhooks"] as? [[String: Any]])
        #expect(receivers.count == 1 && receivers[0]["secret"] == nil && receivers[0]["url"] as? String == sink.url())
    }

    @Test func aFailedTryIsRetriedUnderTheSameIDAndAnUnreachableReceiverEndsDead() throws {
        let app = try TestServer()
        let sink = try WebhookSink()
        let client = try app.client()
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        let flaky = try Self.register(app, sink, url: sink.url("/fail-first"), events: ["booking.created"], admin: admin)
        #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("09:00"))).status == 201)
        let delivery = Self.delivery(app)
        #expect(try delivery.deliverDue() == 1)
        #expect(try delivery.deliverDue() == 0)   // backing off
        app.clock.advance(seconds: 31)
        #expect(try delivery.deliverDue() == 1)
        let tries = sink.requests
        #expect(tries.map { $0["status"] as? Int } == [503, 204] && tries.allSatisfy { $0["verified"] as? Bool == true }, "\(tries)")
        #expect(Set(tries.compactMap { $0["webhook_id"] as? String }).count == 1)
        #expect(delivery.statistics.sent == 1 && delivery.statistics.failedTries == 1)

        // A receiver nobody listens at: retried, then dead, listed for admins and given its tries again.
        #expect(try client.send("DELETE", "/v1/webhooks/\(flaky)", headers: Self.bearer(admin)).status == 204)
        let gone = try Self.register(app, sink, url: "http://127.0.0.1:9/hooks", events: ["booking.created"], admin: admin)
        #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("09:30"))).status == 201)
        let impatient = Self.delivery(app) { $0.attemptsMax = 2 }
        #expect(try impatient.deliverDue() == 1)
        app.clock.advance(seconds: 31)
        #expect(try impatient.deliverDue() == 1)
        #expect(impatient.statistics.dead == 1)
        let dead = try #require(client.send("GET", "/v1/outbox/dead", headers: Self.bearer(admin)).json["messages"] as? [[String: Any]])
        #expect(dead.count == 1 && dead[0]["kind"] as? String == "booking.created" && dead[0]["receiver"] as? Int == gone, "\(dead)")
        let messageID = try #require(dead[0]["id"] as? String)
        #expect(try client.send("POST", "/v1/outbox/\(messageID)/retry", headers: Self.bearer(admin)).status == 204)
        // Removing the receiver drops what it has not received.
        #expect(try client.send("DELETE", "/v1/webhooks/\(gone)", headers: Self.bearer(admin)).status == 204)
        #expect(try client.send("DELETE", "/v1/webhooks/\(gone)", headers: Self.bearer(admin)).status == 404)
        #expect(try app.scalar("SELECT count(*) FROM outbox WHERE state = 'pending' AND receiver_id IS NOT NULL") == "0")
    }

    /// A receiver that redirects is not followed: a redirected POST would arrive as a GET without its body and could
    /// count as delivered. The try fails, naming the redirect, and waits for its next.
    @Test func aRedirectIsAFailedTryNotADelivery() throws {
        let app = try TestServer()
        let sink = try WebhookSink()
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        _ = try Self.register(app, sink, url: sink.url("/moved"), events: ["booking.created"], admin: admin)
        #expect(try app.client().send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("09:00"))).status == 201)
        let delivery = Self.delivery(app)
        #expect(try delivery.deliverDue() == 1)
        #expect(delivery.statistics.sent == 0 && delivery.statistics.failedTries == 1)
        #expect(!sink.requests.contains { $0["method"] as? String == "GET" }, "\(sink.requests)")
        #expect(try app.scalar("SELECT state || ' ' || attempts || ' ' || (last_error LIKE '%301%/hooks/%') FROM outbox") == "pending 1 true")
    }

    /// A server with two receivers of new bookings at one sink: `/slow` (answers after 5 s) and `/fast`.
    static func slowAndFastReceivers() throws -> (TestServer, WebhookSink) {
        let app = try TestServer()
        let sink = try WebhookSink()
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        _ = try register(app, sink, url: sink.url("/slow"), events: ["booking.created"], admin: admin)
        _ = try register(app, sink, url: sink.url("/fast"), events: ["booking.created"], admin: admin)
        return (app, sink)
    }

    /// Each receiver is called with a time-out: a slow one fails its try, and the others' events go out.
    @Test func aSlowReceiverFailsItsTryAndTheOthersAreSent() throws {
        let (app, sink) = try Self.slowAndFastReceivers()
        #expect(try app.client().send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("09:00"))).status == 201)
        let delivery = Self.delivery(app) { $0.webhookTimeoutSeconds = 1 }
        #expect(try delivery.deliverDue() == 2)
        #expect(delivery.statistics.sent == 1 && delivery.statistics.failedTries == 1)
        #expect(sink.requests.contains { $0["path"] as? String == "/fast" && $0["verified"] as? Bool == true })
        #expect(try app.scalar("""
            SELECT x.attempts FROM outbox x JOIN webhook_receiver r ON r.id = x.receiver_id
            WHERE r.url LIKE '%/slow' AND x.state = 'pending'
            """) == "1")
    }

    /// The delivery's loops each post to a receiver of their own: while a slow receiver keeps one loop waiting for its
    /// answer, every event of another receiver goes out, all of them before the slow one has answered its first.
    @Test func aSlowReceiverHoldsItsOwnLoopAndNoOtherReceiver() throws {
        let (app, sink) = try Self.slowAndFastReceivers()
        let delivery = Self.delivery(app) { $0.intervalSeconds = 0.05 }
        TestThreads.start(delivery.loops)
        defer { delivery.stop() }
        func fastEvents() -> Int { sink.requests.count { $0["path"] as? String == "/fast" } }
        let client = try app.client()
        #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("09:00"))).status == 201)
        try Wait.required("the first event at the fast receiver") { fastEvents() == 1 }
        for time in ["09:30", "10:00", "10:30"] {   // the slow receiver has its first event yet to answer (5 s)
            #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday(time))).status == 201)
        }
        try Wait.required("the fast receiver's four events") { fastEvents() == 4 }
        let paths = sink.requests.map { $0["path"] as? String }
        #expect(!paths.prefix(4).contains("/slow"), "\(paths)")
        try Wait.required("the slow receiver's four events", seconds: 30) { sink.requests.count == 8 }
    }

    @Test(arguments: [
        (#"{"url":"ftp://example.org/hooks","events":["booking.created"]}"#, "url"),
        (#"{"url":"https://","events":["booking.created"]}"#, "url"),
        (#"{"url":"https://example.org/hooks","events":[]}"#, "events"),
        (#"{"url":"https://example.org/hooks","events":["booking.created","booking.created"]}"#, "events"),
        (#"{"url":"https://example.org/hooks","events":["booking.deleted"]}"#, "events[0]"),
        (#"{"url":"https://example.org/hooks"}"#, "events"),
    ])
    func aBadRegistrationIsRefusedNamingTheField(body: String, field: String) throws {
        let app = try TestServer()
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        let refused = try app.client().send("POST", "/v1/webhooks", headers: Self.bearer(admin), body: body)
        #expect(refused.status == 422 && refused.json["field"] as? String == field, "\(refused.text)")
        #expect(try app.scalar("SELECT count(*) FROM webhook_receiver") == "0")
    }

    @Test func onlyAdminsRegisterReceivers() throws {
        let app = try TestServer()
        let body = #"{"url":"https://example.org/hooks","events":["booking.created"]}"#
        #expect(try app.client().send("POST", "/v1/webhooks", body: body).status == 401)
        let lead = try app.staffToken(.lead, name: "Lead")
        #expect(try app.client().send("POST", "/v1/webhooks", headers: Self.bearer(lead), body: body).status == 403)
        #expect(try app.client().send("GET", "/v1/webhooks", headers: Self.bearer(lead)).status == 403)
    }
}
