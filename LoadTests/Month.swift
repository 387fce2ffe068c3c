import TerminTestSupport
import Dispatch
import Foundation
import Synchronization
import TerminCore

/// `month`: a compressed month of Munich's demand, as fast as the server allows.
///
/// The stated mix: 65 % of bookings at the six main Bürgerbüros (in proportion to their desks), for Personalausweis
/// 25 %, Wohnsitzanmeldung 20 %, Reisepass 15 %, Wohnsitzanmeldung – Familie 8 %, Meldebescheinigung 8 %,
/// Führungszeugnis 6 %, Beglaubigung von Unterschriften 6 %, eID-PIN 6 %, Abmeldung 6 %; 35 % at the other offices
/// (in proportion to their desks, any service they offer online). A citizen wants a day in the next four weeks
/// (earlier weeks more often: weights 4:3:2:1), Monday to Friday alike; 60 % want the morning (before 10:00), the
/// others take any time. Like a portal, a citizen reads the week's calendar (`/v1/availability/days`), then the first
/// day with room (`/v1/availability` for that day). On 409 they try again, widening the window by a week (at most 5
/// rounds). After booking,
/// one in ten cancels and books again (a rebooking), as a changed plan would.
///
/// As `soak` (`seconds` set, `bookings` unbounded) it runs for a set time and adds the reads of a portal session:
/// the citizen reads the booking back, and every fifth lists the offices offering the service.
struct Month {
    static let citizenOffices: [(office: Int, desks: Int)] = [(10489, 30), (102522, 20), (54261, 20), (102526, 20), (102523, 20), (102524, 20)]
    static let citizenServices: [(service: Int, weight: Int)] = [
        (1063441, 25), (1063475, 20), (1063453, 15), (10224132, 8), (1063576, 8), (1063565, 6), (1063428, 6),
        (10225119, 6), (1063486, 6),
    ]
    static let citizenOfficeShare = 0.65
    static let morningShare = 0.6
    static let rebookingShare = 0.1
    static let roundsMax = 5
    /// Longest the clients may take beyond the soak's seconds (the whole month in a debug build takes minutes).
    static let clientsSecondsMax = 3_600.0

    let bookings: Int
    let clients: Int
    /// Stop after this many seconds (the soak); `nil` to stop at `bookings`.
    var seconds: Double? = nil

    /// Bookings confirmed so far, by every client.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// Munich's other offices with their desk counts and online services, from the catalogue (not the demo places).
    static func otherOffices(_ catalog: Catalog) -> [(office: Int, desks: Int, services: [Int])] {
        let main = Set(citizenOffices.map(\.office))
        return catalog.offices.keys.sorted().compactMap { id in
            guard !main.contains(id), catalog.offices[id]?.isDemo == false, let desks = catalog.desks[id]?.count, desks > 0 else { return nil }
            let services = (catalog.offers[id] ?? [:]).values.filter(\.bookableOnline).map(\.serviceID).sorted()
            return services.isEmpty ? nil : (id, desks, services)
        }
    }

