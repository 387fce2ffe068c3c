import Foundation
import TerminCore
import TerminStore

/// In memory, on Munich's seeded catalogue: the free times of one office-day (what a portal shows after the
/// calendar) and the calendar of the six Bürgerbüros over 42 days, each with a third of every desk's time taken; the
/// lock-free ledger beside the mutex ledger (the anchor), same data, same run.
enum AvailabilityBenchmark {
    static let orleansplatz = 102522
    static let personalausweis = 1063441
    static let citizenOffices = [10489, 102522, 54261, 102526, 102523, 102524]

    static func run(seconds: Double) throws {
        let catalog = try MunichCatalog.load().catalog
        // A Tuesday a week ahead of "now" (outside the minimum notice), and six weeks of days from it.
        let now = BerlinTime.parse("2026-11-24T06:00:00+01:00")!
        let day = LocalDate(iso: "2026-12-01")!
        print("availability in process, Munich's catalogue, a third of each desk's time taken, \(seconds) s per measurement")
        var anchor: (day: Double, calendar: Double)?
        for (name, lockFree) in [("mutex anchor", false), ("lock-free", true)] {
            let ledger: any SlotLedger = lockFree
                ? LockFreeSlotLedger(officeIDs: catalog.offices.keys, firstDate: day) : LockingSlotLedger()
            let scheduler = Scheduler(catalog: catalog, ledger: ledger)
            fill(scheduler, catalog: catalog, from: day, days: 42)
            let shapes = try citizenOffices.map {
                try catalog.shape(officeID: $0, services: [ServiceRequest(serviceID: personalausweis, quantity: 1)], channel: .online)
            }
            let oneDay = shapes[1]
            var starts = 0
            let dayMicros = measure(seconds: seconds) {
                starts = scheduler.availability(shape: oneDay, from: day, to: day, channel: .online, now: now).first?.starts.count ?? 0
            }
            var summaries = 0
            let calendarMicros = measure(seconds: seconds) {
                summaries = shapes.reduce(0) {
                    $0 + scheduler.daySummaries(shape: $1, from: day, to: day.adding(days: 41), channel: .online, now: now).count
                }
            }
            print("  \(name.padding(toLength: 13, withPad: " ", startingAt: 0)) one office-day's times: "
                  + String(format: "%.1f µs (%d starts)", dayMicros, starts)
                  + "   six Bürgerbüros × 42 days calendar: " + String(format: "%.1f µs (%d days)", calendarMicros, summaries))
            if let anchor {
                print(String(format: "  ratio (anchor / lock-free): one office-day %.1fx, calendar %.1fx",
                             anchor.day / dayMicros, anchor.calendar / calendarMicros))
            }
            anchor = (dayMicros, calendarMicros)
        }
    }

    /// Takes two units of every six of every desk on every open day (walk-in channel: no share applies).
    static func fill(_ scheduler: Scheduler, catalog: Catalog, from: LocalDate, days: Int) {
        for officeID in citizenOffices {
            for offset in 0..<days {
                guard let layout = DayLayout.make(catalog: catalog, officeID: officeID, date: from.adding(days: offset)) else { continue }
                for desk in layout.desks {
                    for startUnit in stride(from: 0, to: layout.unitsPerDay - 1, by: 6) {
                        _ = scheduler.ledger.reserve(layout: layout, deskIDs: [desk.deskID], startUnit: startUnit, units: 2,
                                                     channel: .walkIn)
                    }
                }
            }
        }
    }

    /// Mean microseconds per call of `body`, called for about `seconds`.
    static func measure(seconds: Double, _ body: () -> Void) -> Double {
        var calls = 0
        let began = BenchSupport.nowSeconds()
        while BenchSupport.nowSeconds() - began < seconds {
            for _ in 0..<100 { body() }
            calls += 100
        }
        return (BenchSupport.nowSeconds() - began) * 1e6 / Double(calls)
    }
}
