import Dispatch

/// Allocates many requests at once: a construction that places the scarcest requests first, then a
/// large-neighbourhood search that empties one office's opening interval (sometimes two offices') and refills it
/// from what was there and what is unserved, keeping the change when the objective does not fall. Deterministic for
/// a seed and an iteration budget; a time limit stops it wherever it got to.
public struct Solver: Sendable {
    /// How long and how far to search.
    public struct Limits: Sendable {
        /// Wall-clock budget, in seconds.
        public var seconds: Double = 10
        /// Most improvement iterations; `nil`: until the time is up.
        public var iterations: Int?
        public init(seconds: Double = 10, iterations: Int? = nil) {
            self.seconds = seconds
            self.iterations = iterations
        }
    }

    /// What a run found.
    public struct Result: Sendable {
        public let allocation: Allocation
        public let objective: Int
        public let served: Int
        public let requests: Int
        /// An upper bound on the objective of any allocation (`UpperBound`).
        public let bound: Int
        /// The objective after the construction, before improvement.
        public let constructed: Int
        public let iterations: Int
        public let seconds: Double
        /// `(bound − objective) / bound`.
        public var gap: Double { bound > 0 ? Double(bound - objective) / Double(bound) : 0 }
    }

    /// A progress report: seconds so far, best objective, served.
    public typealias Progress = @Sendable (_ seconds: Double, _ objective: Int, _ served: Int) -> Void

    public let instance: SolverInstance
    let problem: Problem

    public init(_ instance: SolverInstance) {
        self.instance = instance
        problem = Problem(instance)
    }

    /// Runs the search. `progress` is called about once a second.
    public func solve(limits: Limits = Limits(), seed: UInt64 = 1, progress: Progress? = nil) -> Result {
        let began = DispatchTime.now().uptimeNanoseconds
        let elapsed = { Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 }
        var random = SeededRandom(seed: seed)
        var state = SearchState(problem)
        construct(&state, until: limits.seconds, elapsed: elapsed)
        let constructed = state.objective
        var best = state
        var iterations = 0
        var nextReport = 1.0
        var nextPolish = Self.polishEverySeconds
        // The last part of the time is kept for polishing the best allocation's delays.
        let searchSeconds = limits.seconds * (1 - Self.finalPolishShare)
        var region = RegionMarks(laneCount: problem.laneCount)
        let iterationsMax = limits.iterations ?? Int.max
        while iterations < iterationsMax {
            do {
                let now = elapsed()
                if now >= searchSeconds { break }
                if now >= nextPolish {
                    // The search judges moves by who is served where; delays are polished on a copy now and then,
                    // at most a fifth of the time.
                    var polished = state
                    polishAll(&polished, until: limits.seconds, elapsed: elapsed)
                    if polished.objective > best.objective { best = polished }
                    let after = elapsed()
                    nextPolish = after + max(Self.polishEverySeconds, 4 * (after - now))
                }
                if now >= nextReport {
                    progress?(now, best.objective, best.served)
                    nextReport = now.rounded(.down) + 1
                }
            }
            iterations += 1
            improve(&state, region: &region, random: &random)
            if state.objective > best.objective { best = state }
        }
        polishAll(&best, until: limits.seconds, elapsed: elapsed)
        let allocation = Self.allocation(best, problem)
        return Result(allocation: allocation, objective: best.objective, served: best.served,
                      requests: problem.requestCount, bound: UpperBound.compute(problem), constructed: constructed,
                      iterations: iterations, seconds: elapsed())
    }

    /// Places requests one by one, the most urgent and the scarcest (fewest lanes) first, longer before shorter;
    /// stops placing when `elapsed()` reaches `seconds` (the rest stays unserved).
    func construct(_ state: inout SearchState, until seconds: Double = .infinity, elapsed: () -> Double = { 0 }) {
        let keys = (0..<problem.requestCount).map { request -> (Int, Int, Int, Int) in
            var lanes = Set<Int32>()
            for option in problem.options[request] { lanes.insert(option.lane) }
            return (-Int(problem.priority[request]), lanes.count, -Int(problem.options[request].first?.units ?? 0), request)
        }
        let order = (0..<problem.requestCount).sorted { keys[$0] < keys[$1] }
        for (index, request) in order.enumerated() where !problem.options[request].isEmpty {
            if index % 256 == 0 && elapsed() >= seconds { return }
            if let placement = state.bestPlacement(request, allowed: { _ in true }) {
                state.assign(request, optionIndex: placement.optionIndex, start: placement.start)
            }
        }
    }

