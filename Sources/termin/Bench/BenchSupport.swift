import Dispatch
import Foundation
import TerminCore

/// Shared pieces of the benchmarks: a fast random generator, a clock, threads started together, and the
/// benchmark office.
enum BenchSupport {
    /// xorshift64*: fast and good enough to pick slots; not for secrets.
    struct FastRandom: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static func nowSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Runs `body(threadIndex)` on `count` threads started together; returns the wall time in seconds.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> Double {
        let start = DispatchGroup(), done = DispatchGroup()
        start.enter()
        for index in 0..<count {
            done.enter()
            Thread {
                start.wait()
                body(index)
                done.leave()
            }.start()
        }
        let began = nowSeconds()
        start.leave()
        done.wait()
        return nowSeconds() - began
    }

    /// The benchmark office, shaped like the PostgreSQL-alone baseline (`shared/baselines`): `desks` desks open
    /// 08:00–16:20 Monday–Friday on a 5-minute grid, 100 units each a day (10 desks: a 1,000-slot day).
    static let officeID = 900_001
    static let serviceID = 900_001
    static func catalog(desks: Int) -> Catalog {
        let office = Office(id: officeID, nameDE: "Benchmark", nameEN: nil, displayName: "Benchmark", organizationUnit: nil,
                            isPublic: false, address: .init(street: "-", houseNumber: "-", postalCode: "-", city: "München"),
                            geo: .init(lat: 48.1, lon: 11.6), slotMinutes: 5, horizonDays: 365, minNoticeMinutes: 0,
                            onlineWithheldPercent: 0, accessibility: [])
        let service = Service(id: serviceID, nameDE: "Benchmark", nameEN: nil, leika: nil, durationMinutes: 5, maxQuantity: 1,
                              isPublic: false, combinableWith: [])
        let deskList = (1...desks).map { Desk(id: officeID * 1000 + $0, officeID: officeID, number: $0, isAccessible: false,
                                              serviceIDs: [serviceID]) }
        let rule = OpeningRule(officeID: officeID, weekdays: [1, 2, 3, 4, 5], validFrom: LocalDate(iso: "2020-01-01")!, validTo: nil,
                               startMinute: 8 * 60, endMinute: 8 * 60 + 500, staffedDesks: desks)
        return Catalog(offices: [office], services: [service],
                       offers: [Offer(officeID: officeID, serviceID: serviceID, slotUnits: 1, bookableOnline: true)],
                       desks: deskList, openingRules: [rule], closingCalendar: ClosingCalendar())
    }

    /// Weekdays from Tuesday 2026-12-01 on that are not closing days.
    static func workingDays(_ count: Int) -> [LocalDate] {
        var days: [LocalDate] = []
        var date = LocalDate(iso: "2026-12-01")!
        let closing = ClosingCalendar()
        while days.count < count {
            if date.isoWeekday <= 5 && !closing.isClosed(officeID: officeID, on: date) { days.append(date) }
            date = date.adding(days: 1)
        }
        return days
    }

    /// `12,345,678` for large figures, two decimals for small ones.
    static func format(_ value: Double) -> String {
        guard value >= 100 else { return String(format: "%.2f", value) }
        var digits = String(Int(value.rounded()))
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return digits + grouped
    }
}
