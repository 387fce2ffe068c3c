import Dispatch
import Synchronization
import Testing
import TerminTestSupport
@testable import TerminCore

/// The two ledgers, which must behave alike.
enum LedgerKind: String, CaseIterable, CustomTestStringConvertible {
    case locking, lockFree
    func make() -> any SlotLedger {
        switch self {
        case .locking: LockingSlotLedger()
        case .lockFree: LockFreeSlotLedger(officeIDs: [1], firstDate: LocalDate(iso: "2026-11-01")!)
        }
    }
    var testDescription: String { rawValue }
}

@Suite struct SlotLedgerTests {
    let catalog = Fixtures.catalog()
    var layout: DayLayout { DayLayout.make(catalog: catalog, officeID: 1, date: Fixtures.tuesday)! }

    @Test(arguments: LedgerKind.allCases)
    func bestFitKeepsLongGapsWhole(kind: LedgerKind) throws {
        let ledger = kind.make()
        let layout = layout
        // Desk 101 has a gap of 4 units at 100..<104 (after this), desk 102 is empty.
        _ = ledger.occupy(layout: layout, run: SlotRun(officeID: 1, deskID: 101, date: Fixtures.tuesday, startUnit: 96, units: 4), channel: .staff)
        _ = ledger.occupy(layout: layout, run: SlotRun(officeID: 1, deskID: 101, date: Fixtures.tuesday, startUnit: 104, units: 40), channel: .staff)
        let run = try #require(ledger.reserve(layout: layout, deskIDs: [101, 102], startUnit: 100, units: 2, channel: .online))
        #expect(run.deskID == 101)
    }