    /// Which lanes the current move rebuilds (a stamp per lane, so marking is O(region)).
    struct RegionMarks {
        var stamp: [Int32]
        var current: Int32 = 0
        init(laneCount: Int) { stamp = Array(repeating: 0, count: laneCount) }
        mutating func begin() { current += 1 }
        mutating func add(_ lane: Int) { stamp[lane] = current }
        func contains(_ lane: Int) -> Bool { stamp[lane] == current }
    }

    /// Share of the time limit kept for the final polish.
    static let finalPolishShare = 0.15

    /// How often the current allocation is polished to compete for the best, in seconds.
    static let polishEverySeconds = 0.2

    /// Most of a lane's requests looked at for the unserved of a rebuilt region.
    static let laneSampleMax = 512

    /// Most unserved requests offered to one rebuilt region.
    static let poolUnservedMax = 160

    /// One move: mostly a large-neighbourhood move (empty a region, refill it); sometimes a polish of one request.
    func improve(_ state: inout SearchState, region: inout RegionMarks, random: inout SeededRandom) {
        guard !problem.groups.isEmpty else { return }
        switch random.below(8) {
        case 0:
            polish(&state, random: &random)
            return
        case 1:
            resequence(&state, region: &region, random: &random)
            return
        case 2:
            lift(&state, random: &random)
            return
        default:
            break
        }
        region.begin()
        var lanes: [Int] = []
        func add(_ lane: Int) {
            guard !region.contains(lane) else { return }
            region.add(lane)
            lanes.append(lane)
        }
        let group = problem.groups[random.below(problem.groups.count)]
        // A few desks of one office's opening interval, or all of them; sometimes with lanes of another office or
        // day that a request links to.
        let kind = random.below(8)
        if kind < 5 {
            let count = min(group.count, 1 + random.below(3))
            for _ in 0..<count { add(Int(group[random.below(group.count)])) }
        } else {
            for lane in group { add(Int(lane)) }
        }
        if kind % 2 == 0, let lane = lanes.first, !problem.laneRequests[lane].isEmpty {
            let request = Int(problem.laneRequests[lane][random.below(problem.laneRequests[lane].count)])
            let linked = Int(problem.options[request][random.below(problem.options[request].count)].lane)
            let other = problem.groups[Int(problem.laneGroup[linked])]
            add(linked)
            if kind < 5 { add(Int(other[random.below(other.count)])) } else { for lane in other { add(Int(lane)) } }
        }
        rebuild(&state, lanes: lanes, region: region, random: &random)
    }

    /// Empties `lanes` and refills them from what they held and what is unserved; keeps the result unless fewer
    /// (or less urgent, or at less preferred offices) are served.
    func rebuild(_ state: inout SearchState, lanes: [Int], region: RegionMarks, random: inout SeededRandom) {
        let removed = takeOut(&state, lanes: lanes)
        let oldBase = removed.reduce(0) { $0 + Int(problem.options[$1.request][$1.optionIndex].base) }
        let oldValue = removed.reduce(0) { $0 + $1.value }
        var pool = removed.map(\.request)
        let removedSet = Set(pool)
        var unserved: [Int] = []
        var seen = Set<Int>()
        for lane in lanes {
            // All of a lane's requests where they are few; a random sample where they are many (month scale).
            let candidates = problem.laneRequests[lane]
            let sampled = candidates.count <= Self.laneSampleMax ? Array(candidates)
                : (0..<Self.laneSampleMax).map { _ in candidates[random.below(candidates.count)] }
            for request in sampled where !state.isServed(Int(request)) && !removedSet.contains(Int(request))
                && seen.insert(Int(request)).inserted {
                unserved.append(Int(request))
            }
        }
        unserved.sort()
        if unserved.count > Self.poolUnservedMax {
            unserved.shuffle(using: &random)
            unserved.removeLast(unserved.count - Self.poolUnservedMax)
        }
        pool += unserved
        // Refill: run by run with a knapsack, or request by request in one of three orders.
        let strategy = random.below(5)
        let placed = strategy >= 3 ? refillRunByRun(&state, pool: pool, lanes: lanes, random: &random)
                                   : refillRequestByRequest(&state, pool: pool, region: region, strategy: strategy, random: &random)
        let newBase = placed.reduce(0) { $0 + Int(problem.options[$1][Int(state.option[$1])].base) }
        let newValue = placed.reduce(0) { $0 + Int(state.value[$1]) }
        // Judged by who is served where (priority and office) first: an arrangement that serves as many is kept
        // when its delays are no worse, and one time in four even when they are, so the search can wander across
        // equally good packings; delays are polished on copies.
        if newBase > oldBase || (newBase == oldBase && (newValue >= oldValue || random.below(4) == 0)) { return }
        // Worse: put everything back as it was.
        putBack(&state, placed: placed, removed: removed)
    }