    func run(harness: Harness, outcomes: Outcomes) throws -> Double {
        let catalog = try harness.catalog()
        let others = Self.otherOffices(catalog)
        let booked = Counter()
        let port = harness.port
        let tomorrow = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970) + 86_400)).date
        let done = DispatchGroup()
        let began = DispatchTime.now().uptimeNanoseconds
        let deadline = seconds.map { began + UInt64($0 * 1e9) }
        let soak = seconds != nil
        for index in 0..<clients {
            done.enter()
            Thread {
                outcomes.add(Self.client(index, until: bookings, deadline: deadline, soak: soak, booked: booked, port: port,
                                         others: others, from: tomorrow))
                done.leave()
            }.start()
        }
        try waitForAll(done, seconds: (seconds ?? 0) + Self.clientsSecondsMax, "the month's clients")
        return Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
    }

    static func pick<T>(_ items: [(T, Int)], _ generator: inout SeededRandom) -> T {
        var roll = Int.random(in: 0..<items.reduce(0) { $0 + $1.1 }, using: &generator)
        for (item, weight) in items {
            if roll < weight { return item }
            roll -= weight
        }
        return items[items.count - 1].0
    }

    static func client(_ index: Int, until target: Int, deadline: UInt64?, soak: Bool, booked: Counter, port: Int,
                       others: [(office: Int, desks: Int, services: [Int])], from: LocalDate) -> Outcomes.ThreadReport {
        var report = Outcomes.ThreadReport()
        let client = TestHTTPClient.lazy(port: port)
        // Seeded once from the system: a getrandom call for every choice was a noticeable share of the generator's CPU.
        var system = SystemRandomNumberGenerator()
        var generator = SeededRandom(seed: system.next())
        var mine: [(id: String, code: String)] = []
        var sequence = 0
        func call(_ endpoint: String, _ method: String, _ target: String, body: String? = nil,
                  headers: [String: String] = [:]) -> TestHTTPClient.Response? {
            let began = DispatchTime.now().uptimeNanoseconds
            guard let response = try? client.send(method, target, headers: headers, body: body) else {
                report.transportErrors += 1
                return nil
            }
            report.record(endpoint, response, began: began)
            return response
        }
        while booked.value.load(ordering: .relaxed) < target && deadline.map({ DispatchTime.now().uptimeNanoseconds < $0 }) ?? true {
            // Who wants what, where and when.
            let office: Int, service: Int
            if Double.random(in: 0..<1, using: &generator) < citizenOfficeShare {
                office = pick(citizenOffices.map { ($0.office, $0.desks) }, &generator)
                service = pick(citizenServices.map { ($0.service, $0.weight) }, &generator)
            } else {
                let chosen = pick(others.map { ($0, $0.desks) }, &generator)
                office = chosen.office
                service = chosen.services[Int.random(in: 0..<chosen.services.count, using: &generator)]
            }
            let week = pick([(0, 4), (1, 3), (2, 2), (3, 1)], &generator)
            let morning = Double.random(in: 0..<1, using: &generator) < morningShare
            var first = from.adding(days: week * 7)
            var success = false
            for _ in 0..<roundsMax where !success {
                // As a portal does: the week's calendar first (which days have room), then the first such day's times.
                guard let calendar = call("days", "GET",
                                          "/v1/availability/days?office=\(office)&service=\(service)&from=\(first)&to=\(first.adding(days: 6))"),
                      calendar.status == 200 else { break }
                let days = calendar.value["offices"]?[0]?["days"]?.array ?? []
                guard let day = days.first(where: { ($0["free_starts"]?.int ?? 0) > 0 })?["date"]?.string else {
                    first = first.adding(days: 7)
                    continue
                }
                guard let offered = call("availability", "GET", "/v1/availability?office=\(office)&service=\(service)&from=\(day)&to=\(day)"),
                      offered.status == 200 else { break }
                guard let starts = offered.availabilityDays.first?.starts, !starts.isEmpty else { continue }
                let mornings = starts.filter { $0.dropFirst(11).prefix(2) < "10" }
                let choices = morning && !mornings.isEmpty ? mornings : starts
                let start = choices[Int.random(in: 0..<choices.count, using: &generator)]
                sequence += 1
                let body = #"{"office":\#(office),"start":"\#(start)","services":[{"id":\#(service),"quantity":1}]}"#
                guard let booking = call("booking", "POST", "/v1/bookings", body: body,
                                         headers: ["Idempotency-Key": "month-\(index)-\(sequence)"]) else { continue }
                let answer = booking.value
                if booking.status == 201, let id = answer["id"]?.string, let code = answer["code"]?.string {
                    report.told.append(.init(id: id, kind: "booking", start: start, office: office))
                    report.booked += 1
                    booked.value.add(1, ordering: .relaxed)
                    mine.append((id, code))
                    success = true
                    if soak {
                        _ = call("read", "GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"])
                        if sequence % 5 == 0 { _ = call("offices", "GET", "/v1/offices?service=\(service)") }
                    }
                }
            }
            if !success { report.gaveUp += 1 }
            // A changed plan: cancel an earlier booking (the next round books again).
            if !mine.isEmpty && Double.random(in: 0..<1, using: &generator) < rebookingShare {
                let (id, code) = mine.remove(at: Int.random(in: 0..<mine.count, using: &generator))
                if let cancelled = call("cancel", "DELETE", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]),
                   cancelled.status == 200 {
                    report.told.append(.init(id: id, kind: "cancelled", start: "", office: 0))
                }
            }
        }
        return report
    }

    /// The group-commit writer's transactions and their mean size, from the server's `/metrics`, e.g. `9,204 (11.2)`:
    /// PostgreSQL pays per transaction far more than per row, so this says what its share of the month cost.
    static func commitBatches(harness: Harness) -> String {
        guard let metrics = try? TestHTTPClient.lazy(port: harness.port).send("GET", "/metrics") else { return "not readable" }
        let text = String(decoding: metrics.body, as: UTF8.self)
        func value(_ name: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
        }
        guard let batches = value("termin_commit_batches_total"), let entries = value("termin_commit_entries_total"), batches > 0 else {
            return "not readable"
        }
        return String(format: "%.0f (%.1f)", batches, entries / batches)
    }

    /// After the month: reads every office's calendar over its whole horizon (so every office-day the ledger can hold
    /// is laid out), then the server's resident size from /proc, e.g. `87.4 MB`.
    static func touchHorizonAndMeasure(harness: Harness) throws -> String {
        let catalog = try harness.catalog()
        let client = TestHTTPClient.lazy(port: harness.port)
        let today = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))).date
        for (officeID, office) in catalog.offices.sorted(by: { $0.key < $1.key }) {
            guard let service = (catalog.offers[officeID] ?? [:]).values.first(where: \.bookableOnline)?.serviceID else { continue }
            for from in stride(from: 0, through: office.horizonDays, by: Scheduler.availabilityDaysMax) {
                let to = min(from + Scheduler.availabilityDaysMax - 1, office.horizonDays)
                _ = try? client.send("GET", "/v1/availability/days?office=\(officeID)&service=\(service)"
                                     + "&from=\(today.adding(days: from))&to=\(today.adding(days: to))")
            }
        }
        let status = (try? String(contentsOfFile: "/proc/\(harness.server.processIdentifier)/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return "not readable" }
        return String(format: "%.1f MB", kilobytes / 1024)
    }
}
