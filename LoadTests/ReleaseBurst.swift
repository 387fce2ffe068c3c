import TerminTestSupport
import Dispatch
import Foundation
import Synchronization
import TerminCore

/// `release-burst`: a freshly released day at one Bürgerbüro raced by many virtual citizens at once, about ten times
/// more than there are appointments. Each citizen asks for the free times, holds one of the earliest, books the hold,
/// and on 409 tries the next free time, as a real client would; on 503 it waits the server's `Retry-After`.
struct ReleaseBurst {
    /// Bürgerbüro Orleansplatz.
    static let office = 102522
    /// Wohnsitzanmeldung – Familie: 20 minutes, every desk. About 230 fit a day's online share at Orleansplatz.
    static let service = 10224132
    /// Most rounds (availability → hold → book) a citizen tries before giving up.
    static let roundsMax = 30
    /// A citizen picks among this many of the earliest free times.
    static let earliestChoices = 10
    /// Transport failures (server gone) a citizen rides out, waiting `transportRetryMicroseconds` after each,
    /// without spending its rounds.
    static let transportRetriesMax = 400
    static let transportRetryMicroseconds: UInt32 = 50_000

    let citizens: Int

    /// The first Monday, Wednesday or Friday from tomorrow with free times for the service: a morning-only day,
    /// where about 230 of these appointments fit the online share, so 2,000 citizens oversubscribe it about 9×.
    static func releasedDay(port: Int) throws -> String {
        let client = TestHTTPClient.lazy(port: port)
        let from = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970) + 86_400)).date
        let response = try client.send("GET", "/v1/availability?office=\(office)&service=\(service)&from=\(from)&to=\(from.adding(days: 14))")
        let days = ((response.json["offices"] as? [[String: Any]])?.first?["days"] as? [[String: Any]]) ?? []
        let morningOnly = days.compactMap { $0["date"] as? String }.first { text in
            LocalDate(iso: text).map { [1, 3, 5].contains($0.isoWeekday) } ?? false
        }
        guard let date = morningOnly else { throw TestHTTPClient.Failure(description: "no released day found") }
        return date
    }

    /// Runs the burst; `fault`, if given, is applied once `faultAfterResponses` answers have come back.
    func run(harness: Harness, outcomes: Outcomes, fault: Harness.Fault?, faultAfterResponses: Int = 1_500) throws
        -> (date: String, seconds: Double, faultApplied: Bool) {
        let port = harness.port
        let date = try Self.releasedDay(port: port)
        let start = DispatchGroup(), done = DispatchGroup()
        start.enter()
        for citizen in 0..<citizens {
            done.enter()
            let thread = Thread {
                start.wait()
                outcomes.add(Self.citizen(citizen, date: date, port: port))
                done.leave()
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
        let began = DispatchTime.now().uptimeNanoseconds
        start.leave()   // 7:00: the day is released
        var faultApplied = false
        if let fault {
            while Self.responses.load(ordering: .relaxed) < faultAfterResponses,
                  done.wait(timeout: .now() + .milliseconds(5)) == .timedOut {}
            if Self.responses.load(ordering: .relaxed) >= faultAfterResponses {
                try harness.inject(fault)
                faultApplied = true
            }
        }
        try waitForAll(done, seconds: 600, "the burst's citizens")
        return (date, Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9, faultApplied)
    }

    /// Responses received by all citizens so far (to time a fault).
    static let responses = Atomic<Int>(0)

    static func citizen(_ index: Int, date: String, port: Int) -> Outcomes.ThreadReport {
        var report = Outcomes.ThreadReport()
        let client = TestHTTPClient.lazy(port: port)
        var generator = SystemRandomNumberGenerator()
        var transportRetries = 0
        func call(_ endpoint: String, _ method: String, _ target: String, body: String? = nil,
                  headers: [String: String] = [:]) -> TestHTTPClient.Response? {
            while true {
                let began = DispatchTime.now().uptimeNanoseconds
                guard let response = try? client.send(method, target, headers: headers, body: body) else {
                    report.transportRetries += 1
                    transportRetries += 1
                    guard transportRetries <= transportRetriesMax else {
                        report.transportErrors += 1
                        return nil
                    }
                    usleep(transportRetryMicroseconds)
                    continue
                }
                return record(endpoint, response, began: began)
            }
        }
        func record(_ endpoint: String, _ response: TestHTTPClient.Response, began: UInt64) -> TestHTTPClient.Response {
            responses.add(1, ordering: .relaxed)
            report.record(endpoint, response, began: began)
            return response
        }
        if transportRetries > transportRetriesMax { return report }
        for round in 0..<roundsMax {
            guard let offered = call("availability", "GET", "/v1/availability?office=\(office)&service=\(service)&from=\(date)&to=\(date)"),
                  offered.status == 200 else { continue }
            let days = ((offered.json["offices"] as? [[String: Any]])?.first?["days"] as? [[String: Any]]) ?? []
            let starts = days.first?["starts"] as? [String] ?? []
            guard !starts.isEmpty else {
                report.gaveUp += 1   // the day is gone
                return report
            }
            let choice = starts[Int.random(in: 0..<min(earliestChoices, starts.count), using: &generator)]
            let holdBody = #"{"office":\#(office),"start":"\#(choice)","services":[{"id":\#(service),"quantity":1}]}"#
            guard let hold = call("hold", "POST", "/v1/holds", body: holdBody), hold.status == 201,
                  let holdID = hold.json["id"] as? String else { continue }
            report.told.append(.init(id: holdID, kind: "hold", start: choice, office: office))
            let bookingBody = #"{"hold":"\#(holdID)","contact":{"name":"Citizen \#(index)"}}"#
            // The same key on a retry: a lost answer must not book twice.
            for _ in 0..<3 {
                guard let booking = call("booking", "POST", "/v1/bookings", body: bookingBody,
                                         headers: ["Idempotency-Key": "burst-\(index)-\(round)"]) else { continue }
                if booking.status == 201, let id = booking.json["id"] as? String {
                    report.told.append(.init(id: id, kind: "booking", start: booking.json["start"] as? String ?? "", office: office))
                    report.booked += 1
                    return report
                }
                if booking.status != 503 { break }
            }
        }
        report.gaveUp += 1
        return report
    }
}