    /// A request taken out of its place by a move, and where it was.
    typealias Removed = (request: Int, optionIndex: Int, start: Int, value: Int)

    /// Takes every request out of `lanes`.
    func takeOut(_ state: inout SearchState, lanes: [Int]) -> [Removed] {
        var removed: [Removed] = []
        for lane in lanes {
            for request in state.laneMembers[lane].map(Int.init) {
                let value = Int(state.value[request])
                let (optionIndex, start) = state.unassign(request)
                removed.append((request, optionIndex, start, value))
            }
        }
        return removed
    }

    /// Undoes a move: takes out what it placed and puts back what it took out, as it was.
    func putBack(_ state: inout SearchState, placed: [Int], removed: [Removed]) {
        for request in placed { state.unassign(request) }
        for entry in removed { state.assign(entry.request, optionIndex: entry.optionIndex, start: entry.start) }
    }

    /// Places `pool` one request at a time at its best place in the region: short first (serve the most), long
    /// first (pack tightly) or in random order, urgent ones always before the rest.
    func refillRequestByRequest(_ state: inout SearchState, pool: [Int], region: RegionMarks, strategy: Int,
                                random: inout SeededRandom) -> [Int] {
        let keys = pool.map { request -> (Int, Int, UInt64) in
            let units = Int(problem.options[request].first?.units ?? 0)
            let noise = random.next()
            switch strategy {
            case 0: return (-Int(problem.priority[request]), units, noise)
            case 1: return (-Int(problem.priority[request]), -units, noise)
            default: return (-Int(problem.priority[request]), 0, noise)
            }
        }
        var placed: [Int] = []
        for request in pool.indices.sorted(by: { keys[$0] < keys[$1] }).map({ pool[$0] }) {
            guard let placement = state.bestPlacement(request, allowed: { region.contains($0) }) else { continue }
            state.assign(request, optionIndex: placement.optionIndex, start: placement.start)
            placed.append(request)
        }
        return placed
    }

    /// Fills the region's free runs one at a time, in random order, each with the most valuable set of the
    /// remaining requests that fits it (a 0/1 knapsack over its length; scarcer requests win ties), then places
    /// that set in the run by latest allowed start.
    func refillRunByRun(_ state: inout SearchState, pool: [Int], lanes: [Int], random: inout SeededRandom) -> [Int] {
        var runs: [(lane: Int, from: Int, to: Int)] = []
        for lane in lanes { for run in state.freeRuns(lane: lane) { runs.append((lane, run.from, run.to)) } }
        runs.shuffle(using: &random)
        var left = pool
        var placed: [Int] = []
        for run in runs where !left.isEmpty {
            let capacity = run.to - run.from
            // Candidates: requests with an option on this lane whose starts meet the run.
            var items: [(request: Int, poolIndex: Int, optionIndex: Int, units: Int, weight: Int)] = []
            for (poolIndex, request) in left.enumerated() {
                for (optionIndex, option) in problem.options[request].enumerated() where Int(option.lane) == run.lane {
                    let units = Int(option.units)
                    guard units <= capacity, Int(option.lo) <= run.to - units, Int(option.hi) >= run.from else { continue }
                    let flexibility = min(99, problem.options[request].count)
                    items.append((request, poolIndex, optionIndex, units, Int(option.base) * 100 - flexibility))
                    break
                }
            }
            guard !items.isEmpty else { continue }
            // best[c]: the best weight within capacity c; take[i][c]: item i taken at capacity c.
            var best = [Int](repeating: 0, count: capacity + 1)
            var take = [[Bool]](repeating: [Bool](repeating: false, count: capacity + 1), count: items.count)
            for (index, item) in items.enumerated() {
                var c = capacity
                while c >= item.units {
                    let with = best[c - item.units] + item.weight
                    if with > best[c] {
                        best[c] = with
                        take[index][c] = true
                    }
                    c -= 1
                }
            }
            var chosen: [Int] = []
            var c = capacity
            for index in stride(from: items.count - 1, through: 0, by: -1) where take[index][c] {
                chosen.append(index)
                c -= items[index].units
            }
            // Place the chosen by latest allowed start, shorter first among equals (more starts early, less delay);
            // one that no longer fits stays in the pool.
            chosen.sort {
                (problem.options[items[$0].request][items[$0].optionIndex].hi, items[$0].units)
                    < (problem.options[items[$1].request][items[$1].optionIndex].hi, items[$1].units)
            }
            var cursor = run.from
            var used = Set<Int>()
            for index in chosen {
                let item = items[index]
                let option = problem.options[item.request][item.optionIndex]
                let start = max(cursor, Int(option.lo))
                guard start <= Int(option.hi), start + item.units <= run.to, state.isFree(lane: run.lane, start: start, units: item.units)
                else { continue }
                state.assign(item.request, optionIndex: item.optionIndex, start: start)
                cursor = start + item.units
                placed.append(item.request)
                used.insert(item.poolIndex)
            }
            if !used.isEmpty { left = left.enumerated().filter { !used.contains($0.offset) }.map(\.element) }
        }
        return placed
    }

