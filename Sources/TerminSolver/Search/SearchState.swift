/// An allocation under construction on a `Problem`: lane occupancy, each request's placement, and the objective,
/// kept in step by `assign` and `unassign`.
struct SearchState: Sendable {
    let problem: Problem
    private(set) var words: [UInt64]
    /// Index into the request's options, or -1 when unserved.
    private(set) var option: [Int32]
    private(set) var start: [Int16]
    private(set) var value: [Int32]
    private(set) var laneMembers: [[Int32]]
    private(set) var objective = 0
    private(set) var served = 0
    /// Each lane's free runs as last read, until its words change (`runsValid`).
    private var runsCache: [[(from: Int, to: Int)]]
    private var runsValid: [Bool]

    init(_ problem: Problem) {
        self.problem = problem
        words = problem.initialWords
        option = Array(repeating: -1, count: problem.requestCount)
        start = Array(repeating: 0, count: problem.requestCount)
        value = Array(repeating: 0, count: problem.requestCount)
        laneMembers = Array(repeating: [], count: problem.laneCount)
        runsCache = Array(repeating: [], count: problem.laneCount)
        runsValid = Array(repeating: false, count: problem.laneCount)
    }

    func isServed(_ request: Int) -> Bool { option[request] >= 0 }

    /// The words a run of units covers: each word's index in `words` and the mask of the run's bits in it.
    private func masks(lane: Int, start: Int, units: Int) -> [(index: Int, mask: UInt64)] {
        let offset = Int(problem.laneWordOffset[lane])
        var masks: [(index: Int, mask: UInt64)] = []
        var unit = start
        let end = start + units
        while unit < end {
            let word = unit / 64, bit = unit % 64
            let count = min(64 - bit, end - unit)
            masks.append((offset + word, (count == 64 ? ~UInt64(0) : ((UInt64(1) << UInt64(count)) - 1)) << UInt64(bit)))
            unit += count
        }
        return masks
    }

    /// Whether units `[start, start + units)` of `lane` are free.
    func isFree(lane: Int, start: Int, units: Int) -> Bool {
        masks(lane: lane, start: start, units: units).allSatisfy { words[$0.index] & $0.mask == 0 }
    }

    private mutating func mark(lane: Int, start: Int, units: Int, taken: Bool) {
        runsValid[lane] = false
        for (index, mask) in masks(lane: lane, start: start, units: units) {
            if taken {
                precondition(words[index] & mask == 0, "a unit is given once")
                words[index] |= mask
            } else {
                assert(words[index] & mask == mask, "only taken units are freed")
                words[index] &= ~mask
            }
        }
    }

    /// Places `request` by its option `optionIndex` at lane-relative `start`.
    mutating func assign(_ request: Int, optionIndex: Int, start: Int) {
        precondition(option[request] < 0, "a request is placed once")
        let chosen = problem.options[request][optionIndex]
        precondition(start >= Int(chosen.lo) && start <= Int(chosen.hi), "a start stays inside its option")
        mark(lane: Int(chosen.lane), start: start, units: Int(chosen.units), taken: true)
        option[request] = Int32(optionIndex)
        self.start[request] = Int16(start)
        let placed = problem.value(chosen, start: start)
        value[request] = Int32(placed)
        objective += placed
        served += 1
        laneMembers[Int(chosen.lane)].append(Int32(request))
    }

    /// Takes `request` out; returns where it was.
    @discardableResult
    mutating func unassign(_ request: Int) -> (optionIndex: Int, start: Int) {
        let optionIndex = Int(option[request])
        precondition(optionIndex >= 0, "only a placed request is taken out")
        let chosen = problem.options[request][optionIndex]
        mark(lane: Int(chosen.lane), start: Int(start[request]), units: Int(chosen.units), taken: false)
        objective -= Int(value[request])
        served -= 1
        value[request] = 0
        option[request] = -1
        let lane = Int(chosen.lane)
        if let position = laneMembers[lane].firstIndex(of: Int32(request)) { laneMembers[lane].swapAt(position, laneMembers[lane].count - 1) }
        laneMembers[lane].removeLast()
        return (optionIndex, Int(start[request]))
    }

