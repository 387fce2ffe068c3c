import TerminCore
/// The exact arrangement of a lane, or of a stretch of it: the requests a desk holds there, placed at the starts that
/// give them the most value together (a dynamic programme over time and the subset already placed). Used to polish
/// whole lanes at the end, and by the exact-stretch move (re-arrange a stretch, exchange a request for an unserved
/// one, or move one to a stretch of another desk).
extension Solver {
    /// Most requests on a lane for the exact arrangement (the programme grows as 2^count × lane length × count).
    static let laneOptimumMembersMax = 10

    /// A request's place in an arrangement.
    typealias Placement = (request: Int, optionIndex: Int, start: Int)

    /// Re-places the requests on `lane` at their jointly most valuable starts on it; keeps the change only if it gains.
    /// Lanes with fewer than two or more than `laneOptimumMembersMax` requests are left alone.
    func optimiseLane(_ state: inout SearchState, lane: Int) {
        let count = state.laneMembers[lane].count
        guard count >= 2, count <= Self.laneOptimumMembersMax else { return }
        let removed = takeOut(&state, lanes: [lane])
        let oldValue = removed.reduce(0) { $0 + $1.value }
        guard let arrangement = bestArrangement(state, lane: lane, requests: removed.map(\.request)),
              arrangement.value > oldValue else {
            putBack(&state, placed: [], removed: removed)
            return
        }
        for placement in arrangement.placements {
            state.assign(placement.request, optionIndex: placement.optionIndex, start: placement.start)
        }
    }

    /// A stretch of a lane around `unit`: up to `count` consecutive requests there (by start) and the units from the
    /// end of the request before them to the start of the one after (or the lane's ends).
    func stretch(_ state: SearchState, lane: Int, around unit: Int, count: Int) -> (members: [Int], range: Range<Int>) {
        let sorted = state.laneMembers[lane].map(Int.init).sorted { state.start[$0] < state.start[$1] }
        let length = Int(problem.laneLength[lane])
        guard !sorted.isEmpty else { return ([], 0..<length) }
        let nearest = sorted.firstIndex { Int(state.start[$0]) + units(state, $0) > unit } ?? sorted.count - 1
        let first = max(0, min(nearest - count / 2, sorted.count - count)), last = min(sorted.count, first + count)
        let lower = first == 0 ? 0 : Int(state.start[sorted[first - 1]]) + units(state, sorted[first - 1])
        let upper = last == sorted.count ? length : Int(state.start[sorted[last]])
        return (Array(sorted[first..<last]), lower..<upper)
    }

    private func units(_ state: SearchState, _ request: Int) -> Int {
        Int(problem.options[request][Int(state.option[request])].units)
    }

    /// Re-arranges a stretch of a lane exactly, serving an unserved request in place of one there half the time (of
    /// at least its priority: a shorter one can let the others start earlier); or moves a request to a stretch of
    /// another lane it may use, sometimes taking one back, and arranges both stretches exactly. Kept only if the value
    /// grows and every request taken out is placed again (or, for the one exchanged, left unserved).
    func exactStretch(_ state: inout SearchState, random: inout SeededRandom) {
        let request = random.below(problem.requestCount)
        guard state.isServed(request) else { return }
        let option = problem.options[request][Int(state.option[request])]
        let from = Int(option.lane)
        let size = 3 + random.below(Self.laneOptimumMembersMax - 3)
        let here = stretch(state, lane: from, around: Int(state.start[request]), count: size)
        var fromMembers = here.members, toMembers: [Int] = []
        var there: (lane: Int, members: [Int], range: Range<Int>)?
        switch random.below(3) {
        case 0:
            break
        case 1:
            let candidates = problem.laneRequests[from]
            let incoming = Int(candidates[random.below(candidates.count)])
            guard !state.isServed(incoming), problem.priority[incoming] >= problem.priority[request] else { return }
            fromMembers = fromMembers.filter { $0 != request } + [incoming]
        default:
            let target = problem.options[request][random.below(problem.options[request].count)]
            let to = Int(target.lane)
            guard to != from else { return }
            let unit = Int(target.lo) + random.below(Int(target.hi) - Int(target.lo) + 1)
            let stretchThere = stretch(state, lane: to, around: unit, count: size - 1)
            there = (to, stretchThere.members, stretchThere.range)
            fromMembers = fromMembers.filter { $0 != request }
            toMembers = stretchThere.members + [request]
            if random.below(2) == 0, let back = stretchThere.members.first(where: { other in
                problem.options[other].contains { Int($0.lane) == from } }) {
                toMembers = toMembers.filter { $0 != back }
                fromMembers.append(back)
            }
        }
        var removed: [Removed] = []
        for member in here.members + (there?.members ?? []) {
            let value = Int(state.value[member])
            let (optionIndex, start) = state.unassign(member)
            removed.append((member, optionIndex, start, value))
        }
        let oldValue = removed.reduce(0) { $0 + $1.value }
        if let fromArrangement = bestArrangement(state, lane: from, requests: fromMembers, within: here.range),
           let toArrangement = there.map({ bestArrangement(state, lane: $0.lane, requests: toMembers, within: $0.range) })
               ?? (0, []),
           fromArrangement.value + toArrangement.value > oldValue {
            for placement in fromArrangement.placements + toArrangement.placements {
                state.assign(placement.request, optionIndex: placement.optionIndex, start: placement.start)
            }
            return
        }
        putBack(&state, placed: [], removed: removed)
    }

