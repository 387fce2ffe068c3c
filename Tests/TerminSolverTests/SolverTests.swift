import Foundation
import Testing
@testable import TerminSolver

/// The solver's allocations break no rule (the Swift validator, and the format's own Python validator), reach the
/// optimum an exhaustive search finds on tiny instances, are reproducible from a seed, and survive infeasible parts.
@Suite struct SolverTests {
    static func tiny() throws -> SolverInstance { try InstanceParser.parse(try InstanceParserTests.resource("tiny.json")) }

    @Test func theTinyPublicInstanceSolvesToAValidAllocationThePythonValidatorAgreesWith() throws {
        let instance = try Self.tiny()
        let result = Solver(instance).solve(limits: .init(seconds: 60, iterations: 3_000), seed: 7)
        let report = Validator.check(result.allocation, instance)
        #expect(report.isValid, "\(report.faults)")
        #expect(report.objective == result.objective && report.served == result.served)
        #expect(result.objective <= result.bound)
        // CP-SAT's best in 30 s is 43,946 (references.json); the construction alone is well below.
        #expect(result.objective >= 43_900)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("termin-solver-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let allocationFile = folder.appendingPathComponent("allocation.json")
        try result.allocation.json().write(to: allocationFile, atomically: true, encoding: .utf8)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = try #require(Bundle.module.url(forResource: "Resources/validate.py", withExtension: nil))
        let instanceFile = try #require(Bundle.module.url(forResource: "Resources/tiny.json", withExtension: nil))
        python.arguments = ["python3", script.path, instanceFile.path, allocationFile.path]
        let output = Pipe()
        python.standardOutput = output
        try python.run()
        python.waitUntilExit()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(python.terminationStatus == 0, "validate.py: \(printed)")
        #expect(printed.hasPrefix("objective \(result.objective) served \(result.served) of 40"), "validate.py: \(printed)")
    }

    @Test func theSameSeedGivesTheSameAllocation() throws {
        let instance = try Self.tiny()
        // Long enough for the polish on copies to run twice.
        let first = Solver(instance).solve(limits: .init(seconds: 600, iterations: 5_000), seed: 42)
        let second = Solver(instance).solve(limits: .init(seconds: 600, iterations: 5_000), seed: 42)
        #expect(first.allocation == second.allocation && first.objective == second.objective)
    }

    @Test func aTimeLimitStopsTheSearch() throws {
        let result = Solver(try Self.tiny()).solve(limits: .init(seconds: 0.2), seed: 1)
        #expect(result.iterations > 0 && result.seconds < 30)
        #expect(Validator.check(result.allocation, try Self.tiny()).isValid)
    }

