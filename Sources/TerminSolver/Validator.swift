/// Checks an allocation against its instance by the exchange format's rules, independently of the solver's own
/// model, and computes its objective. Every allocation a test produces goes through it.
public enum Validator {
    /// The verdict: the faults (empty when valid), the objective and how many were served.
    public struct Report: Sendable, Equatable {
        public let faults: [String]
        public let objective: Int
        public let served: Int
        public var isValid: Bool { faults.isEmpty }
    }

    public static func check(_ allocation: Allocation, _ instance: SolverInstance) -> Report {
        let grid = instance.gridMinutes
        var deskOffice: [String: (office: SolverInstance.Office, desk: SolverInstance.Desk)] = [:]
        for office in instance.offices { for desk in office.desks { deskOffice[desk.id] = (office, desk) } }
        let requests = Dictionary(instance.requests.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var taken: [String: Set<Int>] = [:]   // desk → minutes taken, on the grid
        for entry in instance.occupied {
            var minute = entry.interval.from.value - entry.interval.from.value % grid
            while minute < entry.interval.to.value {
                taken[entry.desk, default: []].insert(minute)
                minute += grid
            }
        }
        var faults: [String] = [], seen: Set<String> = [], objective = 0
        for assignment in allocation.assignments {
            let id = assignment.request
            guard let request = requests[id] else { faults.append("\(id): no such request"); continue }
            guard seen.insert(id).inserted else { faults.append("\(id): assigned twice"); continue }
            guard let (office, desk) = deskOffice[assignment.desk] else { faults.append("\(id): no such desk \(assignment.desk)"); continue }
            guard let rank = request.offices.firstIndex(of: office.id) else {
                faults.append("\(id): office \(office.id) is not one the request accepts"); continue
            }
            guard request.services.allSatisfy({ office.durations[$0.id] != nil && desk.services.contains($0.id) }) else {
                faults.append("\(id): desk \(desk.id) is not qualified for every service"); continue
            }
            guard !request.needsWheelchair || desk.accessible else { faults.append("\(id): desk \(desk.id) is not accessible"); continue }
            let start = assignment.start.value
            guard start % grid == 0 else { faults.append("\(id): \(assignment.start) is off the grid"); continue }
            let minutes = request.services.reduce(0) { $0 + office.durations[$1.id]! * $1.quantity }
            let end = start + (minutes + grid - 1) / grid * grid
            guard office.open.contains(where: { $0.from.value <= start && end <= $0.to.value }) else {
                faults.append("\(id): \(assignment.start) is not inside one opening interval"); continue
            }
            let inside = request.windows.filter { $0.from.value <= start && end <= $0.to.value }
            guard !inside.isEmpty else { faults.append("\(id): \(assignment.start) is not inside one of its windows"); continue }
            let units = Array(stride(from: start, to: end, by: grid))
            guard units.allSatisfy({ !(taken[desk.id]?.contains($0) ?? false) }) else {
                faults.append("\(id): desk \(desk.id) is already taken then"); continue
            }
            taken[desk.id, default: []].formUnion(units)
            let delay = max(0, inside.map { Self.floorDivide(start - $0.from.value, 60) }.min()!)
            objective += 1000 * request.priority - 10 * rank - delay
        }
        return Report(faults: faults, objective: objective, served: seen.count)
    }

    static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
