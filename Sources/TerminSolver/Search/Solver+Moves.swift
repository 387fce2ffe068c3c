import TerminCore
/// The search's moves: rebuilding a region (run by run with a knapsack, or request by request), resequencing
/// desks shortest first, lifting a request into a more valuable place, and arranging stretches of desks exactly
/// (`Solver+LaneOptimum`).
extension Solver {
    /// One move: mostly a large-neighbourhood move (empty a region, refill it); sometimes a polish of one request, a
    /// resequence, a lift, an exact stretch or an exchange between two stretches.
    func improve(_ state: inout SearchState, region: inout RegionMarks, random: inout SeededRandom) {
        guard !problem.groups.isEmpty else { return }
        switch random.below(10) {
        case 8:
            exactStretch(&state, random: &random)
            return
        case 9:
            exchange(&state, random: &random)
            return
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
    /// remaining requests that fits it (a 0/1 knapsack over its length; shorter, then scarcer requests win ties), then places
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
                    let flexibility = min(9, problem.options[request].count)
                    items.append((request, poolIndex, optionIndex, units, Int(option.base) * 1_000 - units * 10 - flexibility))
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
        var complete = false
        if state.isFree(lane: lane, start: target.start, units: Int(option.units)) {
            state.assign(request, optionIndex: target.optionIndex, start: target.start)
            placed.append(request)
            complete = placeAll(&state, blockers, depth: 1, placed: &placed, removed: &removed, random: &random)
        }
        if complete && state.objective >= before { return }
        putBack(&state, placed: placed, removed: removed)
    }

    /// Places each of `requests` (taken out by a lift) at its most valuable free place; where there is none and
    /// `depth` is left, at a random place of its options held by at most two others (never ones this chain placed),
    /// which are then placed in turn. Returns whether all were placed; `placed` and `removed` record it for undo.
    func placeAll(_ state: inout SearchState, _ requests: [Int], depth: Int, placed: inout [Int], removed: inout [Removed],
                  random: inout SeededRandom) -> Bool {
        for request in requests.sorted(by: { problem.options[$0][0].units > problem.options[$1][0].units }) {
            if let placement = state.bestPlacement(request, preference: .value, allowed: { _ in true }) {
                state.assign(request, optionIndex: placement.optionIndex, start: placement.start)
                placed.append(request)
                continue
            }
            guard depth > 0, !problem.options[request].isEmpty else { return false }
            let optionIndex = random.below(problem.options[request].count)
            let option = problem.options[request][optionIndex]
            let start = Int(option.lo) + random.below(Int(option.hi) - Int(option.lo) + 1)
            let lane = Int(option.lane), end = start + Int(option.units)
            let chain = Set(placed)
            let blockers = state.laneMembers[lane].map(Int.init).filter { other in
                let otherStart = Int(state.start[other])
                let otherEnd = otherStart + Int(problem.options[other][Int(state.option[other])].units)
                return otherStart < end && start < otherEnd
            }
            guard blockers.count <= 2, !blockers.contains(where: chain.contains) else { return false }
            for other in blockers {
                let value = Int(state.value[other])
                let (otherOption, otherStart) = state.unassign(other)
                removed.append((other, otherOption, otherStart, value))
            }
            guard state.isFree(lane: lane, start: start, units: Int(option.units)) else { return false }
            state.assign(request, optionIndex: optionIndex, start: start)
            placed.append(request)
            guard placeAll(&state, blockers, depth: depth - 1, placed: &placed, removed: &removed, random: &random) else {
                return false
            }
        }
        return true
    }
}