    /// A request no desk can take (no qualified desk, a window outside every opening, an unknown service) stays
    /// unserved; the rest is placed.
    @Test func infeasibleRequestsStayUnservedAndTheRestIsPlaced() throws {
        let instance = try InstanceParser.parse(Array(#"""
        {"grid_minutes":5,"offices":[{"id":"1","durations":{"s":15,"t":10},"desks":[{"id":"1-1","services":["s"],"accessible":false}],
         "open":[{"date":"2027-03-01","from":"08:00","to":"09:00"}]}],"occupied":[],
         "requests":[
          {"id":"ok","services":[{"id":"s"}],"offices":["1"],"windows":[{"from":"2027-03-01T08:00","to":"2027-03-01T18:00"}]},
          {"id":"unqualified","services":[{"id":"t"}],"offices":["1"],"windows":[{"from":"2027-03-01T08:00","to":"2027-03-01T18:00"}]},
          {"id":"closed","services":[{"id":"s"}],"offices":["1"],"windows":[{"from":"2027-03-02T08:00","to":"2027-03-02T18:00"}]},
          {"id":"unknown","services":[{"id":"u"}],"offices":["1"],"windows":[{"from":"2027-03-01T08:00","to":"2027-03-01T18:00"}]},
          {"id":"wheelchair","services":[{"id":"s"}],"offices":["1"],"needs":["wheelchair"],"windows":[{"from":"2027-03-01T08:00","to":"2027-03-01T18:00"}]},
          {"id":"too-long","services":[{"id":"s","quantity":5}],"offices":["1"],"windows":[{"from":"2027-03-01T08:00","to":"2027-03-01T18:00"}]}
         ]}
        """#.utf8))
        let result = Solver(instance).solve(limits: .init(seconds: 10, iterations: 200), seed: 1)
        #expect(result.allocation.assignments.map(\.request) == ["ok"])
        #expect(result.objective == 1000 && Validator.check(result.allocation, instance).isValid)
    }

    @Test(arguments: 1...12)
    func onTinyInstancesTheSolverReachesTheExhaustiveOptimum(seed: UInt64) {
        let instance = Exhaustive.randomInstance(seed: seed)
        let optimum = Exhaustive.optimum(instance)
        let result = Solver(instance).solve(limits: .init(seconds: 60, iterations: 3_000), seed: seed)
        let report = Validator.check(result.allocation, instance)
        #expect(report.isValid, "\(report.faults)")
        #expect(result.objective == optimum, "instance \(seed): solver \(result.objective), optimum \(optimum)")
        #expect(optimum <= result.bound, "the bound \(result.bound) is below the optimum \(optimum)")
    }

    @Test func theValidatorFindsEveryKindOfFault() throws {
        let instance = try Self.tiny()
        let request = instance.requests[0]
        let office = instance.offices[0]
        let open = office.open[0]
        let desk = office.desks.first { candidate in request.services.allSatisfy { candidate.services.contains($0.id) } }!
        func faults(_ assignments: [Allocation.Assignment]) -> [String] {
            Validator.check(Allocation(assignments: assignments), instance).faults
        }
        #expect(faults([.init(request: "nope", desk: desk.id, start: open.from)]).first?.contains("no such request") == true)
        #expect(faults([.init(request: request.id, desk: "nope", start: open.from)]).first?.contains("no such desk") == true)
        #expect(faults([.init(request: request.id, desk: desk.id, start: LocalMinute(open.from.value + 1))]).first?.contains("grid") == true)
        #expect(faults([.init(request: request.id, desk: desk.id, start: LocalMinute(open.to.value))]).first?.contains("opening") == true)
        let twice = Allocation.Assignment(request: request.id, desk: desk.id, start: open.from)
        #expect(faults([twice, twice]).contains { $0.contains("assigned twice") })
    }
}

/// The lanes' free runs, read from their words, match a unit-by-unit scan.
@Suite struct FreeRunsTests {
    @Test func freeRunsMatchAUnitByUnitScan() throws {
        let instance = try InstanceParser.parse(try InstanceParserTests.resource("one-office.json"))
        let problem = Problem(instance)
        var state = SearchState(problem)
        var random = SeededRandom(seed: 3)
        for round in 0..<200 {
            let lane = random.below(problem.laneCount)
            var scanned: [(from: Int, to: Int)] = []
            var unit = 0
            let length = Int(problem.laneLength[lane])
            while unit < length {
                while unit < length && !state.isFree(lane: lane, start: unit, units: 1) { unit += 1 }
                let from = unit
                while unit < length && state.isFree(lane: lane, start: unit, units: 1) { unit += 1 }
                if unit > from { scanned.append((from, unit)) }
            }
            let runs = state.freeRuns(lane: lane)
            #expect(runs.map(\.from) == scanned.map(\.from) && runs.map(\.to) == scanned.map(\.to), "round \(round), lane \(lane)")
            // Fill a little more for the next round.
            let request = random.below(problem.requestCount)
            if !state.isServed(request), let placement = state.bestPlacement(request, allowed: { _ in true }) {
                state.assign(request, optionIndex: placement.optionIndex, start: placement.start)
            }
        }
    }
}