    /// Every reservation, occupation and release grows the office-day's change count; a refused reservation and
    /// changes on other days leave it as it was.
    @Test(arguments: LedgerKind.allCases)
    func everyChangeGrowsTheDaysChangeCount(kind: LedgerKind) throws {
        let ledger = kind.make()
        let layout = layout
        let count = { ledger.changeCount(officeID: 1, from: Fixtures.tuesday, to: Fixtures.tuesday) }
        #expect(count() == 0)
        let run = try #require(ledger.reserve(layout: layout, deskIDs: [101], startUnit: 100, units: 2, channel: .online))
        let afterReserve = count()
        #expect(afterReserve > 0)
        #expect(ledger.reserve(layout: layout, deskIDs: [101], startUnit: 100, units: 2, channel: .online) == nil)
        #expect(count() == afterReserve)
        #expect(ledger.occupy(layout: layout, run: SlotRun(officeID: 1, deskID: 102, date: Fixtures.tuesday, startUnit: 100, units: 2),
                              channel: .staff))
        let afterOccupy = count()
        #expect(afterOccupy > afterReserve)
        ledger.release(run, channel: .online)
        #expect(count() > afterOccupy)
        let tuesday = count()
        #expect(ledger.changeCount(officeID: 1, from: Fixtures.tuesday.adding(days: 1), to: Fixtures.tuesday.adding(days: 9)) == 0)
        #expect(ledger.changeCount(officeID: 1, from: Fixtures.tuesday.adding(days: -3), to: Fixtures.tuesday.adding(days: 3)) == tuesday)
        #expect(ledger.changeCount(officeID: 2, from: Fixtures.tuesday, to: Fixtures.tuesday) == 0)
    }

    @Test(arguments: LedgerKind.allCases)
    func theOnlineQuotaIsABound(kind: LedgerKind) {
        let ledger = kind.make()
        let layout = layout
        var taken = 0
        for start in stride(from: 96, to: 144, by: 1) {
            for _ in 0..<3 where ledger.reserve(layout: layout, deskIDs: [101, 102, 103], startUnit: start, units: 1, channel: .online) != nil {
                taken += 1
            }
        }
        for start in 168..<192 {
            for _ in 0..<2 where ledger.reserve(layout: layout, deskIDs: [101, 102], startUnit: start, units: 1, channel: .online) != nil {
                taken += 1
            }
        }
        #expect(taken == layout.onlineQuotaUnits)
        #expect(ledger.freeStarts(layout: layout, deskIDs: [101, 102, 103], units: 1, channel: .online).isEmpty)
        #expect(!ledger.freeStarts(layout: layout, deskIDs: [101, 102, 103], units: 1, channel: .walkIn).isEmpty)
    }

    /// Many threads reserve and release at random. Afterwards no unit is held twice, usage per channel matches what
    /// the threads own, the online quota held, and when demand exceeded capacity every open unit ended up taken.
    @Test(arguments: LedgerKind.allCases, [Channel.online, .walkIn])
    func concurrentReservationsNeverOverlap(kind: LedgerKind, channel: Channel) {
        let ledger = kind.make()
        let layout = layout
        let threads = 4
        let owned = Mutex<[SlotRun]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var generator = SeededRandom(seed: UInt64(thread + 1))
            var mine: [SlotRun] = []
            for _ in 0..<4_000 {
                if !mine.isEmpty && Int.random(in: 0..<4, using: &generator) == 0 {
                    ledger.release(mine.remove(at: Int.random(in: 0..<mine.count, using: &generator)), channel: channel)
                } else {
                    let units = Int.random(in: 1...3, using: &generator)
                    let start = Int.random(in: 90...195, using: &generator)
                    if let run = ledger.reserve(layout: layout, deskIDs: [101, 102, 103], startUnit: start, units: units,
                                                channel: channel) {
                        mine.append(run)
                    }
                }
            }
            // Then fill every remaining single unit: demand beyond capacity.
            for start in 0..<layout.unitsPerDay {
                while let run = ledger.reserve(layout: layout, deskIDs: [101, 102, 103], startUnit: start, units: 1, channel: channel) {
                    mine.append(run)
                }
            }
            let collected = mine
            owned.withLock { $0 += collected }
        }
        let runs = owned.withLock { $0 }
        var seen: [Int: UnitBitmap] = [:]
        for run in runs {
            var bitmap = seen[run.deskID] ?? UnitBitmap(count: layout.unitsPerDay)
            #expect(bitmap.isClear(run.unitRange), "\(run) is held twice")
            bitmap.set(run.unitRange)
            seen[run.deskID] = bitmap
            let open = layout.desks.first { $0.deskID == run.deskID }!.open
            #expect(open.isSet(run.unitRange), "\(run) lies outside opening hours")
        }
        let units = runs.reduce(0) { $0 + $1.units }
        if channel == .online {
            #expect(units == layout.onlineQuotaUnits)
        } else {
            #expect(units == layout.openUnits)
        }
        // Everything released: the day is as empty as it began.
        for run in runs { ledger.release(run, channel: channel) }
        #expect(ledger.freeStarts(layout: layout, deskIDs: [101, 102, 103], units: 1, channel: channel).count == 72)
    }

    /// One run contended by every thread at once, crossing a word boundary: exactly one thread gets each desk.
    @Test(arguments: LedgerKind.allCases)
    func aContendedRunAcrossAWordBoundaryIsGivenOncePerDesk(kind: LedgerKind) {
        for _ in 0..<50 {
            let ledger = kind.make()
            let layout = layout
            let winners = Mutex<[SlotRun]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                // Units 126..<130 straddle words 1 and 2.
                if let run = ledger.reserve(layout: layout, deskIDs: [101, 102, 103], startUnit: 126, units: 4, channel: .staff) {
                    winners.withLock { $0.append(run) }
                }
            }
            let desks = winners.withLock { $0.map(\.deskID) }
            #expect(Set(desks).count == desks.count)
            #expect(desks.count <= 3)
        }
    }

    /// Threads hammer one run that straddles a word boundary on one desk, reserving and releasing it. Whoever holds
    /// it counts itself in; two holders at once would be a unit given twice.
    @Test(arguments: LedgerKind.allCases)
    func mutualExclusionUnderHammering(kind: LedgerKind) {
        final class Counters: Sendable {
            let holders = Atomic<Int>(0)
            let violations = Atomic<Int>(0)
            let wins = Atomic<Int>(0)
        }
        let ledger = kind.make()
        let layout = layout
        let counters = Counters()
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for attempt in 0..<40_000 {
                // Alternate the run so both its words are contended: 126..<130 and 120..<128.
                let start = attempt % 2 == 0 ? 126 : 120
                let units = attempt % 2 == 0 ? 4 : 8
                guard let run = ledger.reserve(layout: layout, deskIDs: [102], startUnit: start, units: units, channel: .staff) else { continue }
                if counters.holders.add(1, ordering: .acquiringAndReleasing).newValue > 1 {
                    counters.violations.add(1, ordering: .relaxed)
                }
                counters.wins.add(1, ordering: .relaxed)
                counters.holders.subtract(1, ordering: .acquiringAndReleasing)
                ledger.release(run, channel: .staff)
            }
        }
        #expect(counters.violations.load(ordering: .relaxed) == 0)
        #expect(counters.wins.load(ordering: .relaxed) > 0)
    }

    @Test func runStartsMatchANaiveScan() {
        var generator = SeededRandom(seed: 11)
        for _ in 0..<300 {
            var bitmap = UnitBitmap(count: 288)
            for _ in 0..<Int.random(in: 0...20, using: &generator) {
                let start = Int.random(in: 0..<288, using: &generator)
                bitmap.set(start..<min(288, start + Int.random(in: 1...30, using: &generator)))
            }
            let length = Int.random(in: 1...80, using: &generator)
            let starts = LockFreeSlotLedger.runStarts(free: bitmap.words.map { ~$0 }, length: length)
            for unit in 0...(288 - length) {
                let expected = bitmap.isClear(unit..<(unit + length))
                #expect((starts[unit / 64] >> UInt64(unit % 64)) & 1 == (expected ? 1 : 0), "unit \(unit) length \(length)")
            }
        }
    }
}
