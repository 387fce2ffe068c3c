import TerminCore
/// Polishing the delays and offices of an allocation without changing who is served.
extension Solver {
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
    /// valuable free places, and swaps neighbours on a desk so that the shorter goes first; with `exactLanes` also
    /// arranges every small desk exactly and sweeps the exchange over every pair of desks of each office interval;
    /// until nothing improves (at most `passesMax` passes) or the time is up.
    func polishAll(_ state: inout SearchState, passesMax: Int = 16, exactLanes: Bool = false, until seconds: Double = .infinity,
                   elapsed: () -> Double = { 0 }) {
        for _ in 0..<passesMax {
            let before = state.objective
            for request in 0..<problem.requestCount where state.isServed(request) {
                if request % 1024 == 0 && elapsed() >= seconds { return }
                moveToBestPlace(&state, request)
            }
            for lane in 0..<problem.laneCount { swapNeighbours(&state, lane: lane) }
            for lane in 0..<problem.laneCount where exactLanes {
                if lane % 64 == 0 && elapsed() >= seconds { return }
                optimiseLane(&state, lane: lane)
            }
            if exactLanes { exchangeAll(&state, until: seconds, elapsed: elapsed) }
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
}
