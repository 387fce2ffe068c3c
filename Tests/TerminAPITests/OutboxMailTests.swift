import Foundation
import Testing
import TerminCore
import TerminEngine
import TerminMail
import TerminTestSupport
@testable import TerminAPI

@Suite struct OutboxMailTests {
    static func delivery(_ app: TestServer, port: Int, configuration: OutboxDelivery.Configuration = .init(),
                         from: String = "termine@muenchen.example") -> OutboxDelivery {
        OutboxDelivery(pool: app.pool, catalogs: app.engine.catalogs,
                       sender: BookingMail.Sender(from: MailAddress(from, name: "Stadt München"),
                                                  portalURL: "https://termine.muenchen.example/buchung", codes: app.engine.codes),
                       transport: { messages throws(SMTPClient.Failure) in
                           try SMTPClient(host: "127.0.0.1", port: port, timeoutSeconds: 5).send(messages)
                       },
                       clock: app.clock, configuration: configuration, log: { _ in })
    }

    /// A server (Monday 09:00), its client, an SMTP server, and a delivery to it.
    static func mailing() throws -> (TestServer, TestHTTPClient, SMTPSink, OutboxDelivery) {
        let app = try TestServer()
        let sink = try SMTPSink()
        return (app, try app.client(), sink, delivery(app, port: sink.port))
    }