    /// The free runs `[from, to)` of a lane, cached until the lane changes.
    mutating func freeRuns(lane: Int) -> [(from: Int, to: Int)] {
        if !runsValid[lane] {
            runsCache[lane] = readRuns(lane: lane)
            runsValid[lane] = true
        }
        return runsCache[lane]
    }

    /// The free runs `[from, to)` of a lane, read from its words (padding past the end is taken).
    func readRuns(lane: Int) -> [(from: Int, to: Int)] {
        var runs: [(from: Int, to: Int)] = []
        let offset = Int(problem.laneWordOffset[lane]), wordCount = (Int(problem.laneLength[lane]) + 63) / 64
        var runStart = -1
        for index in 0..<wordCount {
            var free = ~words[offset + index]
            var position = 0
            while position < 64 {
                if runStart < 0 {
                    // Skip taken units to the next free one.
                    if free == 0 { break }
                    let skip = free.trailingZeroBitCount
                    position += skip
                    free >>= UInt64(skip)
                    runStart = index * 64 + position
                } else {
                    // Skip free units to the next taken one.
                    let taken = ~free
                    if taken == 0 || position + taken.trailingZeroBitCount >= 64 { break }
                    let skip = taken.trailingZeroBitCount
                    position += skip
                    free >>= UInt64(skip)
                    runs.append((runStart, index * 64 + position))
                    runStart = -1
                }
            }
        }
        if runStart >= 0 { runs.append((runStart, wordCount * 64)) }
        // A run that reaches the padding ends at the lane's length (padding bits are taken, so this only trims).
        let length = Int(problem.laneLength[lane])
        return runs.compactMap { $0.from < length ? ($0.from, min($0.to, length)) : nil }
    }

    /// How `bestPlacement` ranks the places a request could take.
    enum Preference {
        /// Packing: the office and priority part of the value, then the tightest fit (the free run it leaves least
        /// of), then the smallest delay, then a start against an edge of the run. Serving more counts far more
        /// than an hour's delay, and fragments lose whole appointments.
        case pack
        /// The whole value (delay included), then the tightest fit.
        case value
    }

    /// The best place for `request` among the lanes `allowed` accepts, by `preference`.
    mutating func bestPlacement(_ request: Int, preference: Preference = .pack, allowed: (Int) -> Bool) -> (optionIndex: Int, start: Int)? {
        var best: (optionIndex: Int, start: Int)?
        var bestKey = (Int.min, Int.min, Int.min)
        var runsOfLane: (lane: Int, runs: [(from: Int, to: Int)]) = (-1, [])
        for (optionIndex, candidate) in problem.options[request].enumerated() {
            let lane = Int(candidate.lane)
            guard allowed(lane) else { continue }
            if runsOfLane.lane != lane { runsOfLane = (lane, freeRuns(lane: lane)) }
            let units = Int(candidate.units), lo = Int(candidate.lo), hi = Int(candidate.hi)
            for run in runsOfLane.runs where run.to - run.from >= units {
                let first = max(run.from, lo), last = min(run.to - units, hi)
                guard first <= last else { continue }
                let waste = run.to - run.from - units
                for start in first == last ? [first] : [first, last] {
                    let tight = start == run.from || start + units == run.to ? 1 : 0
                    let value = problem.value(candidate, start: start)
                    let key = switch preference {
                    case .pack: (Int(candidate.base), -waste * 2 + tight, value)
                    case .value: (value, -waste * 2 + tight, 0)
                    }
                    if key > bestKey {
                        bestKey = key
                        best = (optionIndex, start)
                    }
                }
            }
        }
        return best
    }
}
