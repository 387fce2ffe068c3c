import TerminCore
/// The exchange move: two stretches of two desks (of one office's opening interval, or of two a request links)
/// share out what they hold, and perhaps a request or two that is unserved, in the best way there is. Every way of
/// sharing is counted: each stretch's `LaneTable` gives the best arrangement of every subset, and the move takes the
/// pair of disjoint subsets that keeps everyone served and is worth the most. It finds what single moves cannot:
/// a desk taking two short requests early for one long one that another desk fits later.
extension Solver {
    /// Most requests one stretch of the exchange holds.
    static let exchangeStretchMembersMax = 4

    /// Most unserved requests offered to an exchange.
    static let exchangeUnservedMax = 2

    /// A random exchange around a random served request: its stretch and one of another desk of its office interval
    /// or of a lane it may use; half the time an equally good sharing is taken too, so the search can wander.
    func exchange(_ state: inout SearchState, random: inout SeededRandom) {
        let request = random.below(problem.requestCount)
        guard state.isServed(request) else { return }
        let first = Int(problem.options[request][Int(state.option[request])].lane)
        let group = problem.groups[Int(problem.laneGroup[first])]
        let second: Int
        if random.below(2) == 0, group.count > 1 {
            second = Int(group[random.below(group.count)])
        } else {
            let options = problem.options[request]
            second = Int(options[random.below(options.count)].lane)
        }
        guard second != first else { return }
        let unit = Int(state.start[request])
        let here = stretch(state, lane: first, around: unit, count: 2 + random.below(Self.exchangeStretchMembersMax - 1))
        // The other desk's stretch at the same time of day half the time, anywhere on it otherwise.
        let length = Int(problem.laneLength[second])
        let sameTime = Int(problem.laneStart[first]) + unit - Int(problem.laneStart[second])
        let unitThere = random.below(2) == 0 && (0..<length).contains(sameTime) ? sameTime : random.below(length)
        let there = stretch(state, lane: second, around: unitThere, count: 1 + random.below(Self.exchangeStretchMembersMax))
        var extras: [Int] = []
        for lane in [first, second] {
            let candidates = problem.laneRequests[lane]
            for _ in 0..<4 where extras.count < Self.exchangeUnservedMax && !candidates.isEmpty {
                let candidate = Int(candidates[random.below(candidates.count)])
                if !state.isServed(candidate) && !extras.contains(candidate) { extras.append(candidate) }
            }
        }
        exchange(&state, (first, here.members, here.range), (second, there.members, there.range), extras: extras,
                 equalTaken: random.below(2) == 0)
    }

    /// Every exchange between stretches of two desks of one office interval, stretch by stretch, each kept if it gains;
    /// until the time is up. Part of the final polish.
    func exchangeAll(_ state: inout SearchState, until seconds: Double, elapsed: () -> Double) {
        for group in problem.groups where group.count > 1 {
            for first in group.map(Int.init) {
                for second in group.map(Int.init) where second != first {
                    if elapsed() >= seconds { return }
                    var unit = 0
                    while unit < Int(problem.laneLength[first]) {
                        var unitThere = 0, next = unit + 1
                        while unitThere < Int(problem.laneLength[second]) {
                            // Both read afresh: an exchange kept moves what the stretches hold.
                            let here = stretch(state, lane: first, around: unit, count: Self.exchangeStretchMembersMax)
                            let there = stretch(state, lane: second, around: unitThere, count: Self.exchangeStretchMembersMax - 1)
                            exchange(&state, (first, here.members, here.range), (second, there.members, there.range),
                                     extras: [], equalTaken: false)
                            unitThere = max(unitThere + 1, there.range.upperBound)
                            next = max(next, here.range.upperBound)
                        }
                        unit = next
                    }
                }
            }
        }
    }

    /// A lane's stretch: its requests and the units they may be re-arranged in.
    typealias Stretch = (lane: Int, members: [Int], range: Range<Int>)

    /// Shares out two stretches' requests and `extras` (unserved) between them, keeping the change only if every
    /// request taken out is placed again and the value grows (or, with `equalTaken`, does not fall).
    func exchange(_ state: inout SearchState, _ here: Stretch, _ there: Stretch, extras: [Int], equalTaken: Bool) {
        assert(here.lane != there.lane, "two desks")
        let members = here.members + there.members
        let pool = members + extras
        assert(pool.count <= 2 * Self.exchangeStretchMembersMax + Self.exchangeUnservedMax, "the pool stays small: 2^count tables")
        var removed: [Removed] = []
        for member in members {
            let value = Int(state.value[member])
            let (optionIndex, start) = state.unassign(member)
            removed.append((member, optionIndex, start, value))
        }
        let oldValue = removed.reduce(0) { $0 + $1.value }
        let firstTable = LaneTable(state, problem, lane: here.lane, requests: pool, within: here.range)
        let secondTable = LaneTable(state, problem, lane: there.lane, requests: pool, within: there.range)
        let everyone = (1 << pool.count) - 1, required = (1 << members.count) - 1, optional = everyone & ~required
        let threshold = equalTaken ? oldValue : oldValue + 1
        var chosen: (value: Int, first: Int, second: Int)?
        for firstMask in 0...everyone {
            guard let firstValue = firstTable.value(firstMask) else { continue }
            let rest = everyone & ~firstMask, needed = required & ~firstMask
            // Every subset of the unserved left over, added to what must still be placed.
            var extra = rest & optional
            while true {
                if let secondValue = secondTable.value(needed | extra), firstValue + secondValue >= chosen.map({ $0.value + 1 }) ?? threshold {
                    chosen = (firstValue + secondValue, firstMask, needed | extra)
                }
                if extra == 0 { break }
                extra = (extra - 1) & rest & optional
            }
        }
        guard let chosen else {
            putBack(&state, placed: [], removed: removed)
            return
        }
        for placement in firstTable.placements(chosen.first) + secondTable.placements(chosen.second) {
            state.assign(placement.request, optionIndex: placement.optionIndex, start: placement.start)
        }
    }
}