    /// Re-places the requests of two or three desks of one office's opening interval, shortest first, each at its most
    /// valuable place among them: a list schedule that puts more starts early. Kept only if every one is placed again
    /// and the delays are no worse.
    func resequence(_ state: inout SearchState, region: inout RegionMarks, random: inout SeededRandom) {
        let group = problem.groups[random.below(problem.groups.count)]
        region.begin()
        var lanes: [Int] = []
        for _ in 0..<min(group.count, 2 + random.below(2)) {
            let lane = Int(group[random.below(group.count)])
            if !region.contains(lane) {
                region.add(lane)
                lanes.append(lane)
            }
        }
        // Half the time, a desk of another interval (another day, another office) that one of them could use.
        if random.below(2) == 0, let lane = lanes.first, let member = state.laneMembers[lane].first {
            let options = problem.options[Int(member)]
            let linked = Int(options[random.below(options.count)].lane)
            if !region.contains(linked) {
                region.add(linked)
                lanes.append(linked)
            }
        }
        guard lanes.reduce(0, { $0 + state.laneMembers[$1].count }) > 1 else { return }
        let removed = takeOut(&state, lanes: lanes)
        let oldValue = removed.reduce(0) { $0 + $1.value }
        let noise = removed.map { _ in random.next() }
        let order = removed.indices.sorted {
            (Int(problem.options[removed[$0].request][removed[$0].optionIndex].units), noise[$0])
                < (Int(problem.options[removed[$1].request][removed[$1].optionIndex].units), noise[$1])
        }
        var placed: [Int] = []
        var newValue = 0
        for index in order {
            let request = removed[index].request
            guard let placement = state.bestPlacement(request, preference: .value, allowed: { region.contains($0) }) else { break }
            state.assign(request, optionIndex: placement.optionIndex, start: placement.start)
            newValue += Int(state.value[request])
            placed.append(request)
        }
        if placed.count == removed.count && newValue >= oldValue { return }
        putBack(&state, placed: placed, removed: removed)
    }

    /// An ejection chain of depth one: a served request takes a more valuable place (an earlier hour, a preferred
    /// office) that others hold, and those others find places elsewhere. Kept only if all of them are placed again and
    /// the objective does not fall.
    func lift(_ state: inout SearchState, random: inout SeededRandom) {
        let request = random.below(problem.requestCount)
        guard state.isServed(request) else { return }
        let value = Int(state.value[request])
        // A random option that beats the current place: at its earliest start, or at a random one.
        var target: (optionIndex: Int, start: Int, value: Int)?
        let earliest = random.below(2) == 0
        for _ in 0..<8 {
            let optionIndex = random.below(problem.options[request].count)
            let option = problem.options[request][optionIndex]
            let start = earliest ? Int(option.lo) : Int(option.lo) + random.below(Int(option.hi) - Int(option.lo) + 1)
            let candidate = problem.value(option, start: start)
            if candidate > value {
                target = (optionIndex, start, candidate)
                break
            }
        }
        guard let target else { return }
        let option = problem.options[request][target.optionIndex]
        let lane = Int(option.lane), end = target.start + Int(option.units)
        let blockers = state.laneMembers[lane].map(Int.init).filter { other in
            guard other != request else { return false }
            let otherOption = problem.options[other][Int(state.option[other])]
            let otherStart = Int(state.start[other])
            return otherStart < end && target.start < otherStart + Int(otherOption.units)
        }
        guard blockers.count <= 3 else { return }
        let before = state.objective
        var removed: [Removed] = []
        for other in [request] + blockers {
            let otherValue = Int(state.value[other])
            let (optionIndex, start) = state.unassign(other)
            removed.append((other, optionIndex, start, otherValue))
        }
        var placed: [Int] = []
        if state.isFree(lane: lane, start: target.start, units: Int(option.units)) {
            state.assign(request, optionIndex: target.optionIndex, start: target.start)
            placed.append(request)
            for other in blockers.sorted(by: { problem.options[$0][0].units > problem.options[$1][0].units }) {
                guard let placement = state.bestPlacement(other, preference: .value, allowed: { _ in true }) else { break }
                state.assign(other, optionIndex: placement.optionIndex, start: placement.start)
                placed.append(other)
            }
        }
        if placed.count == removed.count && state.objective >= before { return }
        putBack(&state, placed: placed, removed: removed)
    }

