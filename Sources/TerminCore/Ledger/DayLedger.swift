import Synchronization

/// One office-day of the lock-free ledger: an occupancy bitmap per desk in `Atomic<UInt64>` words, and a usage
/// counter per channel.
///
/// A set bit is a taken unit. Units outside the desk's opening hours, and the padding bits past the end of the
/// day, are set when the day is created, so every search for free units sees them as taken.
final class DayLedger: @unchecked Sendable {
    // @unchecked: after `init` every shared mutation goes through the atomics in `words` and `used`; the other
    // stored properties are immutable. The allocations live exactly as long as the object.

    /// Most compare-and-swap attempts on one word before a reservation gives up (a bounded retry loop: a word
    /// that keeps changing under contention makes the attempt fail rather than spin).
    static let casRetriesMax = 64

    let officeID: Int
    let date: LocalDate
    let unitsPerDay: Int
    let wordsPerDesk: Int
    let deskIndex: [Int: Int]
    /// The desks whose runs do not count against the quota (seats: `DayLayout.DeskDay.takesQuota`); most days none.
    let quotaFreeDesks: Set<Int>
    /// Quota per channel, in units, indexed like `Channel.allCases`.
    let quota: [Int]
    let words: UnsafeMutablePointer<Atomic<UInt64>>
    let used: UnsafeMutablePointer<Atomic<Int>>
    /// Counts changes to `words` and `used`, each counted after it is made (`SlotLedger.changeCount`).
    let changes = Atomic<Int>(0)

    init(layout: DayLayout) {
        officeID = layout.officeID
        date = layout.date
        unitsPerDay = layout.unitsPerDay
        wordsPerDesk = (layout.unitsPerDay + 63) / 64
        deskIndex = Dictionary(uniqueKeysWithValues: layout.desks.enumerated().map { ($0.element.deskID, $0.offset) })
        quotaFreeDesks = Set(layout.desks.filter { !$0.takesQuota }.map(\.deskID))
        quota = Channel.allCases.map { layout.quotaUnits(for: $0) }
        words = .allocate(capacity: max(1, layout.desks.count * wordsPerDesk))
        for (index, desk) in layout.desks.enumerated() {
            for word in 0..<wordsPerDesk {
                var taken = ~desk.open.words[word]
                let firstUnit = word * 64
                if firstUnit + 64 > unitsPerDay { taken |= ~0 << UInt64(unitsPerDay - firstUnit) }   // padding
                (words + index * wordsPerDesk + word).initialize(to: Atomic(taken))
            }
        }
        used = .allocate(capacity: Channel.allCases.count)
        for index in 0..<Channel.allCases.count { (used + index).initialize(to: Atomic(0)) }
    }

    deinit {
        words.deinitialize(count: deskIndex.count * wordsPerDesk)
        words.deallocate()
        used.deinitialize(count: Channel.allCases.count)
        used.deallocate()
    }

    static func channelIndex(_ channel: Channel) -> Int { Channel.allCases.firstIndex(of: channel)! }

    /// A desk's words as they are now (each word read atomically; the set may be mid-change).
    func snapshot(desk: Int) -> [UInt64] {
        (0..<wordsPerDesk).map { words[desk * wordsPerDesk + $0].load(ordering: .acquiring) }
    }

    // MARK: Quota

    /// Adds `units` to the channel's usage if that stays within its quota.
    func acquireQuota(_ channel: Channel, units: Int) -> Bool {
        let index = Self.channelIndex(channel)
        let bound = quota[index]
        var current = used[index].load(ordering: .relaxed)
        for _ in 0..<Self.casRetriesMax {
            guard current + units <= bound else { return false }
            let (exchanged, original) = used[index].compareExchange(expected: current, desired: current + units,
                                                                    ordering: .acquiringAndReleasing)
            if exchanged {
                changed()
                return true
            }
            current = original
        }
        return false
    }

    /// Adds `units` to the channel's usage without a bound (rebuilding from the database).
    func forceQuota(_ channel: Channel, units: Int) {
        used[Self.channelIndex(channel)].add(units, ordering: .acquiringAndReleasing)
        changed()
    }

    func releaseQuota(_ channel: Channel, units: Int) {
        let (_, after) = used[Self.channelIndex(channel)].subtract(units, ordering: .acquiringAndReleasing)
        precondition(after >= 0, "a channel's usage never goes below zero")
        changed()
    }

