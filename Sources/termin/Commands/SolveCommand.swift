import Foundation
import TerminCore
import TerminSolver

/// `termin solve`: allocates an instance file's requests (the exchange format of `FORMAT.md`).
enum SolveCommand: Command {
    static let name = "solve"
    static let summary = "allocate an instance file's requests to desks and starts (construction + large-neighbourhood search)"
    static let seconds = Option<Double>(name: "seconds", valueName: "S", help: "time limit", defaultValue: 10,
                                        defaultDescription: "10", environment: nil,
                                        expectation: "seconds from 0.01 to 86400") { Double($0).flatMap { (0.01...86_400).contains($0) ? $0 : nil } }
    static let seed = Option.integer("seed", value: "N", help: "seed of the search's random choices", default: 1, range: 0...Int(Int32.max))
    static let iterations = Option<Int>(name: "iterations", valueName: "N", help: "stop after this many improvement moves (reproducible to the move)",
                                        defaultValue: nil, defaultDescription: nil, environment: nil,
                                        expectation: "a whole number from 0 to 1000000000") { Int($0).flatMap { (0...1_000_000_000).contains($0) ? $0 : nil } }
    static let workers = Option.integer("workers", value: "N", help: "independent searches side by side (seeds N, N+1, …), the best wins",
                                        default: 2, range: 1...64)
    static let out = Option.text("out", value: "FILE", help: "where to write the allocation (JSON); unset: not written")
    static let positional: Positional? = Positional(name: "instance", help: "the instance file (JSON, the exchange format)",
                                                    choices: [], defaultValue: nil)
    static let generate = Option<String>(name: "generate", valueName: "NAME",
                                         help: "solve a generated instance instead of a file: munich-month (four weeks, every office)",
                                         defaultValue: nil, defaultDescription: nil, environment: nil,
                                         expectation: "munich-month") { $0 == "munich-month" ? $0 : nil }
    static let requests = Option.integer("requests", value: "N", help: "requests of a generated instance", default: 100_000,
                                         range: 1...2_000_000)
    static let options: [any OptionDeclaration] = [seconds, seed, workers, iterations, out, generate, requests]
    static let details: String? = """
        Prints objective, served/requests, an upper bound (fractional knapsack per group of offices) and the gap.
        A faulty file is refused with the place named (exit 65); nothing is written then.
        """
    /// sysexits' EX_DATAERR: the input file is faulty.
    static let dataError: Int32 = 65

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let commandBegan = ContinuousClock.now
        let parsed: SolverInstance
        if options.optional(generate) != nil {
            let began = ContinuousClock.now
            // Four weeks from the Monday four weeks after 2027-03-01 (a month without Bavarian holidays).
            parsed = try MunichMonthInstance.generate(requests: options[requests], seed: UInt64(options[seed]),
                                                      first: LocalDate(iso: "2027-03-01")!)
            log("generated munich-month: \(parsed.requests.count) requests, \(parsed.offices.count) offices, "
                + "\(parsed.offices.reduce(0) { $0 + $1.desks.count }) desks in \(ContinuousClock.now - began)")
        } else {
            guard let path = options.positional else { throw ParsedOptions.UsageError(description: "name an instance file, or --generate munich-month") }
            guard let data = FileManager.default.contents(atPath: path) else {
                log("cannot read \(path)")
                return ExitCode.failure
            }
            do { parsed = try InstanceParser.parse(Array(data)) } catch {
                log("\(path): \(error)")
                return dataError
            }
        }
        let compileBegan = ContinuousClock.now
        let solver = Solver(parsed)
        let compiled = ContinuousClock.now - compileBegan
        if options.optional(generate) != nil { log("compiled in \(compiled)") }
        // The time limit covers reading (or generating) and compiling the instance too.
        let spent = ContinuousClock.now - commandBegan
        // 8 % is kept back for checking and writing the answer.
        let budget = max(0.01, 0.92 * options[seconds] - Double(spent.components.seconds) - Double(spent.components.attoseconds) / 1e18)
        let result = solver.solve(limits: .init(seconds: budget, iterations: options.optional(iterations), workers: options[workers]),
                                  seed: UInt64(options[seed])) { seconds, objective, served in
            FileHandle.standardError.write(Data(String(format: "\r%6.1f s  objective %d  served %d", seconds, objective, served).utf8))
        }
        if result.seconds >= 1 { FileHandle.standardError.write(Data("\n".utf8)) }
        // Every allocation is checked by the rules before it is reported (after the time limit).
        let report = Validator.check(result.allocation, parsed)
        guard report.isValid, report.objective == result.objective else {
            log("the allocation breaks a rule: \(report.faults.prefix(3).joined(separator: "; "))")
            return ExitCode.failure
        }
        if let out = options.optional(out) {
            // Written whole to a temporary file, then renamed: a reader never sees half an allocation.
            let temporary = out + ".tmp-\(getpid())"
            let text = result.allocation.json(extra: [("objective", result.objective), ("bound", result.bound)])
            guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)),
                  rename(temporary, out) == 0 else {
                unlink(temporary)
                log("cannot write \(out)")
                return ExitCode.failure
            }
        }
        print("objective \(result.objective)")
        print("served \(result.served)/\(result.requests)")
        print(String(format: "bound %d  gap %.2f %%", result.bound, result.gap * 100))
        print(String(format: "time %.2f s  (%d improvement moves; construction %d)", result.seconds, result.iterations, result.constructed))
        return ExitCode.success
    }
}
