import Synchronization

/// The slot ledger without locks: reserving and releasing are compare-and-swap operations on the occupancy words
/// of one office-day (`DayLedger`), quotas are atomic counters, and availability is computed from the words with
/// bit operations.
///
/// Office-days live in a table of `Atomic` references indexed by office and day, created on first touch by a
/// compare-and-swap (a loser of that race drops its copy) and kept for the life of the ledger. The table covers
/// `daysMax` days from `firstDate`; dates outside it cannot be reserved.
///
/// Desk choice is best fit, as in `LockingSlotLedger`: among desks with the run free, the smallest surrounding gap
/// first; a desk lost to a concurrent claim is passed over for the next.
public final class LockFreeSlotLedger: SlotLedger, @unchecked Sendable {
    // @unchecked: `slots` is written only through its atomics (and in init/deinit, which no other thread sees);
    // the office-days it points to are themselves safe to share (see `DayLedger`).

    /// Default number of days the table covers (about eleven years).
    public static let daysMaxDefault = 4096

    public let firstDate: LocalDate
    public let daysMax: Int
    private let officeIndex: [Int: Int]
    private let slots: UnsafeMutablePointer<Atomic<Unmanaged<DayLedger>?>>
    private let slotCount: Int

    /// A ledger for `officeIDs` from `firstDate` on.
    public init(officeIDs: some Collection<Int>, firstDate: LocalDate, daysMax: Int = daysMaxDefault) {
        precondition(daysMax > 0)
        self.firstDate = firstDate
        self.daysMax = daysMax
        officeIndex = Dictionary(uniqueKeysWithValues: Set(officeIDs).sorted().enumerated().map { ($0.element, $0.offset) })
        slotCount = max(1, officeIndex.count * daysMax)
        slots = .allocate(capacity: slotCount)
        for index in 0..<slotCount { (slots + index).initialize(to: Atomic(nil)) }
    }

    deinit {
        for index in 0..<slotCount { slots[index].load(ordering: .acquiring)?.release() }
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }

    /// The office-day for a layout, created on first use; `nil` outside the table.
    private func day(_ layout: DayLayout) -> DayLedger? {
        guard let slot = slot(officeID: layout.officeID, date: layout.date) else { return nil }
        if let existing = slots[slot].load(ordering: .acquiring) { return existing.takeUnretainedValue() }
        let created = Unmanaged.passRetained(DayLedger(layout: layout))
        let (exchanged, winner) = slots[slot].compareExchange(expected: nil, desired: created, ordering: .acquiringAndReleasing)
        if exchanged { return created.takeUnretainedValue() }
        created.release()
        return winner!.takeUnretainedValue()
    }

    private func existingDay(officeID: Int, date: LocalDate) -> DayLedger? {
        slot(officeID: officeID, date: date).flatMap { slots[$0].load(ordering: .acquiring)?.takeUnretainedValue() }
    }

    private func slot(officeID: Int, date: LocalDate) -> Int? {
        let offset = date.dayNumber - firstDate.dayNumber
        guard let office = officeIndex[officeID], offset >= 0, offset < daysMax else { return nil }
        return office * daysMax + offset
    }

