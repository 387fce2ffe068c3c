import Foundation
import Testing
@testable import termin
import TerminCore
import TerminSolver
import TerminStore

/// The declarative command line: one declaration per option gives parsing, validation, typed values and help.
@Suite struct CommandLineTests {
    static let port = Option.integer("port", value: "PORT", help: "TCP port", default: 8080, range: 0...65535)
    static let host = Option.text("host", value: "HOST", help: "address", default: "127.0.0.1")
    static let url = Option.text("database-url", value: "URL", help: "server", environment: "TERMIN_DATABASE_URL")
    static let quiet = Option.flag("quiet", help: "no log")
    static let threads = Option.integer("threads", value: "N", help: "ledger only", default: 2, range: 1...8)
    static let logging = Option.toggle("logging", help: "on or off", default: true)
    static let key = Option.secret("key", environment: "TERMIN_TEST_KEY", value: "HEX", help: "a shared secret")
    enum Colour: String, CaseIterable { case red, green }
    static let colour = Option.choice("colour", value: "C", help: "a colour", default: Colour.green)
    static let options: [any OptionDeclaration] = [port, host, url, quiet, logging, key, colour, threads, HelpOption.help]
    static let scenario = Positional(name: "benchmark", help: "which",
                                     choices: [.init("ledger", "", options: [threads]), .init("all", "")], defaultValue: "all")

    static func parse(_ arguments: [String], environment: [String: String] = [:]) throws -> ParsedOptions {
        try ParsedOptions(arguments, options: options, positional: scenario, environment: environment)
    }

    @Test func valuesAreTypedAndDefaultsFillTheRest() throws {
        let parsed = try Self.parse(["--port", "9000", "--host=0.0.0.0", "--quiet", "ledger"])
        #expect(parsed[Self.port] == 9000 && parsed[Self.host] == "0.0.0.0" && parsed[Self.quiet])
        #expect(parsed.positional == "ledger" && parsed.optional(Self.url) == nil)
        let defaults = try Self.parse([])
        #expect(defaults[Self.port] == 8080 && defaults[Self.host] == "127.0.0.1" && !defaults[Self.quiet])
        #expect(defaults.positional == "all" && !defaults.wantsHelp)
    }

    @Test func actionsSwitchesChoicesAndSecretsAreTyped() throws {
        let parsed = try Self.parse(["ledger", "--threads", "4", "--logging", "off", "--colour", "red"],
                                    environment: ["TERMIN_TEST_KEY": "abcd"])
        #expect(parsed[Self.threads] == 4 && parsed[Self.logging] == false && parsed[Self.colour] == .red)
        #expect(parsed.optional(Self.key) == "abcd")
        enum Benchmark: String { case ledger, all }
        let defaults = try Self.parse([])
        #expect(parsed.action(Benchmark.self) == .ledger && defaults.action(Benchmark.self) == .all)
        #expect(defaults[Self.logging] == true && defaults[Self.colour] == .green)
    }

    @Test func anEnvironmentVariableStandsInForAnOptionNotGiven() throws {
        let environment = ["TERMIN_DATABASE_URL": "postgres://db/termin"]
        #expect(try Self.parse([], environment: environment).optional(Self.url) == "postgres://db/termin")
        #expect(try Self.parse(["--database-url", "x"], environment: environment).optional(Self.url) == "x")
        #expect(try Self.parse([], environment: ["TERMIN_DATABASE_URL": ""]).optional(Self.url) == nil)
    }

    @Test(arguments: [
        (["--port", "99999"], "--port takes a whole number from 0 to 65535, not '99999'"),
        (["--port", "eighty"], "--port takes a whole number from 0 to 65535, not 'eighty'"),
        (["--port"], "--port needs a value"),
        (["--color", "red"], "unknown option --color"),
        (["--quiet=yes"], "--quiet takes no value"),
        (["nope"], "unknown benchmark 'nope': one of ledger, all"),
        (["ledger", "all"], "unexpected argument 'all'"),
        (["--host="], "--host takes a value, not ''"),
        (["--threads", "4"], "--threads does not apply to all; it belongs to ledger"),
        (["all", "--threads", "4"], "--threads does not apply to all; it belongs to ledger"),
        (["--key", "00"], "--key is set in the environment only: TERMIN_TEST_KEY=… (a command line is visible to every user of the machine)"),
        (["--logging", "yes"], "--logging takes on or off, not 'yes'"),
        (["--colour", "blue"], "--colour takes one of red, green, not 'blue'"),
    ])
    func mistakesAreUsageErrorsThatSayWhat(arguments: [String], message: String) {
        #expect {
            try Self.parse(arguments)
        } throws: { ($0 as? ParsedOptions.UsageError)?.description == message }
    }

    @Test func theHelpNamesEveryEnvironmentVariableTheEngineReads() {
        let usage = ServeCommand.usage
        for variable in ["TERMIN_DATABASE_URL", "TERMIN_DATA_DIR", "TERMIN_PG_BIN", "TERMIN_PG_USER", "TERMIN_SQL_DIR",
                         "TERMIN_POW_KEY", "TERMIN_IDENTITY_KEY"] {
            #expect(usage.contains(variable), "serve --help lacks \(variable)")
        }
    }

    @Test func theHelpNamesEveryDeclaredOptionOfEveryCommand() {
        for command in TerminCommandLine.commands {
            let usage = command.usage
            for option in command.allOptions {
                #expect(usage.contains(option.synopsis), "\(command.name)'s help lacks \(option.synopsis)")
                #expect(usage.contains(option.help), "\(command.name)'s help lacks the help of --\(option.name)")
            }
            for choice in command.positional?.choices ?? [] { #expect(usage.contains(choice.value)) }
            #expect(TerminCommandLine.overview().contains(command.name))
        }
    }

    @Test func everyCommandTakesHelpAndExits64OnAUsageError() {
        for command in TerminCommandLine.commands {
            #expect(TerminCommandLine.main([command.name, "--help"]) == ExitCode.success)
            #expect(TerminCommandLine.main([command.name, "--no-such-option"]) == ExitCode.usage)
            #expect(TerminCommandLine.main([command.name, "-h"]) == ExitCode.success)
            // Not a file or an action named "-x", nor `help` of the command and something else.
            #expect(TerminCommandLine.main([command.name, "-x"]) == ExitCode.usage)
            #expect(TerminCommandLine.main(["help", command.name, "--bogus"]) == ExitCode.usage)
        }
        #expect(TerminCommandLine.main([]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["frobnicate"]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["help", "serve"]) == ExitCode.success)
        #expect(TerminCommandLine.main(["help", "frobnicate"]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["serve", "--workers", "0"]) == ExitCode.usage)
        // An option of another action is refused, not ignored.
        #expect(TerminCommandLine.main(["forecast", "demand", "--target-days", "3"]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["forecast", "--csv", "x.csv", "staffing"]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["staff", "list", "--role", "admin"]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["bench", "solver", "--threads", "4"]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["serve", "--pow-key", "00"]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["serve", "--rate-limit", "maybe"]) == ExitCode.usage)
    }
}

