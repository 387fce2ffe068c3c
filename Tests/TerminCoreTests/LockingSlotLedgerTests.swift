import Dispatch
import Synchronization
import Testing
@testable import TerminCore

@Suite struct LockingSlotLedgerTests {
    let catalog = Fixtures.catalog()
    var layout: DayLayout { DayLayout.make(catalog: catalog, officeID: 1, date: Fixtures.tuesday)! }

    @Test func bestFitKeepsLongGapsWhole() throws {
        let ledger = LockingSlotLedger()
        let layout = layout
        // Desk 101 has a gap of 4 units at 100..<104 (after this), desk 102 is empty.
        _ = ledger.occupy(layout: layout, run: SlotRun(officeID: 1, deskID: 101, date: Fixtures.tuesday, startUnit: 96, units: 4), channel: .staff)
        _ = ledger.occupy(layout: layout, run: SlotRun(officeID: 1, deskID: 101, date: Fixtures.tuesday, startUnit: 104, units: 40), channel: .staff)
        let run = try #require(ledger.reserve(layout: layout, deskIDs: [101, 102], startUnit: 100, units: 2, channel: .online))
        #expect(run.deskID == 101)
    }

    @Test func theOnlineQuotaIsABound() {
        let ledger = LockingSlotLedger()
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
    @Test(arguments: [Channel.online, .walkIn])
    func concurrentReservationsNeverOverlap(channel: Channel) {
        let ledger = LockingSlotLedger()
        let layout = layout
        let threads = 4
        let owned = Mutex<[SlotRun]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var generator = SeededGenerator(seed: UInt64(thread + 1))
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
    }
}
