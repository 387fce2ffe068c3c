import Foundation
import Testing
import TerminCore
import TerminEngine
import TerminTestSupport
@testable import TerminAPI

/// The earlier-time list: a booking more than 3 days away waits for an earlier time; a time that frees is held for the
/// first waiting booking it fits, for that booking alone, offered by mail, and taken by moving onto the hold.
@Suite struct EarlierListTests {
    /// Orleansplatz reduced to Tuesdays 08:00–08:30 on `desks` staffed desks (Personalausweis: 08:00 and 08:15 on each),
    /// with `withheldPercent` of the day withheld from the online channel. Returns an admin's token.
    @discardableResult
    static func smallOffice(_ app: TestServer, desks: Int = 1, withheldPercent: Int = 0) throws -> String {
        let admin = try app.staffToken(.admin, offices: [], name: "Admin")
        let client = try app.client()
        let rules = try client.send("PUT", MasterDataTests.office + "/opening-rules", headers: MasterDataTests.bearer(admin), body: """
            {"rules":[{"weekdays":[2],"valid_from":"2026-01-01","opens":"08:00","closes":"08:30","staffed_desks":\(desks)}]}
            """)
        try #require(rules.status == 200, "\(rules.text)")
        let share = try client.send("PATCH", MasterDataTests.office + "/booking-rules", headers: MasterDataTests.bearer(admin),
                                    body: #"{"online_withheld_percent":\#(withheldPercent)}"#)
        try #require(share.status == 200, "\(share.text)")
        return admin
    }

    /// `2026-12-DD` at `time`, Munich.
    static func december(_ day: Int, _ time: String) -> String { "2026-12-\(day < 10 ? "0" : "")\(day)T\(time):00+01:00" }

    /// Books a Personalausweis at `start` (online unless `staff` names a staff token), with an e-mail unless `email` is nil.
    static func book(_ client: TestHTTPClient, _ start: String, email: String? = "citizen@example.org",
                     staff: String? = nil) throws -> (id: String, code: String) {
        let contact = email.map { #","contact":{"email":"\#($0)","language":"en"}"# } ?? ""
        let channel = staff == nil ? "" : #","channel":"staff""#
        let answer = try client.send("POST", "/v1/bookings", headers: staff.map(MasterDataTests.bearer) ?? [:],
                                     body: #"{"office":102522,"start":"\#(start)","services":[{"id":1063441}]\#(channel)\#(contact)}"#)
        try #require(answer.status == 201, "\(answer.text)")
        return (answer.json["id"] as! String, answer.json["code"] as! String)
    }

    static func join(_ client: TestHTTPClient, _ booking: (id: String, code: String), body: String = "") throws -> TestHTTPClient.Response {
        try client.send("POST", "/v1/bookings/\(booking.id)/earlier", headers: ["Authorization": "Booking \(booking.code)"], body: body)
    }

    static func wish(_ client: TestHTTPClient, _ booking: (id: String, code: String)) throws -> TestHTTPClient.Response {
        try client.send("GET", "/v1/bookings/\(booking.id)/earlier", headers: ["Authorization": "Booking \(booking.code)"])
    }

    static func cancel(_ client: TestHTTPClient, _ booking: (id: String, code: String)) throws {
        let answer = try client.send("DELETE", "/v1/bookings/\(booking.id)", headers: ["Authorization": "Booking \(booking.code)"])
        try #require(answer.status == 200, "\(answer.text)")
    }

    @Test func aFreedTimeIsHeldForTheFirstWaitingBookingAloneAndTakenByMovingOntoIt() throws {
        let app = try TestServer()
        let client = try app.client()
        try Self.smallOffice(app)
        let sink = try SMTPSink()
        let delivery = OutboxMailTests.delivery(app, port: sink.port)
        // Every time before `first`'s is taken.
        let first = try Self.book(client, Self.december(8, "08:15"))
        let second = try Self.book(client, Self.december(8, "08:00"))
        let early = try Self.book(client, Self.december(1, "08:00")), late = try Self.book(client, Self.december(1, "08:15"))
        #expect(try delivery.deliverDue() == 4)   // the confirmations

        let joined = try Self.join(client, first, body: "{}")
        #expect(joined.status == 201 && joined.json["state"] as? String == "waiting" && joined.json["offers_made"] as? Int == 0,
                "\(joined.text)")
        #expect(try Self.join(client, second).status == 201)
        #expect(try Self.join(client, first).status == 200)   // again: its place kept
        #expect(try app.engine.offerFreedTime(everywhere: true) == 0)

        // A cancellation frees 08:15 on the 1st: held for the first to join, though both would take it.
        try Self.cancel(client, late)
        #expect(try app.engine.offerFreedTime(everywhere: false) == 1)
        #expect(try app.engine.offerFreedTime(everywhere: false) == 0)
        #expect(try client.send("GET", "/metrics").text.contains("\ntermin_earlier_offers_total 1.0\n"))
        let offered = try Self.wish(client, first)
        #expect(offered.json["state"] as? String == "offered" && offered.json["offers_made"] as? Int == 1, "\(offered.text)")
        let offer = try #require(offered.json["offer"] as? [String: Any])
        let hold = try #require(offer["hold"] as? String)
        #expect(offer["start"] as? String == Self.december(1, "08:15"))
        #expect(offer["expires_at"] as? String == "2026-11-30T09:15:00+01:00")
        #expect(try Self.wish(client, second).json["state"] as? String == "waiting")
        #expect(try MoveTests.starts(client).isEmpty)   // held: not on offer to anyone

        // The hold is `first`'s alone: no one books it, no other booking moves onto it.
        let taken = try client.send("POST", "/v1/bookings", body: #"{"hold":"\#(hold)","contact":{"email":"bot@example.org"}}"#)
        #expect(taken.status == 422 && taken.json["field"] as? String == "hold", "\(taken.text)")
        let jumped = try client.send("POST", "/v1/bookings/\(second.id)/move", headers: ["Authorization": "Booking \(second.code)"],
                                     body: #"{"hold":"\#(hold)"}"#)
        #expect(jumped.status == 410, "\(jumped.text)")

        // The offer's mail: the time held, until when, the booking's own time, and the way to take it; nothing attached.
        #expect(try delivery.deliverDue() == 2)   // the cancellation and the offer
        let mail = try #require(sink.mails.first { ($0["subject"] as? String)?.hasPrefix("An earlier time is free") == true })
        #expect(mail["subject"] as? String == "An earlier time is free: Bürgerbüro Orleansplatz, Tuesday, 1 December 2026, 08:15–08:30")
        let text = mail["text"] as? String ?? ""
        #expect(text.contains("held for you until 09:15") && text.contains("Until now: Tuesday, 8 December 2026, 08:15–08:30"), "\(text)")
        #expect(text.contains("https://termine.muenchen.example/buchung?booking=\(first.id)&code=\(first.code)&offer=\(hold)"), "\(text)")
        #expect(mail["calendar_method"] == nil || mail["calendar_method"] is NSNull, "\(mail)")

        // Taken: the booking moves onto the hold; its wish has ended; its old time goes to no one it would be earlier for.
        let moved = try client.send("POST", "/v1/bookings/\(first.id)/move", headers: ["Authorization": "Booking \(first.code)"],
                                    body: #"{"hold":"\#(hold)"}"#)
        #expect(moved.status == 200 && moved.json["start"] as? String == Self.december(1, "08:15"), "\(moved.text)")
        #expect(try Self.wish(client, first).json["state"] as? String == "ended")
        #expect(try app.engine.offerFreedTime(everywhere: false) == 0)
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE status = 'held'") == "0")
        #expect(try Self.wish(client, second).json["state"] as? String == "waiting")
        _ = early
    }

    @Test func anOfferLeftToRunOutIsNotRepeatedAndABookingHasAtMostThreeOffers() throws {
        let app = try TestServer()
        let client = try app.client()
        try Self.smallOffice(app)
        let sink = try SMTPSink()
        let delivery = OutboxMailTests.delivery(app, port: sink.port)
        let waiting = try Self.book(client, Self.december(8, "08:15"))
        let other = try Self.book(client, Self.december(8, "08:00"))
        #expect(try Self.join(client, waiting).status == 201)
        #expect(try delivery.deliverDue() == 2)
        // The 1st is free (starts every 5 minutes): offered one after the other as each offer runs out, never the same
        // start twice in a row.
        var offeredStarts: [String] = []
        for _ in 0..<3 {
            #expect(try app.engine.offerFreedTime(everywhere: false) == 1)
            let offer = try #require(try Self.wish(client, waiting).json["offer"] as? [String: Any])
            offeredStarts.append(offer["start"] as? String ?? "")
            app.clock.advance(seconds: 16 * 60)
            #expect(try app.engine.sweep() == 1)
        }
        #expect(offeredStarts == [Self.december(1, "08:00"), Self.december(1, "08:05"), Self.december(1, "08:00")])
        // Out of offers: no fourth, and joining again is refused.
        #expect(try app.engine.offerFreedTime(everywhere: true) == 0)
        let exhausted = try Self.wish(client, waiting)
        #expect(exhausted.json["state"] as? String == "exhausted" && exhausted.json["offer"] == nil, "\(exhausted.text)")
        let again = try Self.join(client, waiting)
        #expect(again.status == 409 && (again.json["type"] as? String)?.hasSuffix("earlier-list-refused") == true, "\(again.text)")
        // The offers ran out before they were sent: stale, never mailed.
        #expect(try delivery.deliverDue() == 3)
        #expect(sink.mails.count == 2)
        #expect(try app.scalar("SELECT string_agg(state, ' ') FROM outbox WHERE kind = 'offer'") == "stale stale stale")
        _ = other
    }

    /// An earlier time held for a booking that is then cancelled is given back at the next sweep, not when its hold
    /// runs out: no one could take it meanwhile.
    @Test func anOfferHeldForACancelledBookingIsGivenBackAtTheNextSweep() throws {
        let app = try TestServer()
        let client = try app.client()
        try Self.smallOffice(app)
        let waiting = try Self.book(client, Self.december(8, "08:15"))
        #expect(try Self.join(client, waiting).status == 201)
        #expect(try app.engine.offerFreedTime(everywhere: false) == 1)
        let offer = try #require(try Self.wish(client, waiting).json["offer"] as? [String: Any])
        #expect(offer["start"] as? String == Self.december(1, "08:00"))
        #expect(try app.engine.sweep() == 0)   // held for a booking that can take it

        try Self.cancel(client, waiting)
        #expect(try app.engine.sweep() == 1)
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE status = 'held'") == "0")
        let other = try Self.book(client, Self.december(1, "08:00"), email: "other@example.org")
        #expect(try app.scalar("SELECT status FROM appointment WHERE id = '\(other.id)'") == "confirmed")
    }

    /// Leaving the list and joining again keeps the offers made: at most three a booking, however often its citizen
    /// leaves and joins; and while an offer is held, joining again holds no second time beside it.
    @Test func leavingAndJoiningAgainKeepsTheOffersMade() throws {
        let app = try TestServer()
        let client = try app.client()
        try Self.smallOffice(app)
        let waiting = try Self.book(client, Self.december(8, "08:15"))
        func leave() throws -> Int {
            try client.send("DELETE", "/v1/bookings/\(waiting.id)/earlier", headers: ["Authorization": "Booking \(waiting.code)"]).status
        }
        #expect(try Self.join(client, waiting).status == 201)
        #expect(try app.engine.offerFreedTime(everywhere: false) == 1)
        #expect(try leave() == 204 && Self.wish(client, waiting).status == 404)
        #expect(try Self.join(client, waiting).status == 201)
        #expect(try app.engine.offerFreedTime(everywhere: true) == 0)   // the first offer is still held
        #expect(try app.scalar("SELECT count(*) FROM appointment WHERE status = 'held'") == "1")
        for _ in 0..<2 {
            app.clock.advance(seconds: 16 * 60)
            #expect(try app.engine.sweep() == 1)
            #expect(try leave() == 204 && Self.join(client, waiting).status == 201)
            #expect(try app.engine.offerFreedTime(everywhere: false) == 1)
        }
        app.clock.advance(seconds: 16 * 60)
        #expect(try app.engine.sweep() == 1)
        #expect(try leave() == 204)
        let again = try Self.join(client, waiting)
        #expect(again.status == 409 && (again.json["type"] as? String)?.hasSuffix("earlier-list-refused") == true, "\(again.text)")
        #expect(try app.engine.offerFreedTime(everywhere: true) == 0)
        #expect(try app.scalar("SELECT offers FROM earlier_wish") == "3")
    }

    @Test func theShareWithheldFromOnlineIsNeverOffered() throws {
        let app = try TestServer()
        let client = try app.client()
        try Self.smallOffice(app, desks: 2, withheldPercent: 50)   // two online bookings a Tuesday, two by staff
        let clerk = try app.staffToken(.clerk)
        let waiting = try Self.book(client, Self.december(8, "08:15"))
        _ = try Self.book(client, Self.december(8, "08:00"))
        let online = try Self.book(client, Self.december(1, "08:00"))
        _ = try Self.book(client, Self.december(1, "08:15"))
        let byStaff = try Self.book(client, Self.december(1, "08:00"), staff: clerk)
        _ = try Self.book(client, Self.december(1, "08:15"), staff: clerk)
        #expect(try Self.join(client, waiting).status == 201)
        #expect(try app.engine.offerFreedTime(everywhere: true) == 0)
        // A staff booking's time comes back to the withheld share: not offered online.
        let cancelled = try client.send("DELETE", "/v1/bookings/\(byStaff.id)", headers: MasterDataTests.bearer(clerk))
        #expect(cancelled.status == 200, "\(cancelled.text)")
        #expect(try app.engine.offerFreedTime(everywhere: false) == 0)
        #expect(try Self.wish(client, waiting).json["state"] as? String == "waiting")
        // An online booking's time is the online share's: offered.
        try Self.cancel(client, online)
        #expect(try app.engine.offerFreedTime(everywhere: false) == 1)
        #expect(try app.scalar("SELECT channel FROM appointment WHERE status = 'held'") == "online")
    }

    /// Days a release round allocates are not first come first served: their free times are not offered, and a free
    /// time after them is, though the round's days come first (each refusal used up one of the tries a pass makes).
    @Test func daysARoundAllocatesAreSkippedAndALaterFreeTimeIsOffered() throws {
        let app = try TestServer()
        let client = try app.client()
        try Self.smallOffice(app)
        let waiting = try Self.book(client, Self.december(22, "08:15"))
        for start in [Self.december(15, "08:15"), Self.december(22, "08:00")] { _ = try Self.book(client, start) }
        let lead = try app.staffToken(.lead, name: "Lead")
        let round = try client.send("POST", "/v1/rounds", headers: MasterDataTests.bearer(lead), body: """
            {"name":"Personalausweis","offices":[102522],"services":[1063441],"first_date":"2026-12-01","last_date":"2026-12-08",\
            "opens_at":"2026-11-30T09:00:00+01:00","closes_at":"2026-11-30T12:00:00+01:00"}
            """)
        try #require(round.status == 201, "\(round.text)")
        #expect(try Self.join(client, waiting).status == 201)
        #expect(try app.engine.offerFreedTime(everywhere: true) == 1)
        #expect(try Self.wish(client, waiting).json["offer"].flatMap { ($0 as? [String: Any])?["start"] as? String }
                == Self.december(15, "08:00"))
    }

    @Test func theLatestAcceptableStartBoundsTheOffer() throws {
        let app = try TestServer()
        let client = try app.client()
        try Self.smallOffice(app)
        let waiting = try Self.book(client, Self.december(15, "08:15"))
        for start in [Self.december(8, "08:00"), Self.december(8, "08:15"), Self.december(15, "08:00")] {
            _ = try Self.book(client, start)
        }
        // Only until the 8th; the 1st is free.
        let joined = try Self.join(client, waiting, body: #"{"latest":"\#(Self.december(1, "08:00"))"}"#)
        #expect(joined.status == 201 && joined.json["latest"] as? String == Self.december(1, "08:00"), "\(joined.text)")
        #expect(try app.engine.offerFreedTime(everywhere: true) == 1)
        #expect(try Self.wish(client, waiting).json["offer"].flatMap { ($0 as? [String: Any])?["start"] as? String }
                == Self.december(1, "08:00"))
    }

    @Test func whatCannotWaitIsRefusedAndNothingIsWritten() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = try app.staffToken(.clerk)
        let far = try Self.book(client, Self.december(8, "10:00"))
        let unknownWish = try Self.wish(client, far)
        #expect(unknownWish.status == 404 && (unknownWish.json["type"] as? String)?.hasSuffix("earlier-wish-not-found") == true)
        #expect(try client.send("POST", "/v1/bookings/\(far.id)/earlier").status == 401)
        #expect(try Self.join(client, (far.id, String(repeating: "0", count: 32))).status == 404)
        for (body, field) in [(#"{"latest":"soon"}"#, "latest"), (#"{"latest":"\#(Self.december(9, "08:00"))"}"#, "latest"),
                              (#"{"latest":"2026-11-30T08:00:00+01:00"}"#, "latest"), (#"{"needs":["jetpack"]}"#, "needs[0]"),
                              (#"{"latest":7}"#, "latest"), ("[]", "body")] {
            let refused = try Self.join(client, far, body: body)
            #expect((refused.status == 422 || refused.status == 400) && refused.json["field"] as? String == field,
                    "\(body): \(refused.text)")
        }
        let refusals: [((id: String, code: String), String)] = [
            (try Self.book(client, TestServer.tuesday("10:00")), "earlier-list-refused"),            // too soon
            (try Self.book(client, Self.december(8, "10:30"), email: nil), "earlier-list-refused"),  // no e-mail
            (try Self.book(client, Self.december(8, "11:00"), staff: clerk), "earlier-list-refused"), // not online
        ]
        for (booking, type) in refusals {
            let refused = try Self.join(client, booking)
            #expect(refused.status == 409 && (refused.json["type"] as? String)?.hasSuffix(type) == true
                    && refused.json["field"] as? String == "id", "\(refused.text)")
        }
        try Self.cancel(client, far)
        let cancelled = try Self.join(client, far)
        #expect(cancelled.status == 409 && (cancelled.json["type"] as? String)?.hasSuffix("booking-state") == true, "\(cancelled.text)")
        #expect(try app.scalar("SELECT count(*) FROM earlier_wish") == "0")
        // Joined and left.
        let joining = try Self.book(client, Self.december(8, "11:30"))
        #expect(try Self.join(client, joining).status == 201)
        let left = try client.send("DELETE", "/v1/bookings/\(joining.id)/earlier", headers: ["Authorization": "Booking \(joining.code)"])
        #expect(left.status == 204)
        #expect(try client.send("DELETE", "/v1/bookings/\(joining.id)/earlier", headers: ["Authorization": "Booking \(joining.code)"]).status == 404)
    }

    /// A clerk on the phone puts a citizen's booking on the list (and reads and ends the wish); a clerk of another
    /// office may not.
    @Test func staffOfTheOfficeActOnTheCitizensBehalf() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = try app.staffToken(.clerk), stranger = try app.staffToken(.clerk, offices: [10489], name: "Elsewhere")
        let booking = try Self.book(client, Self.december(8, "10:00"))
        let path = "/v1/bookings/\(booking.id)/earlier"
        let refused = try client.send("POST", path, headers: MasterDataTests.bearer(stranger))
        #expect(refused.status == 403, "\(refused.text)")
        let joined = try client.send("POST", path, headers: MasterDataTests.bearer(clerk))
        #expect(joined.status == 201 && joined.json["state"] as? String == "waiting", "\(joined.text)")
        #expect(try Self.wish(client, booking).json["state"] as? String == "waiting")   // the citizen sees it
        #expect(try client.send("GET", path, headers: MasterDataTests.bearer(clerk)).status == 200)
        #expect(try client.send("DELETE", path, headers: MasterDataTests.bearer(stranger)).status == 403)
        #expect(try client.send("DELETE", path, headers: MasterDataTests.bearer(clerk)).status == 204)
        #expect(try client.send("GET", path, headers: ["Authorization": "Bearer nonsense"]).status == 401)
    }

    /// Two instances pass over many waiting bookings at once while times free: each booking holds at most one offer,
    /// every offer is one hold and one mail, and no time is held twice.
    @Test func twoInstancesOfferingAtOnceNeverOfferABookingTwiceOrATimeTwice() throws {
        let a = try TestServer()
        let b = try TestServer(conninfo: a.conninfo)
        let client = try a.client()
        try Self.smallOffice(a, desks: 4)
        #expect(try TwoInstanceTests.eventually { b.engine.live.catalogRevision == a.engine.live.catalogRevision })
        // Tuesdays 1st to 22nd: 8 starts each. The 22nd's bookings wait; every earlier time is booked, then half is freed.
        var freed: [(id: String, code: String)] = []
        for day in [1, 8, 15] {
            for time in ["08:00", "08:15"] {
                for _ in 0..<4 { freed.append(try Self.book(client, Self.december(day, time))) }
            }
        }
        var waiting: [(id: String, code: String)] = []
        for time in ["08:00", "08:15"] {
            for _ in 0..<4 {
                let booking = try Self.book(client, Self.december(22, time))
                #expect(try Self.join(client, booking).status == 201)
                waiting.append(booking)
            }
        }
        for booking in freed.prefix(12) { try Self.cancel(client, booking) }   // the 1st and the 8th at 08:00
        let other = try b.client()
        let freeOnA = try MoveTests.starts(client)
        #expect(try TwoInstanceTests.eventually { try MoveTests.starts(other) == freeOnA })   // b sees the 1st free too
        let engines = [a.engine, b.engine]
        let offers = try TestThreads.run(count: 4) { index in
            var made = 0
            for _ in 0..<5 { made += try engines[index % 2].offerFreedTime(everywhere: true) }
            return made
        }
        #expect(offers.reduce(0, +) == 8, "\(offers)")   // 12 free times, 8 waiting bookings
        #expect(try a.scalar("SELECT count(*) FROM appointment WHERE status = 'held'") == "8")
        #expect(try a.scalar("SELECT count(*) FROM outbox WHERE kind = 'offer'") == "8")
        #expect(try a.scalar("SELECT count(*) FROM earlier_wish WHERE offers = 1") == "8")
        #expect(try a.scalar("""
            SELECT count(*) FROM earlier_wish w JOIN appointment h ON h.id = w.offer_hold_id AND h.status = 'held'
            """) == "8")
        // First opted in, first offered: the earliest times went to the first to join.
        let firstOffer = try #require(try Self.wish(client, waiting[0]).json["offer"] as? [String: Any])
        #expect((firstOffer["start"] as? String)?.hasPrefix("2026-12-01T08:") == true, "\(firstOffer)")
    }
}