    /// Moves one random served request to its most valuable free place.
    func polish(_ state: inout SearchState, random: inout SeededRandom) {
        let request = random.below(problem.requestCount)
        if state.isServed(request) { moveToBestPlace(&state, request) }
    }

    /// Moves a served request to its most valuable free place (an earlier time, a preferred office), if that gains.
    func moveToBestPlace(_ state: inout SearchState, _ request: Int) {
        let before = Int(state.value[request])
        let (optionIndex, start) = state.unassign(request)
        if let placement = state.bestPlacement(request, preference: .value, allowed: { _ in true }) {
            state.assign(request, optionIndex: placement.optionIndex, start: placement.start)
            if Int(state.value[request]) >= before { return }
            state.unassign(request)
        }
        state.assign(request, optionIndex: optionIndex, start: start)
    }

    /// Polishes the delays and offices of an allocation that serves what it serves: moves single requests to more
    /// valuable free places, and swaps neighbours on a desk so that the shorter goes first, until nothing improves
    /// (at most `passesMax` passes).
    func polishAll(_ state: inout SearchState, passesMax: Int = 16, until seconds: Double = .infinity,
                   elapsed: () -> Double = { 0 }) {
        for _ in 0..<passesMax {
            let before = state.objective
            for request in 0..<problem.requestCount where state.isServed(request) {
                if request % 1024 == 0 && elapsed() >= seconds { return }
                moveToBestPlace(&state, request)
            }
            for lane in 0..<problem.laneCount { swapNeighbours(&state, lane: lane) }
            if state.objective == before { return }
        }
    }

    /// Swaps adjacent requests on a lane where that gains value (the second moves to the first's start, the first
    /// right after it), within their options' ranges.
    func swapNeighbours(_ state: inout SearchState, lane: Int) {
        let members = state.laneMembers[lane].map(Int.init).sorted { state.start[$0] < state.start[$1] }
        guard members.count > 1 else { return }
        var order = members
        var index = 0
        while index + 1 < order.count {
            let first = order[index], second = order[index + 1]
            let firstOption = problem.options[first][Int(state.option[first])]
            let secondOption = problem.options[second][Int(state.option[second])]
            let firstStart = Int(state.start[first]), secondStart = Int(state.start[second])
            guard firstStart + Int(firstOption.units) == secondStart else {
                index += 1
                continue
            }
            let newSecondStart = firstStart, newFirstStart = firstStart + Int(secondOption.units)
            let valid = newSecondStart >= Int(secondOption.lo) && newSecondStart <= Int(secondOption.hi)
                && newFirstStart >= Int(firstOption.lo) && newFirstStart <= Int(firstOption.hi)
            let gain = valid ? problem.value(secondOption, start: newSecondStart) + problem.value(firstOption, start: newFirstStart)
                - Int(state.value[first]) - Int(state.value[second]) : 0
            if gain > 0 {
                let firstOptionIndex = Int(state.option[first]), secondOptionIndex = Int(state.option[second])
                state.unassign(first)
                state.unassign(second)
                state.assign(second, optionIndex: secondOptionIndex, start: newSecondStart)
                state.assign(first, optionIndex: firstOptionIndex, start: newFirstStart)
                order.swapAt(index, index + 1)
            }
            index += 1
        }
    }

    static func allocation(_ state: SearchState, _ problem: Problem) -> Allocation {
        var assignments: [Allocation.Assignment] = []
        for request in 0..<problem.requestCount where state.isServed(request) {
            let chosen = problem.options[request][Int(state.option[request])]
            let lane = Int(chosen.lane)
            assignments.append(.init(request: problem.instance.requests[request].id, desk: problem.deskID[Int(problem.laneDesk[lane])],
                                     start: problem.localMinute(lane: lane, start: Int(state.start[request]))))
        }
        return Allocation(assignments: assignments)
    }
}