    /// Counts a change just made.
    func changed() { changes.add(1, ordering: .releasing) }

    /// Whether a run on desk `deskID` counts against the quota.
    func takesQuota(desk deskID: Int) -> Bool { quotaFreeDesks.isEmpty || !quotaFreeDesks.contains(deskID) }

    /// Whether a run on some of `deskIDs` would count against the quota.
    func takesQuota(onAnyOf deskIDs: [Int]) -> Bool { quotaFreeDesks.isEmpty || deskIDs.contains(where: takesQuota(desk:)) }

    func hasQuota(_ channel: Channel, units: Int) -> Bool {
        let index = Self.channelIndex(channel)
        return used[index].load(ordering: .relaxed) + units <= quota[index]
    }

    // MARK: Bits

    /// Sets the run's bits on `desk` if all are clear: word by word in ascending order, each by compare-and-swap.
    /// If a later word is taken, the words already claimed are given back, so a failed claim leaves nothing set.
    /// Ascending order means two overlapping claims meet first on their lowest shared word and one of them wins.
    func claim(desk: Int, range: Range<Int>) -> Bool {
        precondition(range.lowerBound >= 0 && range.upperBound <= unitsPerDay, "a run stays inside its day")
        var unit = range.lowerBound
        while unit < range.upperBound {
            let (word, mask, next) = UnitBitmap.wordMask(unit, range.upperBound)
            let atomic = words + desk * wordsPerDesk + word
            var claimed = false
            var current = atomic.pointee.load(ordering: .relaxed)
            for _ in 0..<Self.casRetriesMax where current & mask == 0 {
                let (exchanged, original) = atomic.pointee.compareExchange(expected: current, desired: current | mask,
                                                                           ordering: .acquiringAndReleasing)
                if exchanged {
                    claimed = true
                    break
                }
                current = original
            }
            guard claimed else {
                if unit > range.lowerBound { clear(desk: desk, range: range.lowerBound..<unit) }
                return false
            }
            unit = next
        }
        changed()
        return true
    }

    /// The length of the free gap around `range` on `desk`, or `nil` when a unit of `range` is taken. Reads the
    /// words atomically one by one (a concurrent change can make the answer stale; `claim` decides).
    func freeGap(desk: Int, around range: Range<Int>) -> Int? {
        let base = desk * wordsPerDesk
        var unit = range.lowerBound
        while unit < range.upperBound {
            let (word, mask, next) = UnitBitmap.wordMask(unit, range.upperBound)
            if words[base + word].load(ordering: .relaxed) & mask != 0 { return nil }
            unit = next
        }
        // Left edge: the highest taken unit below the range, word by word.
        var lower = 0
        var index = range.lowerBound - 1
        while index >= 0 {
            let word = index >> 6
            let below = UInt64(index & 63) == 63 ? ~UInt64(0) : (UInt64(1) << UInt64((index & 63) + 1)) - 1
            let taken = words[base + word].load(ordering: .relaxed) & below
            if taken != 0 {
                lower = word * 64 + (63 - taken.leadingZeroBitCount) + 1
                break
            }
            index = word * 64 - 1
        }
        // Right edge: the lowest taken unit from the end of the range on (the padding bits end every search).
        var upper = unitsPerDay
        index = range.upperBound
        while index < wordsPerDesk * 64 {
            let word = index >> 6
            let taken = words[base + word].load(ordering: .relaxed) & (~UInt64(0) << UInt64(index & 63))
            if taken != 0 {
                upper = min(unitsPerDay, word * 64 + taken.trailingZeroBitCount)
                break
            }
            index = (word + 1) * 64
        }
        return upper - lower
    }

    /// Clears the run's bits on `desk`; every one of them must be set.
    func clear(desk: Int, range: Range<Int>) {
        var unit = range.lowerBound
        while unit < range.upperBound {
            let (word, mask, next) = UnitBitmap.wordMask(unit, range.upperBound)
            let (old, _) = words[desk * wordsPerDesk + word].bitwiseAnd(~mask, ordering: .acquiringAndReleasing)
            precondition(old & mask == mask, "a bitmap never loses a bit it did not release")
            unit = next
        }
        changed()
    }
}
