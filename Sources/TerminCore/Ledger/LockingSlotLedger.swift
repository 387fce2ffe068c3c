import Synchronization

/// A simple, correct `SlotLedger`: every office-day behind one mutex.
///
/// Desk choice is best fit: among desks with the run free, the one whose surrounding free gap is smallest, so
/// long gaps stay whole for long appointments; ties go to the lowest desk number.
public final class LockingSlotLedger: SlotLedger {
    struct DayKey: Hashable {
        let officeID: Int
        let date: LocalDate
    }

    /// Taken units per desk (closed units count as taken) and units used per channel.
    struct DayState {
        var taken: [Int: UnitBitmap]
        var used: [Channel: Int] = [:]
        let quota: [Channel: Int]
        /// Desks whose runs take no quota (seats).
        let quotaFreeDesks: Set<Int>
        /// Changes made so far (`SlotLedger.changeCount`).
        var changes = 0

        init(layout: DayLayout) {
            var taken: [Int: UnitBitmap] = [:]
            for desk in layout.desks {
                var bitmap = UnitBitmap(count: layout.unitsPerDay)
                for unit in 0..<layout.unitsPerDay where !desk.open[unit] { bitmap.set(unit..<(unit + 1)) }
                taken[desk.deskID] = bitmap
            }
            self.taken = taken
            quota = Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, layout.quotaUnits(for: $0)) })
            quotaFreeDesks = Set(layout.desks.filter { !$0.takesQuota }.map(\.deskID))
        }

        /// Whether `units` more on some of `deskIDs` stay within the channel's quota (always, on seats alone).
        func hasQuota(_ channel: Channel, units: Int, onAnyOf deskIDs: [Int]) -> Bool {
            deskIDs.allSatisfy(quotaFreeDesks.contains) || used[channel, default: 0] + units <= quota[channel]!
        }

        /// Counts `units` on desk `deskID` (negative: given back) against the channel's quota, unless it is a seat.
        mutating func use(_ channel: Channel, units: Int, on deskID: Int) {
            guard !quotaFreeDesks.contains(deskID) else { return }
            used[channel, default: 0] += units
            precondition(used[channel]! >= 0, "a channel's usage never goes below zero")
        }
    }

    private let days = Mutex<[DayKey: DayState]>([:])

    public init() {}

    public func freeStarts(layout: DayLayout, deskIDs: [Int], units: Int, channel: Channel) -> [Int] {
        days.withLock { days in
            let state = days[DayKey(officeID: layout.officeID, date: layout.date)] ?? DayState(layout: layout)
            guard state.hasQuota(channel, units: units, onAnyOf: deskIDs), units <= layout.unitsPerDay else { return [] }
            var starts: [Int] = []
            for start in 0...(layout.unitsPerDay - units) {
                let range = start..<(start + units)
                if deskIDs.contains(where: { state.taken[$0]?.isClear(range) == true }) { starts.append(start) }
            }
            return starts
        }
    }

    public func reserve(layout: DayLayout, deskIDs: [Int], startUnit: Int, units: Int, channel: Channel) -> SlotRun? {
        let range = startUnit..<(startUnit + units)
        guard startUnit >= 0, range.upperBound <= layout.unitsPerDay else { return nil }
        let key = DayKey(officeID: layout.officeID, date: layout.date)
        return days.withLock { days in
            var state = days[key] ?? DayState(layout: layout)
            guard state.hasQuota(channel, units: units, onAnyOf: deskIDs) else { return nil }
            var best: (deskID: Int, gap: Int)?
            for deskID in deskIDs {
                guard let taken = state.taken[deskID], taken.isClear(range) else { continue }
                let gap = taken.clearRun(around: range).count
                if best == nil || gap < best!.gap { best = (deskID, gap) }
            }
            guard let chosen = best?.deskID else { return nil }
            state.taken[chosen]!.set(range)
            state.use(channel, units: units, on: chosen)
            state.changes += 1
            days[key] = state
            return SlotRun(officeID: layout.officeID, deskID: chosen, date: layout.date, startUnit: startUnit, units: units)
        }
    }

    @discardableResult
    public func occupy(layout: DayLayout, run: SlotRun, channel: Channel) -> Bool {
        let key = DayKey(officeID: layout.officeID, date: layout.date)
        return days.withLock { days in
            var state = days[key] ?? DayState(layout: layout)
            guard run.unitRange.upperBound <= layout.unitsPerDay, let taken = state.taken[run.deskID],
                  taken.isClear(run.unitRange) else { return false }
            state.taken[run.deskID]!.set(run.unitRange)
            state.use(channel, units: run.units, on: run.deskID)
            state.changes += 1
            days[key] = state
            return true
        }
    }

    public func release(_ run: SlotRun, channel: Channel) {
        let key = DayKey(officeID: run.officeID, date: run.date)
        days.withLock { days in
            guard var state = days[key], state.taken[run.deskID] != nil else {
                preconditionFailure("released \(run), which this ledger never reserved")
            }
            precondition(state.taken[run.deskID]!.isSet(run.unitRange), "released \(run), which is not taken")
            state.taken[run.deskID]!.clear(run.unitRange)
            state.use(channel, units: -run.units, on: run.deskID)
            state.changes += 1
            days[key] = state
        }
    }

    public func changeCount(officeID: Int, from: LocalDate, to: LocalDate) -> Int {
        guard from <= to else { return 0 }
        return days.withLock { days in
            (from.dayNumber...to.dayNumber).reduce(0) { $0 + (days[DayKey(officeID: officeID, date: LocalDate(dayNumber: $1))]?.changes ?? 0) }
        }
    }
}
