import TerminCore
@testable import TerminSolver

/// The reference beside the solver: tiny random instances and the exact optimum by trying every allocation.
enum Exhaustive {
    /// One office, two desks (one accessible, one qualified for both services), an opening of 40 minutes with a taken
    /// block, and five or six requests of 10 to 25 minutes, some urgent, some needing the accessible desk, with
    /// windows that cover part or all of the opening.
    static func randomInstance(seed: UInt64) -> SolverInstance {
        var random = SeededRandom(seed: seed &* 7919)
        let day = 20_513 * 1440   // 2026-03-01
        let open = SolverInstance.Interval(from: LocalMinute(day + 8 * 60), to: LocalMinute(day + 8 * 60 + 40))
        let office = SolverInstance.Office(
            id: "1", durations: ["a": 10, "b": 15],
            desks: [.init(id: "1-1", services: ["a", "b"], accessible: false), .init(id: "1-2", services: ["a"], accessible: true)],
            open: [open])
        let second = SolverInstance.Office(id: "2", durations: ["a": 10], desks: [.init(id: "2-1", services: ["a"], accessible: true)],
                                           open: [.init(from: LocalMinute(day + 8 * 60), to: LocalMinute(day + 8 * 60 + 20))])
        let occupied = [SolverInstance.Occupied(desk: "1-1", interval: .init(from: LocalMinute(day + 8 * 60 + 5 * random.below(8)),
                                                                             to: LocalMinute(day + 8 * 60 + 5 * random.below(8) + 5)))]
            .filter { $0.interval.from < $0.interval.to }
        var requests: [SolverInstance.Request] = []
        for index in 0..<(5 + random.below(2)) {
            let service = random.below(3) == 0 ? "b" : "a"
            let quantity = service == "a" ? 1 + random.below(2) : 1
            let from = day + 8 * 60 + 5 * random.below(4)
            let offices = random.below(3) == 0 && service == "a" ? ["2", "1"] : ["1"]
            requests.append(.init(id: "r\(index)", services: [(service, quantity)], offices: offices,
                                  windows: [.init(from: LocalMinute(from), to: LocalMinute(from + 60 * (1 + random.below(2))))],
                                  needsWheelchair: random.below(5) == 0, priority: random.below(4) == 0 ? 3 : 1))
        }
        return SolverInstance(gridMinutes: 5, offices: [office, second], occupied: occupied, requests: requests)
    }

    /// The best objective of any allocation, by trying every placement (or none) for each request in turn.
    static func optimum(_ instance: SolverInstance) -> Int {
        let desks = instance.offices.flatMap { office in office.desks.map { ($0.id, office) } }
        var best = 0
        var chosen: [Allocation.Assignment] = []
        func search(_ index: Int) {
            guard index < instance.requests.count else {
                let report = Validator.check(Allocation(assignments: chosen), instance)
                if report.isValid { best = max(best, report.objective) }
                return
            }
            search(index + 1)   // unserved
            for (desk, office) in desks {
                for interval in office.open {
                    for start in stride(from: interval.from.value, to: interval.to.value, by: instance.gridMinutes) {
                        chosen.append(.init(request: instance.requests[index].id, desk: desk, start: LocalMinute(start)))
                        if Validator.check(Allocation(assignments: chosen), instance).isValid { search(index + 1) }
                        chosen.removeLast()
                    }
                }
            }
        }
        search(0)
        return best
    }
}