    static func book(_ client: TestHTTPClient, _ time: String, email: String?) throws -> (id: String, code: String) {
        let contact = email.map { #","contact":{"name":"Jürgen Müller","email":"\#($0)"}"# } ?? ""
        let answer = try client.send("POST", "/v1/bookings",
                                     body: #"{"office":102522,"start":"\#(TestServer.tuesday(time))","services":[{"id":1063441}]\#(contact)}"#)
        try #require(answer.status == 201, "\(answer.text)")
        return (answer.json["id"] as! String, answer.json["code"] as! String)
    }

    @Test func aBookingsLifeIsMailedFromTheOutbox() throws {
        let (app, client, sink, delivery) = try Self.mailing()

        let booking = try Self.book(client, "09:00", email: "juergen@example.org")
        _ = try Self.book(client, "09:30", email: nil)   // no contact e-mail: no message
        #expect(try delivery.deliverDue() == 1)
        let confirmation = try #require(sink.mails.first)
        #expect(confirmation["subject"] as? String == "Terminbestätigung / Appointment confirmed: Bürgerbüro Orleansplatz, Dienstag, 1. Dezember 2026, 09:00–09:15 Uhr")
        #expect((confirmation["to"] as? String)?.contains("Jürgen Müller <juergen@example.org>") == true, "\(confirmation)")
        #expect(confirmation["calendar_method"] as? String == "REQUEST")
        #expect(confirmation["helo"] as? String == "[127.0.0.1]", "EHLO names a domain or an address literal (RFC 5321 §4.1.1.1)")
        let text = confirmation["text"] as? String ?? ""
        #expect(text.contains("Bürgerbüro Orleansplatz") && text.contains("Personalausweis") && text.contains("15 Minuten"))
        // The link opens the booking with its code (the one the booking was answered with).
        #expect(text.contains("Move or cancel: https://termine.muenchen.example/buchung?booking=\(booking.id)&code=\(booking.code)\n")
                && text.contains("Your appointment is booked."), "\(text)")
        let calendar = confirmation["calendar"] as? String ?? ""
        #expect(calendar.contains("UID:\(booking.id)@termin") && calendar.contains("SEQUENCE:0") && calendar.contains("ATTENDEE"))

        // A move: same UID, SEQUENCE 1; a cancellation: METHOD:CANCEL.
        #expect(try client.send("POST", "/v1/bookings/\(booking.id)/move", headers: ["Authorization": "Booking \(booking.code)"],
                                body: #"{"start":"\#(TestServer.tuesday("10:00"))"}"#).status == 200)
        #expect(try delivery.deliverDue() == 1)
        #expect(try client.send("DELETE", "/v1/bookings/\(booking.id)", headers: ["Authorization": "Booking \(booking.code)"]).status == 200)
        #expect(try delivery.deliverDue() == 1)
        let mails = sink.mails
        try #require(mails.count == 3)
        #expect((mails[1]["subject"] as? String)?.hasPrefix("Termin verschoben / Appointment moved") == true)
        #expect((mails[1]["calendar"] as? String)?.contains("UID:\(booking.id)@termin\r\nSEQUENCE:1") == true, "\(mails[1])")
        #expect((mails[1]["calendar"] as? String)?.contains("DTSTART;TZID=Europe/Berlin:20261201T100000") == true)
        #expect(mails[2]["calendar_method"] as? String == "CANCEL" && (mails[2]["calendar"] as? String)?.contains("STATUS:CANCELLED") == true)
        #expect((mails[2]["calendar"] as? String)?.contains("UID:\(booking.id)@termin\r\nSEQUENCE:2\r\n") == true, "\(mails[2])")
        #expect(Set(mails.compactMap { $0["message_id"] as? String }).count == 3)
        #expect(try app.scalar("SELECT string_agg(state, ',' ORDER BY created_at) FROM outbox") == "sent,sent,sent")
        #expect(try delivery.deliverDue() == 0)
    }

    /// A relay may take longer to answer a message's data (it scans it) than any other step: that reply has a wait of
    /// its own. And a session begins no message once it has run its time: the rest wait, untried, so a slow relay never
    /// keeps a round past its lease (another instance would send its tail again).
    @Test func aSlowReplyToTheDataIsAwaitedAndASessionBeginsNothingPastItsTime() throws {
        let sink = try SMTPSink()
        func mail(_ to: String) -> MailMessage {
            MailMessage(messageID: "<\(to)@termin>", from: MailAddress("termine@muenchen.example"), to: MailAddress(to),
                        subject: "s", date: Date(timeIntervalSince1970: 0), text: "t", calendar: nil)
        }
        let client = SMTPClient(host: "127.0.0.1", port: sink.port, timeoutSeconds: 1, dataTimeoutSeconds: 10, sessionSecondsMax: 1)
        let results = try client.send([mail("slow1@example.org"), mail("slow2@example.org")])
        #expect(results[0] == nil, "\(results)")   // answered after 2 s, past the 1 s of the other steps
        #expect(results[1]?.untried == true, "\(results)")   // begun after the session's second: left for later
        #expect(sink.mails.count == 1)
    }

    /// Text parts travel in their canonical form: every line ends in CRLF (RFC 2046 §4.1.1), whatever the text held.
    @Test func textPartsEndTheirLinesInCRLF() throws {
        let message = MailMessage(messageID: "<x@termin>", from: MailAddress("a@example.org"), to: MailAddress("b@example.org"),
                                  subject: "s", date: Date(timeIntervalSince1970: 0), text: "eins\nzwei\r\ndrei\n",
                                  calendar: .init(method: "REQUEST", content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
        let parts = message.rendered.components(separatedBy: "\r\n\r\n").dropFirst(2).map {
            $0.components(separatedBy: "\r\n--").first!.replacingOccurrences(of: "\r\n", with: "")
        }
        let decoded = parts.compactMap { Data(base64Encoded: $0).map { String(decoding: $0, as: UTF8.self) } }
        #expect(decoded == ["eins\r\nzwei\r\ndrei\r\n", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"], "\(message.rendered)")
    }

    /// A mail names the master data in force when it is sent: here a service's longer cut-off, set after the booking.
    @Test func aMailNamesTheMasterDataInForce() throws {
        let (app, client, sink, delivery) = try Self.mailing()
        _ = try Self.book(client, "09:00", email: "juergen@example.org")
        _ = try app.scalar("UPDATE service SET change_cutoff_minutes = 1440 WHERE id = 1063441")
        _ = try app.scalar("SELECT termin_catalog_changed()")
        try Wait.required("the engine to take up the change") {
            app.engine.catalog.changeCutoffMinutes(officeID: TestServer.orleansplatz,
                                                   services: [ServiceRequest(serviceID: 1063441, quantity: 1)]) == 1440
        }
        #expect(try delivery.deliverDue() == 1)
        let text = try #require(sink.mails.first?["text"] as? String)
        #expect(text.contains("Online bis 1440 Minuten vor Beginn"), "\(text)")
    }

    /// A booking whose code was not derived from its id (made before codes were) gets a link without a code, and the
    /// mail asks for it.
    @Test func aLinkCarriesOnlyACodeThatOpensTheBooking() throws {
        let (app, client, sink, delivery) = try Self.mailing()
        let booking = try Self.book(client, "09:00", email: "juergen@example.org")
        _ = try app.scalar("UPDATE appointment SET code_hash = sha256('a code made otherwise') WHERE id = $1 RETURNING 1", [booking.id])
        #expect(try delivery.deliverDue() == 1)
        let text = try #require(sink.mails.first?["text"] as? String)
        #expect(text.contains("Move or cancel (with your booking code): https://termine.muenchen.example/buchung?booking=\(booking.id)\n"),
                "\(text)")
        #expect(!text.contains("code="))
    }

    @Test func aMessageALaterChangeSupersededIsNotSentAndErasureDropsWhatIsPending() throws {
        let (app, client, sink, delivery) = try Self.mailing()
        let booking = try Self.book(client, "09:00", email: "a@example.org")
        #expect(try client.send("POST", "/v1/bookings/\(booking.id)/move", headers: ["Authorization": "Booking \(booking.code)"],
                                body: #"{"start":"\#(TestServer.tuesday("11:00"))"}"#).status == 200)
        #expect(try delivery.deliverDue() == 2)
        // Only the move is sent: the confirmation names a time the booking no longer has.
        #expect(sink.mails.count == 1 && (sink.mails.first?["subject"] as? String)?.hasPrefix("Termin verschoben") == true)
        #expect(try app.scalar("SELECT string_agg(kind || ':' || state, ',' ORDER BY created_at) FROM outbox") == "confirmation:stale,move:sent")

        let erased = try Self.book(client, "12:00", email: "b@example.org")
        _ = try app.scalar("UPDATE appointment SET contact_email = NULL, contact_name = NULL WHERE id = $1 RETURNING id", [erased.id])
        #expect(try app.scalar("SELECT count(*) FROM outbox WHERE appointment_id = $1", [erased.id]) == "0")
    }

    /// A relay that is away, for however long, or that refuses the sender (its configuration) tries no message: none
    /// counts a try or dies of it; each waits and is sent once the relay takes it.
    @Test func anUnreachableRelayLosesNothing() throws {
        let app = try TestServer()
        let client = try app.client()
        // A port nothing listens on yet: the sink starts there later.
        let port = try { () throws -> Int in try SMTPSink().port }()
        var configuration = OutboxDelivery.Configuration()
        configuration.attemptsMax = 2
        let delivery = Self.delivery(app, port: port, configuration: configuration)
        _ = try Self.book(client, "09:00", email: "a@example.org")
        for _ in 0..<5 {   // more rounds than it has tries
            #expect(try delivery.deliverDue() == 1)
            #expect(try app.scalar("SELECT state || ' ' || attempts FROM outbox") == "pending 0")
            #expect(try delivery.deliverDue() == 0)   // not due again before the wait
            app.clock.advance(seconds: 31)
        }
        #expect(delivery.statistics.postponed == 5 && delivery.statistics.dead == 0)
        let sink = try SMTPSink(port: port)
        #expect(try Self.delivery(app, port: port, configuration: configuration, from: "unlisted@muenchen.example").deliverDue() == 1)
        #expect(try app.scalar("SELECT state || ' ' || attempts FROM outbox") == "pending 0")
        app.clock.advance(seconds: 31)
        #expect(try delivery.deliverDue() == 1)
        #expect(sink.mails.count == 1)
        #expect(try app.scalar("SELECT state || ' ' || attempts FROM outbox") == "sent 1")
    }

    /// The relay defers one message of a round (greylisting, a rate limit): that one waits for its next try, and the
    /// others of the round are sent, once each, over the same connection.
    @Test func aMessageTheRelayDefersWaitsAloneAndTheOthersAreSentOnce() throws {
        let (app, client, sink, delivery) = try Self.mailing()
        _ = try Self.book(client, "09:00", email: "a@example.org")
        _ = try Self.book(client, "09:30", email: "greylisted@example.org")
        _ = try Self.book(client, "10:00", email: "c@example.org")
        #expect(try delivery.deliverDue() == 3)
        #expect(sink.mails.flatMap { $0["envelope_to"] as! [String] }.sorted() == ["a@example.org", "c@example.org"])
        #expect(try app.scalar("""
            SELECT string_agg(a.contact_email || ' ' || x.state || ' ' || x.attempts, ', ' ORDER BY a.contact_email)
            FROM outbox x JOIN appointment a ON a.id = x.appointment_id
            """) == "a@example.org sent 1, c@example.org sent 1, greylisted@example.org pending 1")
        app.clock.advance(seconds: 31)
        #expect(try delivery.deliverDue() == 1)   // the deferred one alone, deferred again
        #expect(sink.mails.count == 2)
    }

    /// A message whose tries ran out is listed for admins (no contact data), and once the relay is back an admin
    /// gives it its tries again: it is sent.
    @Test func aDeadMessageIsListedForAdminsAndRetried() throws {
        let app = try TestServer()
        let client = try app.client()
        let sink = try SMTPSink()
        var configuration = OutboxDelivery.Configuration()
        configuration.attemptsMax = 1
        let delivery = Self.delivery(app, port: sink.port, configuration: configuration)
        let booking = try Self.book(client, "09:00", email: "greylisted@example.org")
        #expect(try delivery.deliverDue() == 1)
        #expect(delivery.statistics.dead == 1)
        let admin = ["Authorization": "Bearer \(try app.staffToken(.admin, offices: [], name: "Admin"))"]
        #expect(try client.send("GET", "/v1/outbox/dead").status == 401)
        #expect(try client.send("GET", "/v1/outbox/dead", headers: ["Authorization": "Bearer \(try app.staffToken(.lead))"]).status == 403)
        let listed = try client.send("GET", "/v1/outbox/dead", headers: admin)
        let messages = try #require(listed.json["messages"] as? [[String: Any]])
        #expect(messages.count == 1)
        let message = try #require(messages.first)
        #expect(message["booking"] as? String == booking.id && message["kind"] as? String == "confirmation")
        #expect(message["attempts"] as? Int == 1 && (message["last_error"] as? String)?.isEmpty == false)
        #expect(!listed.text.contains("greylisted@example.org"))
        let id = try #require(message["id"] as? String)
        #expect(try client.send("POST", "/v1/outbox/00000000-0000-0000-0000-000000000000/retry", headers: admin).status == 404)
        #expect(try client.send("POST", "/v1/outbox/nope/retry", headers: admin).status == 404)
        _ = try app.scalar("UPDATE appointment SET contact_email = 'a@example.org' WHERE id = $1 RETURNING id", [booking.id])
        #expect(try client.send("POST", "/v1/outbox/\(id)/retry", headers: admin).status == 204)
        #expect(try client.send("POST", "/v1/outbox/\(id)/retry", headers: admin).status == 404)   // not dead any more
        #expect(try delivery.deliverDue() == 1)
        #expect(sink.mails.count == 1)
        #expect(try app.scalar("SELECT state || ' ' || attempts FROM outbox") == "sent 1")
        #expect((try client.send("GET", "/v1/outbox/dead", headers: admin).json["messages"] as? [Any])?.isEmpty == true)
    }

    @Test func aReminderComesADayAheadOnceAndNeverForACancelledOrLateBooking() throws {
        let (app, client, sink, delivery) = try Self.mailing()   // Monday 09:00
        let reminded = try Self.book(client, "10:00", email: "a@example.org")     // Tuesday 10:00: 25 hours ahead
        let cancelled = try Self.book(client, "10:30", email: "b@example.org")
        #expect(try client.send("DELETE", "/v1/bookings/\(cancelled.id)", headers: ["Authorization": "Booking \(cancelled.code)"]).status == 200)
        #expect(try delivery.deliverDue() == 3)   // two confirmations, one cancellation; no reminder yet
        app.clock.advance(seconds: 2 * 3_600)   // Monday 11:00: Tuesday 10:00 is 23 hours ahead
        _ = try Self.book(client, "11:00", email: "c@example.org")   // booked inside the window: no reminder
        #expect(try delivery.deliverDue() == 2)   // its confirmation, and the reminder
        let reminders = sink.mails.filter { ($0["subject"] as? String)?.hasPrefix("Erinnerung") == true }
        #expect(reminders.count == 1 && (reminders.first?["to"] as? String)?.contains("a@example.org") == true, "\(sink.mails)")
        #expect(try delivery.deliverDue() == 0)   // once
        // Moved later: reminded again, of the new time, a day ahead of it.
        #expect(try client.send("POST", "/v1/bookings/\(reminded.id)/move", headers: ["Authorization": "Booking \(reminded.code)"],
                                body: #"{"start":"\#(TestServer.tuesday("12:00"))"}"#).status == 200)
        #expect(try delivery.deliverDue() == 1)   // the move's mail; 12:00 is not a day ahead yet
        app.clock.advance(seconds: 3_600)
        #expect(try delivery.deliverDue() == 1)
        let latest = try #require(sink.mails.last)
        #expect((latest["subject"] as? String)?.hasPrefix("Erinnerung") == true && (latest["calendar"] as? String)?.contains("SEQUENCE:1") == true)
        #expect(try app.scalar("SELECT count(*) FROM outbox WHERE kind = 'reminder'") == "2")
    }

    @Test func aMailIsInTheLanguageTheBookingAskedFor() throws {
        let (app, client, sink, delivery) = try Self.mailing()
        for (time, language) in [("09:00", "en"), ("09:30", "de")] {
            let answer = try client.send("POST", "/v1/bookings", body: """
                {"office":102522,"start":"\(TestServer.tuesday(time))","services":[{"id":1063441}],"contact":{"email":"\(language)@example.org","language":"\(language)"}}
                """)
            #expect(answer.status == 201 && (answer.json["contact"] as? [String: Any])?["language"] as? String == language, "\(answer.text)")
        }
        let wrong = try client.send("POST", "/v1/bookings", body: """
            {"office":102522,"start":"\(TestServer.tuesday("10:00"))","services":[{"id":1063441}],"contact":{"email":"x@example.org","language":"fr"}}
            """)
        #expect(wrong.status == 422 && wrong.json["field"] as? String == "contact.language")
        #expect(try delivery.deliverDue() == 2)
        let english = try #require(sink.mails.first { ($0["to"] as? String)?.contains("en@") == true })
        #expect(english["subject"] as? String == "Appointment confirmed: Bürgerbüro Orleansplatz, Tuesday, 1 December 2026, 09:00–09:15")
        #expect((english["text"] as? String)?.contains("Guten Tag") == false)
        let german = try #require(sink.mails.first { ($0["to"] as? String)?.contains("de@") == true })
        #expect((german["subject"] as? String)?.hasPrefix("Terminbestätigung: ") == true)
        #expect((german["text"] as? String)?.contains("Hello") == false && (german["text"] as? String)?.contains("Guten Tag") == true)
    }
}
