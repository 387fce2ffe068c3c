import Foundation
import TerminCore
import TerminSolver

/// The solver on the five public instances (modelled on Munich's Bürgerbüros), at 1 s and 10 s, beside what CP-SAT
/// (OR-Tools 9.15, 2 workers, 30–300 s) and a plain greedy reached on the same machine class (`references.json`,
/// copied from the instances' publication), with the solver's own upper bound and gap.
enum SolverBenchmark {
    static let instances = ["tiny", "one-office", "two-offices", "three-offices-two-days", "six-offices-week"]

    struct Reference: Decodable {
        let cp_sat_best_objective: Int
        let greedy_objective: Int
        let cp_sat_seconds: Double
    }

    /// Runs every instance at each limit in `seconds` with `workers` searches side by side (as CP-SAT had 2 workers).
    static func run(seconds: [Double] = [1, 10], seed: UInt64 = 1, workers: Int = 2) throws {
        guard let folder = Bundle.module.url(forResource: "SolverInstances", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        let references = try JSONDecoder().decode([String: Reference].self,
                                                   from: Data(contentsOf: folder.appendingPathComponent("references.json")))
        print("solver on the public instances, seed \(seed), \(workers) workers; CP-SAT = OR-Tools 9.15 best (2 workers, its time shown)")
        print("instance                  limit   objective   served     vs CP-SAT   vs greedy      bound     gap  moves")
        for name in instances {
            let data = try Data(contentsOf: folder.appendingPathComponent("\(name).json"))
            let instance = try InstanceParser.parse(Array(data))
            let reference = references[name]!
            for limit in seconds {
                let result = Solver(instance).solve(limits: .init(seconds: limit, workers: workers), seed: seed)
                let report = Validator.check(result.allocation, instance)
                precondition(report.isValid && report.objective == result.objective, "the benchmark's allocation breaks a rule")
                print(name.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: " %5.0f s %11d %4d/%-4d %10.5f× %10.3f× %10d %6.2f%% %6d",
                             limit, result.objective, result.served, result.requests,
                             Double(result.objective) / Double(reference.cp_sat_best_objective),
                             Double(result.objective) / Double(reference.greedy_objective), result.bound, result.gap * 100,
                             result.iterations))
            }
            print(String(repeating: " ", count: 25) + String(format: "CP-SAT %d in %.0f s, greedy %d", reference.cp_sat_best_objective,
                                                             reference.cp_sat_seconds, reference.greedy_objective))
        }
        // Month scale: generated from the Munich catalogue, solved with a 10 s limit that covers generating it.
        let began = ContinuousClock.now
        let month = try MunichMonthInstance.generate(requests: 100_000, seed: seed, first: LocalDate(iso: "2027-03-01")!)
        let solver = Solver(month)
        let spent = ContinuousClock.now - began
        let result = solver.solve(limits: .init(seconds: 9.2 - Double(spent.components.seconds) - Double(spent.components.attoseconds) / 1e18,
                                                workers: workers), seed: seed)
        let total = ContinuousClock.now - began
        let report = Validator.check(result.allocation, month)
        precondition(report.isValid && report.objective == result.objective, "the month's allocation breaks a rule")
        print(String(format: "munich-month: 100,000 requests, %d offices, %d desks: objective %d, served %d, bound %d, gap %.2f %%, "
                     + "%.2f s generated+compiled+solved (%d moves), valid", month.offices.count,
                     month.offices.reduce(0) { $0 + $1.desks.count }, result.objective, result.served, result.bound,
                     result.gap * 100, Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18, result.iterations))
    }
}