/// `termin solve` on files: a faulty one is refused with the place named (exit 65) and nothing is written.
@Suite struct SolveCommandTests {
    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("termin-solve-\(getpid())-\(text.hashValue).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aFaultyInstanceExits65AndWritesNothing() throws {
        let path = try Self.file(#"{"grid_minutes":5,"offices":[],"requests":[{"id":"r","services":[],"offices":[],"windows":[]}]}"#)
        let out = path + ".allocation.json"
        #expect(TerminCommandLine.main(["solve", path, "--out", out]) == SolveCommand.dataError)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func aGoodInstanceWritesItsAllocation() throws {
        let path = try Self.file(#"""
        {"grid_minutes":5,"offices":[{"id":"1","durations":{"s":15},"desks":[{"id":"1-1","services":["s"],"accessible":true}],
         "open":[{"date":"2027-03-01","from":"08:00","to":"09:00"}]}],"occupied":[],
         "requests":[{"id":"r","services":[{"id":"s"}],"offices":["1"],"windows":[{"from":"2027-03-01T08:00","to":"2027-03-01T18:00"}]}]}
        """#)
        let out = path + ".allocation.json"
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(TerminCommandLine.main(["solve", path, "--seconds", "0.05", "--out", out]) == ExitCode.success)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.contains(#""request":"r","desk":"1-1","start":"2027-03-01T08:00:00""#))
    }

    @Test func solveNeedsItsFileAndAValidTimeLimit() {
        #expect(TerminCommandLine.main(["solve"]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["solve", "x.json", "--seconds", "0"]) == ExitCode.usage)
        #expect(TerminCommandLine.main(["solve", "/nonexistent/x.json"]) == ExitCode.failure)
    }
}

/// The month-scale generator: from the Munich catalogue, with the stated mix, reproducible from its seed.
@Suite struct MunichMonthInstanceTests {
    @Test func aGeneratedMonthIsReproducibleAndItsAllocationValid() throws {
        let first = LocalDate(iso: "2027-03-01")!
        let instance = try MunichMonthInstance.generate(requests: 2_000, seed: 5, first: first)
        #expect(try MunichMonthInstance.generate(requests: 2_000, seed: 5, first: first) == instance)
        #expect(instance.requests.count == 2_000 && instance.offices.count > 100)
        let bürgerbüros = Set(StaffingModel.mainCitizenOffices.map(String.init))
        let share = Double(instance.requests.filter { bürgerbüros.contains($0.offices[0]) }.count) / 2_000
        #expect(share > 0.6 && share < 0.7, "Bürgerbüro share \(share)")
        #expect(instance.requests.allSatisfy { (1...3).contains($0.offices.count) })
        let urgent = instance.requests.filter { $0.priority == 3 }.count, wheelchair = instance.requests.filter(\.needsWheelchair).count
        #expect(urgent > 50 && urgent < 160 && wheelchair > 40 && wheelchair < 130, "urgent \(urgent), wheelchair \(wheelchair)")
        // Every window lies in the four weeks, on a weekday.
        #expect(instance.requests.allSatisfy { request in
            let day = LocalDate(dayNumber: request.windows[0].from.dayNumber)
            return day >= first && day < first.adding(days: 28) && day.isoWeekday <= 5
        })
        let result = Solver(instance).solve(limits: .init(seconds: 60, iterations: 200), seed: 5)
        let report = Validator.check(result.allocation, instance)
        #expect(report.isValid && report.objective == result.objective && result.objective <= result.bound)
        #expect(result.served > 1_800)
    }
}
