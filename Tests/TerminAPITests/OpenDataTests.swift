import Foundation
import Testing
import TerminCore
import TerminTestSupport
@testable import TerminAPI

/// The open data: figures per public office and complete day, counted from what happened through the API, with
/// every count of 1 to 4 people (and a median of fewer than 5) left out.
@Suite struct OpenDataTests {
    static let office = TestServer.orleansplatz

    /// Monday: seven walk-ins draw numbers, five are called ten minutes later and served; six online bookings for
    /// Tuesday (one cancelled) and two staff bookings. Read on Wednesday.
    @Test func figuresCountWhatHappenedAndSuppressSmallCounts() throws {
        let app = try TestServer()
        let client = try app.client()
        let clerk = ["Authorization": "Bearer \(try app.staffToken(.clerk))"]
        for time in ["08:00", "08:15", "08:30", "08:45", "09:00", "09:15"] {
            #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday(time))).status == 201)
        }
        let cancelled = try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("09:30")))
        let cancel = try client.send("DELETE", "/v1/bookings/\(cancelled.json["id"] as! String)",
                                     headers: ["Authorization": "Booking \(cancelled.json["code"] as! String)"])
        #expect(cancel.status == 200)
        for time in ["10:00", "10:15"] {
            let staff = #"{"office":\#(Self.office),"start":"\#(TestServer.tuesday(time))","services":[{"id":\#(TestServer.personalausweis)}],"channel":"staff"}"#
            #expect(try client.send("POST", "/v1/bookings", headers: clerk, body: staff).status == 201)
        }
        for _ in 1...7 {
            let drawn = try client.send("POST", "/v1/offices/\(Self.office)/tickets", body: #"{"services":[{"id":\#(TestServer.personalausweis)}]}"#)
            #expect(drawn.status == 201)
        }
        app.clock.advance(seconds: 600)
        for desk in 1...5 {
            let called = try client.send("POST", "/v1/offices/\(Self.office)/desks/\(desk)/call-next", headers: clerk)
            try #require(called.status == 200, "\(called.text)")
            let ticket = try #require(called.json["id"] as? String)
            for action in ["serve", "done"] {
                let acted = try client.send("POST", "/v1/offices/\(Self.office)/tickets/\(ticket)/\(action)", headers: clerk)
                #expect(acted.status == 200, "\(action): \(acted.text)")
            }
        }
        let recorded = try app.engine.recordNextFreeOnline()
        #expect(recorded == app.engine.catalog.offices.values.filter(\.isPublic).count)

        #expect(try app.engine.recordNextFreeOnline() == 0)   // once per office and day
        app.clock.advance(seconds: 2 * 86_400)   // Wednesday

        let answer = try client.send("GET", "/v1/open-data/office-days?from=2026-11-30&to=2026-12-01")
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.header("Link") == "<https://www.govdata.de/dl-de/by-2-0>; rel=\"license\"")
        #expect((answer.json["licence"] as? [String: Any])?["id"] as? String == "dl-de/by-2-0")
        let days = try #require(answer.json["office_days"] as? [[String: Any]])
        let publicOffices = app.engine.catalog.offices.values.filter(\.isPublic).count
        #expect(days.count == 2 * publicOffices)
        let monday = try #require(days.first { $0["office"] as? Int == Self.office && $0["date"] as? String == "2026-11-30" })
        let tuesday = try #require(days.first { $0["office"] as? Int == Self.office && $0["date"] as? String == "2026-12-01" })
        #expect(monday["walk_ins"] as? Int == 7)
        #expect(monday["served"] as? Int == 5)
        #expect(monday["median_wait_minutes"] as? Int == 10)
        let nextFree = try #require(monday["next_free_online_days"] as? Int)
        #expect((0...1).contains(nextFree))
        let appointments = try #require(tuesday["appointments"] as? [String: Any])
        #expect(appointments["online"] as? Int == 6)
        #expect(appointments["staff"] is NSNull)        // 2: suppressed
        #expect(appointments["walk_in"] as? Int == 0)    // nobody: not suppressed
        let cancellations = try #require(tuesday["cancellations"] as? [String: Any])
        #expect(cancellations["online"] is NSNull)      // 1: suppressed
        #expect(tuesday["walk_ins"] as? Int == 0 && tuesday["median_wait_minutes"] is NSNull)
        #expect(tuesday["next_free_online_days"] is NSNull)   // not recorded that day

        let csv = try client.send("GET", "/v1/open-data/office-days.csv?from=2026-12-01&to=2026-12-01")
        #expect(csv.status == 200 && csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        let lines = csv.text.split(separator: "\r\n").map(String.init)
        #expect(lines.first == TerminAPI.openDataColumns.joined(separator: ","))
        #expect(lines.count == 1 + publicOffices)
        let row = try #require(lines.first { $0.hasPrefix("\(Self.office),") })
        #expect(row.hasSuffix(",2026-12-01,6,,0,,0,0,0,0,0,,"), "\(row)")
    }

    @Test func onlyCompleteDaysInABoundedRange() throws {
        let app = try TestServer()
        let client = try app.client()
        let cases: [(String, Int, String)] = [
            ("from=2026-11-29&to=2026-11-30", 422, "to"),          // today (Monday) is not complete
            ("from=2026-11-20&to=2026-11-19", 422, "to"),
            ("from=2025-11-01&to=2026-11-29", 422, "to"),          // more than 366 days
            ("to=2026-11-29", 400, "from"),
            ("from=2026-11-01&to=yesterday", 400, "to"),
        ]
        for (query, status, field) in cases {
            let answer = try client.send("GET", "/v1/open-data/office-days?\(query)")
            #expect(answer.status == status && answer.json["field"] as? String == field, "\(query): \(answer.text)")
        }
        #expect(try client.send("GET", "/v1/open-data/office-days?from=2025-11-29&to=2026-11-29").status == 200)
    }

    /// An office name with a comma, quote or line break is one quoted CSV field (RFC 4180), its quotes doubled.
    @Test func csvFieldsAreQuotedWhereTheyMustBe() {
        #expect(TerminAPI.csvField("Bürgerbüro Orleansplatz") == "Bürgerbüro Orleansplatz")
        #expect(TerminAPI.csvField("KVR, Halle 2") == "\"KVR, Halle 2\"")
        #expect(TerminAPI.csvField("Der \"Bürgerkoffer\"") == "\"Der \"\"Bürgerkoffer\"\"\"")
        #expect(TerminAPI.csvField("a\nb") == "\"a\nb\"")
    }

    @Test func smallCountsAndSmallMediansAreLeftOut() {
        var figures = OfficeDayFigures(officeID: 1, date: LocalDate(iso: "2026-12-01")!)
        figures.appointments = [.online: 4, .staff: 5]
        figures.noShows = 1
        figures.walkIns = 4
        figures.walkInWaitsMinutes = [3, 9, 4, 100]
        let published = figures.published
        #expect(published.appointments == [nil, 5, 0])
        #expect(published.noShows == nil && published.walkIns == nil && published.served == 0)
        #expect(published.medianWaitMinutes == nil)
        figures.walkInWaitsMinutes.append(7)
        #expect(figures.published.medianWaitMinutes == 7)
        figures.walkInWaitsMinutes.append(8)
        #expect(figures.published.medianWaitMinutes == 8)   // (7 + 8) / 2, rounded
    }
}