    public func freeStarts(layout: DayLayout, deskIDs: [Int], units: Int, channel: Channel) -> [Int] {
        guard units >= 1, units <= layout.unitsPerDay, let day = day(layout),
              !day.takesQuota(onAnyOf: deskIDs) || day.hasQuota(channel, units: units) else { return [] }
        var starts = [UInt64](repeating: 0, count: day.wordsPerDesk)
        for deskID in deskIDs {
            guard let desk = day.deskIndex[deskID] else { continue }
            let runStarts = Self.runStarts(free: day.snapshot(desk: desk).map { ~$0 }, length: units)
            for word in 0..<starts.count { starts[word] |= runStarts[word] }
        }
        var result: [Int] = []
        for (index, word) in starts.enumerated() {
            var bits = word
            while bits != 0 {
                result.append(index * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }

    public func reserve(layout: DayLayout, deskIDs: [Int], startUnit: Int, units: Int, channel: Channel) -> SlotRun? {
        let range = startUnit..<(startUnit + units)
        guard units >= 1, startUnit >= 0, range.upperBound <= layout.unitsPerDay, let day = day(layout) else { return nil }
        // A read of the quota (cheap: the counter's cache line is only written by winners) turns attempts away once
        // the channel's share is gone. Then bits first, quota second: an attempt that loses the race for the bits
        // never writes the shared counter.
        guard !day.takesQuota(onAnyOf: deskIDs) || day.hasQuota(channel, units: units),
              let chosen = claimBestFit(day: day, deskIDs: deskIDs, range: range) else { return nil }
        guard !day.takesQuota(desk: chosen) || day.acquireQuota(channel, units: units) else {
            day.clear(desk: day.deskIndex[chosen]!, range: range)
            return nil
        }
        return SlotRun(officeID: layout.officeID, deskID: chosen, date: layout.date, startUnit: startUnit, units: units)
    }

    /// Claims the run on the desk with the smallest free gap around it; a desk lost to a concurrent claim is passed
    /// over for the next best. At most one claim attempt per desk. Returns the desk id claimed.
    private func claimBestFit(day: DayLedger, deskIDs: [Int], range: Range<Int>) -> Int? {
        if deskIDs.count == 1 {
            guard let desk = day.deskIndex[deskIDs[0]], day.claim(desk: desk, range: range) else { return nil }
            return deskIDs[0]
        }
        return withUnsafeTemporaryAllocation(of: (desk: Int, deskID: Int, gap: Int).self, capacity: deskIDs.count) { candidates in
            var count = 0
            for deskID in deskIDs {
                guard let desk = day.deskIndex[deskID], let gap = day.freeGap(desk: desk, around: range) else { continue }
                candidates[count] = (desk, deskID, gap)
                count += 1
            }
            while count > 0 {
                var best = 0
                for index in 1..<max(count, 1) where candidates[index].gap < candidates[best].gap { best = index }
                let candidate = candidates[best]
                if day.claim(desk: candidate.desk, range: range) { return candidate.deskID }
                // Keep the order of the rest (ties go to the earlier desk): shift left over the one tried.
                for index in best..<(count - 1) { candidates[index] = candidates[index + 1] }
                count -= 1
            }
            return nil
        }
    }

    @discardableResult
    public func occupy(layout: DayLayout, run: SlotRun, channel: Channel) -> Bool {
        guard run.unitRange.upperBound <= layout.unitsPerDay, let day = day(layout), let desk = day.deskIndex[run.deskID],
              day.claim(desk: desk, range: run.unitRange) else { return false }
        if day.takesQuota(desk: run.deskID) { day.forceQuota(channel, units: run.units) }
        return true
    }

    public func changeCount(officeID: Int, from: LocalDate, to: LocalDate) -> Int {
        guard let office = officeIndex[officeID] else { return 0 }
        let first = max(0, from.dayNumber - firstDate.dayNumber), last = min(daysMax - 1, to.dayNumber - firstDate.dayNumber)
        guard first <= last else { return 0 }
        var sum = 0
        for offset in first...last {
            if let day = slots[office * daysMax + offset].load(ordering: .acquiring) {
                sum &+= day.takeUnretainedValue().changes.load(ordering: .acquiring)
            }
        }
        return sum
    }

    public func release(_ run: SlotRun, channel: Channel) {
        guard let day = existingDay(officeID: run.officeID, date: run.date), let desk = day.deskIndex[run.deskID] else {
            preconditionFailure("released \(run), which this ledger never reserved")
        }
        day.clear(desk: desk, range: run.unitRange)
        if day.takesQuota(desk: run.deskID) { day.releaseQuota(channel, units: run.units) }
    }

    /// Start units of every run of `length` free units: the free bits ANDed with themselves shifted by 1…length-1,
    /// doubling the covered length each step.
    static func runStarts(free: [UInt64], length: Int) -> [UInt64] {
        var result = free
        var covered = 1
        while covered < length {
            let shift = min(covered, length - covered)
            let shifted = shiftedTowardLowerUnits(result, by: shift)
            for index in 0..<result.count { result[index] &= shifted[index] }
            covered += shift
        }
        return result
    }

    /// Bit `u` of the result is bit `u + count` of `words` (zero past the end).
    static func shiftedTowardLowerUnits(_ words: [UInt64], by count: Int) -> [UInt64] {
        let wordShift = count / 64, bitShift = UInt64(count % 64)
        return (0..<words.count).map { index in
            let source = index + wordShift
            guard source < words.count else { return 0 }
            var value = words[source] >> bitShift
            if bitShift > 0, source + 1 < words.count { value |= words[source + 1] << (64 - bitShift) }
            return value
        }
    }
}