    /// The most valuable placement of all of `requests` on `lane` (whose free units are taken as they are now), or
    /// `nil` when they cannot all be placed there or are more than `laneOptimumMembersMax`.
    func bestArrangement(_ state: SearchState, lane: Int, requests: [Int], within range: Range<Int>? = nil)
        -> (value: Int, placements: [Placement])? {
        guard requests.count <= Self.laneOptimumMembersMax,
              requests.allSatisfy({ problem.options[$0].contains { Int($0.lane) == lane } }) else { return nil }
        let table = LaneTable(state, problem, lane: lane, requests: requests, within: range)
        let full = (1 << requests.count) - 1
        guard let value = table.value(full) else { return nil }
        return (value, table.placements(full))
    }
}

/// For every subset of a few requests, the most value of placing exactly that subset on one lane (within a range of
/// it, on the units free now), and the placements that give it: a dynamic programme over time and the subset placed,
/// `2^count × length × count` steps.
struct LaneTable {
    let requests: [Int]
    private let offset: Int
    private let length: Int
    private let subsets: Int
    private var units: [Int]
    /// For each request and start (range-relative): the option index of the best option there, -1 where none fits.
    private var startOption: [[Int16]]
    /// best[t × subsets + mask]: the most value with the requests in `mask` placed, all ending by unit t.
    private var best: [Int32]
    /// choice[t × subsets + mask]: the request that ends at t in that arrangement (-1: unit t − 1 is idle).
    private var choice: [Int8]

    init(_ state: SearchState, _ problem: Problem, lane: Int, requests: [Int], within range: Range<Int>? = nil) {
        precondition(requests.count < Int8.max, "a subset's members are counted in Int8")
        let range = range ?? 0..<Int(problem.laneLength[lane])
        let count = requests.count
        self.requests = requests
        offset = range.lowerBound
        length = range.count
        subsets = 1 << count
        units = [Int](repeating: 0, count: count)
        var startValue = [[Int32]](repeating: [Int32](repeating: Int32.min, count: length), count: count)
        startOption = [[Int16]](repeating: [Int16](repeating: -1, count: length), count: count)
        for (index, request) in requests.enumerated() {
            for (optionIndex, option) in problem.options[request].enumerated() where Int(option.lane) == lane {
                units[index] = Int(option.units)
                let first = max(Int(option.lo), offset), last = min(Int(option.hi), range.upperBound - Int(option.units))
                guard first <= last else { continue }
                for start in first...last {
                    let value = Int32(problem.value(option, start: start))
                    if value > startValue[index][start - offset], state.isFree(lane: lane, start: start, units: Int(option.units)) {
                        startValue[index][start - offset] = value
                        startOption[index][start - offset] = Int16(optionIndex)
                    }
                }
            }
        }
        best = [Int32](repeating: Int32.min, count: (length + 1) * subsets)
        choice = [Int8](repeating: -1, count: (length + 1) * subsets)
        best[0] = 0
        for time in 0..<length {
            for mask in 0..<subsets {
                let here = best[time * subsets + mask]
                guard here != Int32.min else { continue }
                let idle = (time + 1) * subsets + mask
                if here > best[idle] {
                    best[idle] = here
                    choice[idle] = -1
                }
                for index in 0..<count where mask & (1 << index) == 0 {
                    let value = startValue[index][time]
                    guard value != Int32.min else { continue }
                    let cell = (time + units[index]) * subsets + (mask | 1 << index)
                    if here + value > best[cell] {
                        best[cell] = here + value
                        choice[cell] = Int8(index)
                    }
                }
            }
        }
    }

    /// The most value of placing exactly the requests in `mask` (bit i: `requests[i]`), or `nil` if they do not fit.
    func value(_ mask: Int) -> Int? {
        let value = best[length * subsets + mask]
        return value == Int32.min ? nil : Int(value)
    }

    /// Where the requests of `mask` go in the arrangement `value(mask)` counts; `mask` must fit.
    func placements(_ mask: Int) -> [Solver.Placement] {
        var time = length, mask = mask
        var placements: [Solver.Placement] = []
        while mask != 0 {
            let index = Int(choice[time * subsets + mask])
            if index < 0 {
                time -= 1
                continue
            }
            time -= units[index]
            mask &= ~(1 << index)
            placements.append((requests[index], Int(startOption[index][time]), offset + time))
        }
        return placements
    }
}
