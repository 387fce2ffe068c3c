import Dispatch
import Synchronization
import TerminCore

/// Allocates many requests at once: a construction that places the scarcest requests first, then a
/// large-neighbourhood search that empties a few desks of an office's opening interval (or all of them, sometimes
/// with another office's or day's) and refills them from what they held and what is unserved, keeping the change
/// unless fewer, less urgent or less preferred requests are served; exact moves re-arrange stretches of desks and share
/// out two desks' stretches (`Solver+LaneOptimum`, `Solver+Exchange`); delays are polished on the side
/// (`Solver+Moves`, `Solver+Polish`). Deterministic for a seed and an iteration budget; a time limit stops it
/// wherever it got to.
public struct Solver: Sendable {
    /// How long and how far to search.
    public struct Limits: Sendable {
        /// Wall-clock budget, in seconds.
        public var seconds: Double = 10
        /// Most improvement iterations of each worker; `nil`: until the time is up.
        public var iterations: Int?
        /// Independent searches run side by side (worker `k` searches with seed `seed + k`); the best one's
        /// allocation is the result, the lowest worker winning ties.
        public var workers: Int
        public init(seconds: Double = 10, iterations: Int? = nil, workers: Int = 1) {
            precondition(workers >= 1, "at least one worker")
            self.seconds = seconds
            self.iterations = iterations
            self.workers = workers
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

    /// The requests that have at least one place they could take (an office of theirs open in one of their windows, on
    /// a qualified desk), whether or not it is free: those that compete for the instance's places.
    public var requestsWithOptions: Set<String> {
        Set(zip(instance.requests, problem.options).compactMap { $1.isEmpty ? nil : $0.id })
    }

    /// Runs the search on `limits.workers` threads of Dispatch's pool. `progress` is called about once a second
    /// with the best of all workers so far.
    public func solve(limits: Limits = Limits(), seed: UInt64 = 1, progress: Progress? = nil) -> Result {
        let began = DispatchTime.now().uptimeNanoseconds
        let elapsed: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 }
        let outcomes = Mutex<[Int: Search]>([:])
        let bestSoFar = Mutex<(objective: Int, served: Int)>((0, 0))
        DispatchQueue.concurrentPerform(iterations: limits.workers) { worker in
            let search = search(limits: limits, seed: seed &+ UInt64(worker), elapsed: elapsed) { seconds, objective, served in
                let best = bestSoFar.withLock { best in
                    if objective > best.objective { best = (objective, served) }
                    return best
                }
                if worker == 0 { progress?(seconds, best.objective, best.served) }
            }
            outcomes.withLock { $0[worker] = search }
        }
        let searches = outcomes.withLock { $0 }
        var winner = searches[0]!
        for worker in 1..<limits.workers where searches[worker]!.best.objective > winner.best.objective {
            winner = searches[worker]!
        }
        let best = winner.best
        return Result(allocation: Self.allocation(best, problem), objective: best.objective, served: best.served,
                      requests: problem.requestCount, bound: UpperBound.compute(problem), constructed: winner.constructed,
                      iterations: searches.values.reduce(0) { $0 + $1.iterations }, seconds: elapsed())
    }

    /// What one worker's search found.
    struct Search: Sendable {
        let best: SearchState
        let constructed: Int
        let iterations: Int
    }

    /// One worker's search: construction, then moves until the time or the iteration budget is spent, then a
    /// final polish of the best allocation seen.
    func search(limits: Limits, seed: UInt64, elapsed: () -> Double, progress: Progress) -> Search {
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
        // Without requests there is nothing to move (and the moves draw a request at random).
        let iterationsMax = problem.requestCount == 0 ? 0 : limits.iterations ?? Int.max
        while iterations < iterationsMax {
            let now = elapsed()
            if now >= searchSeconds { break }
            // With an iteration budget, polishing follows the moves (so a seed reproduces the run); otherwise the
            // clock, at most a fifth of the time.
            if limits.iterations == nil ? now >= nextPolish : iterations > 0 && iterations % Self.polishEveryMoves == 0 {
                // The search judges moves by who is served where; delays are polished on a copy now and then.
                var polished = state
                polishAll(&polished, exactLanes: true, until: min(limits.seconds, now + Self.polishShareMax * limits.seconds),
                          elapsed: elapsed)
                if polished.objective > best.objective { best = polished }
                let after = elapsed()
                nextPolish = after + max(Self.polishEverySeconds, 4 * (after - now))
            }
            if now >= nextReport {
                progress(now, best.objective, best.served)
                nextReport = now.rounded(.down) + 1
            }
            iterations += 1
            improve(&state, region: &region, random: &random)
            if state.objective > best.objective { best = state }
        }
        polishAll(&best, exactLanes: true, until: limits.seconds, elapsed: elapsed)
        return Search(best: best, constructed: constructed, iterations: iterations)
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

    /// With an iteration budget, how many moves apart the current allocation is polished.
    static let polishEveryMoves = 2_048

    /// Share of the time limit kept for the final polish.
    static let finalPolishShare = 0.15

    /// Most of the time limit one polish of the current allocation may take.
    static let polishShareMax = 0.1

    /// How often the current allocation is polished to compete for the best, in seconds.
    static let polishEverySeconds = 0.2

    /// Most of a lane's requests looked at for the unserved of a rebuilt region.
    static let laneSampleMax = 512

    /// Most unserved requests offered to one rebuilt region.
    static let poolUnservedMax = 160

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
