import Testing
import TerminTestSupport
@testable import TerminAPI

/// The calendar's summary (`/v1/availability/days`) agrees with the times it summarises, and both availability
/// answers carry a version a cache can revalidate: `304` while nothing changed, a new `ETag` once something did.
@Suite struct AvailabilityDaysTests {
    static let week = "office=102522&service=1063441&from=2026-12-01&to=2026-12-07"

    @Test func theSummaryCountsTheFreeStartsOfEveryOpenDayAndNamesTheFirst() throws {
        let app = try TestServer()
        let client = try app.client()
        // Take the first start of Tuesday on one desk, and every desk at 07:00 on Wednesday, so the days differ.
        #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("07:00"))).status == 201)
        let times = try client.send("GET", "/v1/availability?" + Self.week)
        let summary = try client.send("GET", "/v1/availability/days?" + Self.week)
        #expect(summary.status == 200 && summary.header("Content-Type") == "application/json")
        let office = try #require((summary.json["offices"] as? [[String: Any]])?.first)
        #expect(office["office"] as? Int == 102522)
        let days = try #require(office["days"] as? [[String: Any]])
        let expected = times.availabilityDays
        #expect(!expected.isEmpty)
        // Every day with free starts is summarised with their count and the first; Saturday and Sunday are closed.
        #expect(days.map { $0["date"] as? String ?? "" } == expected.map(\.date))
        for (day, times) in zip(days, expected) {
            #expect(day["free_starts"] as? Int == times.starts.count, "\(times.date)")
            #expect(day["first"] as? String == times.starts.first, "\(times.date)")
        }
        #expect(!days.contains { $0["date"] as? String == "2026-12-05" || $0["date"] as? String == "2026-12-06" })
    }

    @Test func anUnchangedAnswerIsNotModifiedAndABookingChangesItsTag() throws {
        let app = try TestServer()
        let client = try app.client()
        for path in ["/v1/availability/days?", "/v1/availability?"] {
            let first = try client.send("GET", path + Self.week)
            let etag = try #require(first.header("ETag"))
            #expect(first.status == 200 && first.header("Cache-Control") == "public, max-age=5")
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
            // The same tag, also in a list, weak, or as `*`: not modified, no body, the tag again.
            for field in [etag, "\"other\", " + etag, "W/" + etag, "*"] {
                let again = try client.send("GET", path + Self.week, headers: ["If-None-Match": field])
                #expect(again.status == 304 && again.body.isEmpty && again.header("ETag") == etag, "\(field)")
                #expect(again.header("Content-Length") == nil)
            }
            #expect(try client.send("GET", path + Self.week, headers: ["If-None-Match": "\"other\""]).status == 200)
            // A booking in the range changes the tag: the old one no longer matches.
            let start = path.contains("days") ? TestServer.tuesday("09:00") : TestServer.tuesday("09:30")
            #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: start)).status == 201)
            let changed = try client.send("GET", path + Self.week, headers: ["If-None-Match": etag])
            #expect(changed.status == 200 && changed.header("ETag") != etag && !changed.body.isEmpty)
            // A booking outside the range leaves it alone.
            let later = try #require(changed.header("ETag"))
            #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: "2026-12-08T09:00:00+01:00")).status == 201)
            #expect(try client.send("GET", path + Self.week, headers: ["If-None-Match": later]).status == 304)
        }
    }

    @Test func theSummaryIsRenderedAgainAfterAChangeNotServedStale() throws {
        let app = try TestServer()
        let client = try app.client()
        let before = try client.send("GET", "/v1/availability/days?office=102522&service=1063441&from=2026-12-01&to=2026-12-01")
        let count = try #require(((before.json["offices"] as? [[String: Any]])?.first?["days"] as? [[String: Any]])?.first?["free_starts"] as? Int)
        // Fill every desk from 07:00 to 07:15 (the Personalausweis's length): 07:00, 07:05 and 07:10 are no longer free.
        var booked = 0
        while try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("07:00"))).status == 201 { booked += 1 }
        #expect(booked > 0)
        let after = try client.send("GET", "/v1/availability/days?office=102522&service=1063441&from=2026-12-01&to=2026-12-01")
        let day = try #require(((after.json["offices"] as? [[String: Any]])?.first?["days"] as? [[String: Any]])?.first)
        #expect(day["free_starts"] as? Int == count - 3)
        #expect(day["first"] as? String == TestServer.tuesday("07:15"))
    }
}
