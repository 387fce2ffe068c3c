/// An upper bound on the objective of any allocation: a fractional knapsack per group of offices that requests
/// connect. Each request is worth at most its best option's value (its best office, no delay past the earliest start
/// its windows allow) and needs at least its shortest duration in units; a group's offices offer at most their free
/// desk units. Relaxing which desk and which minute makes it a knapsack whose fractional optimum bounds the group.
/// Valid, cheap, and loose where qualifications or windows, not total desk time, are what bind.
enum UpperBound {
    static func compute(_ problem: Problem) -> Int {
        // Offices joined by requests that accept several.
        let officeCount = problem.instance.offices.count
        var parent = Array(0..<officeCount)
        func root(_ office: Int) -> Int {
            var office = office
            while parent[office] != office {
                parent[office] = parent[parent[office]]
                office = parent[office]
            }
            return office
        }
        for options in problem.options {
            let offices = Set(options.map { Int(problem.laneOffice[Int($0.lane)]) })
            guard let first = offices.first else { continue }
            for office in offices { parent[root(office)] = root(first) }
        }
        var capacity = [Int](repeating: 0, count: officeCount)
        var state = SearchState(problem)
        for lane in 0..<problem.laneCount {
            capacity[root(Int(problem.laneOffice[lane]))] += state.freeRuns(lane: lane).reduce(0) { $0 + $1.to - $1.from }
        }
        var items = [[(value: Int, units: Int)]](repeating: [], count: officeCount)
        for options in problem.options where !options.isEmpty {
            let value = options.map { problem.value($0, start: Int($0.lo)) }.max()!
            let units = options.map { Int($0.units) }.min()!
            items[root(Int(problem.laneOffice[Int(options[0].lane)]))].append((value, units))
        }
        var bound = 0.0
        for group in 0..<officeCount where !items[group].isEmpty {
            var left = Double(capacity[group])
            for item in items[group].sorted(by: { Double($0.value) / Double($0.units) > Double($1.value) / Double($1.units) }) {
                guard left > 0 else { break }
                let share = min(1, left / Double(item.units))
                bound += share * Double(item.value)
                left -= share * Double(item.units)
            }
        }
        return Int(bound.rounded(.down))
    }
}
