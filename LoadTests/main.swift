import Foundation
import Glibc
import TerminTestSupport

/// `LoadTests <scenario> [--citizens N] [--report PATH] [--max-error-rate R] [--data-dir DIR]`
///
/// Starts its own PostgreSQL cluster (fsync on) and `termin serve` (the binary built beside this one), runs the
/// scenario over real HTTP, checks the invariants in PostgreSQL, prints a table and writes a JSON report.
/// Exit 0 when every invariant held and the error rate stayed within the bound; 1 otherwise; 64 for usage errors.
let usage = """
    usage: LoadTests release-burst [--citizens N] [--fault kill-server|restart-postgres] [common options]
           LoadTests month [--bookings N] [--clients N] [common options]
           LoadTests soak [--seconds S] [--clients N] [common options]
           LoadTests office-day [--office ID] [--walk-ins N] [--booked-share S] [--seed N] [--data-dir DIR]
           LoadTests bots [--citizens N] [--identities N] [--seconds S] [--data-dir DIR]
           LoadTests lifecycle [--bookings N] [--clients N] [common options]
           LoadTests help-week [--citizens N] [common options]
           LoadTests failover [--clients N] [--seconds S] [common options]
    common options: [--report PATH] [--max-error-rate R] [--data-dir DIR]
    """

/// The options each scenario takes; any other option, a misplaced one, a repeated one or a stray argument is a usage
/// error (exit 64), never silently ignored.
let common = ["report", "max-error-rate", "data-dir"]
let scenarioOptions: [String: [String]] = [
    "release-burst": ["citizens", "fault"] + common,
    "month": ["bookings", "clients"] + common,
    "soak": ["seconds", "clients"] + common,
    "office-day": ["office", "walk-ins", "booked-share", "seed", "data-dir"],
    "bots": ["citizens", "identities", "seconds", "data-dir"],
    "lifecycle": ["bookings", "clients"] + common,
    "help-week": ["citizens"] + common,
    "failover": ["clients", "seconds"] + common,
]

func refuse(_ problem: String) -> Never {
    FileHandle.standardError.write(Data(("LoadTests: \(problem)\n" + usage + "\n").utf8))
    exit(64)
}

let arguments = CommandLine.arguments.dropFirst()
guard let scenario = arguments.first, let allowed = scenarioOptions[scenario] else {
    refuse("name a scenario: " + scenarioOptions.keys.sorted().joined(separator: ", "))
}
/// The options given, each `--name value`, checked against the scenario's.
let given: [String: String] = {
    var given: [String: String] = [:]
    var rest = Array(arguments.dropFirst())[...]
    while let argument = rest.popFirst() {
        guard argument.hasPrefix("--") else { refuse("unexpected argument '\(argument)'") }
        let name = String(argument.dropFirst(2))
        guard allowed.contains(name) else { refuse("--\(name) is not an option of \(scenario)") }
        guard given[name] == nil else { refuse("--\(name) is given twice") }
        guard let value = rest.popFirst() else { refuse("--\(name) needs a value") }
        given[name] = value
    }
    return given
}()

func option(_ name: String) -> String? { given[name] }

guard let citizens = Int(option("citizens") ?? (scenario == "help-week" ? "600" : "2000")), (1...20_000).contains(citizens),
      let monthBookings = Int(option("bookings") ?? (scenario == "lifecycle" ? "20000" : "100000")),
      (1...10_000_000).contains(monthBookings),
      let monthClients = Int(option("clients") ?? (scenario == "lifecycle" || scenario == "failover" ? "16" : "64")),
      (1...2_000).contains(monthClients),
      let soakSeconds = Double(option("seconds") ?? (scenario == "failover" ? "20" : "60")), soakSeconds > 0, soakSeconds <= 86_400,
      let maxErrorRate = Double(option("max-error-rate") ?? "0.01"),
      let walkIns = Int(option("walk-ins") ?? "200"), (0...2_000).contains(walkIns),
      let dayOffice = Int(option("office") ?? String(OfficeDay.orleansplatz)), dayOffice > 0,
      let bookedShare = Double(option("booked-share") ?? "0.9"), (0...1).contains(bookedShare),
      let identities = Int(option("identities") ?? "10"), (1...1_000).contains(identities),
      let seed = UInt64(option("seed") ?? "1") else {
    refuse("a value is out of range")
}
let faultName = option("fault")
guard faultName == nil || Harness.Fault(rawValue: faultName!) != nil else {
    refuse("--fault is one of " + Harness.Fault.allCases.map(\.rawValue).joined(separator: ", "))
}
let fault = faultName.flatMap(Harness.Fault.init(rawValue:))
/// A new directory of its own (`mkdtemp`): never one an earlier run left behind, whose cluster and rows would be adopted.
func freshDirectory() -> String {
    var template = Array((NSTemporaryDirectory() + "termin-load-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else { fatalError("cannot create a directory under \(NSTemporaryDirectory())") }
    return String(cString: made)
}
let directory = option("data-dir") ?? freshDirectory()
let reportPath = option("report") ?? (directory + "/report.json")

/// Runs the office-day simulation on a cluster of its own (no server: the simulation drives the engine's clock).
func runOfficeDay() throws -> Int32 {
    let (cluster, conninfo) = try Harness.database(directory: directory)
    defer { cluster.stop() }
    let began = DispatchTime.now().uptimeNanoseconds
    let result = try OfficeDay(officeID: dayOffice, walkIns: walkIns, bookedShare: bookedShare, showShare: 0.93, seed: seed)
        .run(conninfo: conninfo)
    print("office-day (simulated in \(String(format: "%.1f", Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9)) s)")
    for (name, value) in result.figures { print("  " + name.padding(toLength: 46, withPad: " ", startingAt: 0) + value) }
    for failure in result.failures { print("  FAILED: " + failure) }
    print(result.failures.isEmpty ? "load test passed" : "load test FAILED")
    return result.failures.isEmpty ? 0 : 1
}

/// Runs the bots scenario's three modes, each on a cluster and server of its own.
func runBots() throws -> Int32 {
    chmod(directory, 0o755)   // each mode's cluster lives in a folder below, which postgres must reach
    let failures = try Bots(citizens: citizens, identitiesPerBot: identities,
                            arrivalSeconds: option("seconds").flatMap(Double.init) ?? 20).runAll(directory: directory)
    for failure in failures { print("  FAILED: " + failure) }
    print(failures.isEmpty ? "load test passed" : "load test FAILED")
    return failures.isEmpty ? 0 : 1
}

/// Runs the lifecycle scenario: its server mails to a real SMTP server on loopback, and is killed halfway.
func runLifecycle() throws -> Int32 {
    let sink = try SMTPSink()
    let harness = try Harness(directory: directory, serverArguments: [
        "--smtp-url", "smtp://127.0.0.1:\(sink.port)", "--mail-from", "termine@muenchen.example",
        "--portal-url", "https://termine.muenchen.example/buchung",
    ])
    defer { harness.stop() }
    let outcomes = Outcomes()
    let result = try Lifecycle(bookings: monthBookings, clients: monthClients).run(harness: harness, sink: sink, outcomes: outcomes)
    let report = Report(scenario: "lifecycle with kill-server", seconds: result.seconds, reports: outcomes.all,
                        invariants: result.invariants, extra: result.figures.merging([
                            "fault": result.faultApplied ? "kill-server, applied halfway" : "kill-server, NOT applied",
                        ]) { $1 })
    return finish(report, invariants: result.invariants, faultApplied: result.faultApplied)
}

/// Runs the help week: the demo help places booked at once, by citizens, intermediaries and course-goers.
func runHelpWeek() throws -> Int32 {
    let harness = try Harness(directory: directory)
    defer { harness.stop() }
    let outcomes = Outcomes()
    let result = try HelpWeek(citizens: citizens).run(harness: harness, outcomes: outcomes)
    let report = Report(scenario: "help-week", seconds: result.seconds, reports: outcomes.all, invariants: result.invariants,
                        extra: result.figures.merging(["citizens": String(citizens)]) { $1 })
    return finish(report, invariants: result.invariants, faultApplied: true)
}

/// Runs the failover scenario on a Patroni-managed pair of its own, with two servers.
func runFailover() throws -> Int32 {
    chmod(directory, 0o755)   // the nodes live in a folder below, which postgres must reach
    let outcomes = Outcomes()
    let result = try Failover(clients: monthClients, seconds: soakSeconds).run(directory: directory, outcomes: outcomes)
    let report = Report(scenario: "failover", seconds: result.seconds, reports: outcomes.all, invariants: result.invariants,
                        extra: result.figures)
    return finish(report, invariants: result.invariants, faultApplied: true)
}

/// Runs the scenario; the harness (server and cluster) is stopped before the result is returned.
func runLoadTest() throws -> Int32 {
    if scenario == "office-day" { return try runOfficeDay() }
    if scenario == "bots" { return try runBots() }
    if scenario == "lifecycle" { return try runLifecycle() }
    if scenario == "help-week" { return try runHelpWeek() }
    if scenario == "failover" { return try runFailover() }
    let harness = try Harness(directory: directory)
    defer { harness.stop() }
    let outcomes = Outcomes()
    if scenario == "month" || scenario == "soak" {
        let soak = scenario == "soak"
        let load = Month(bookings: soak ? Int.max : monthBookings, clients: monthClients, seconds: soak ? soakSeconds : nil)
        let seconds = try load.run(harness: harness, outcomes: outcomes)
        let batches = Month.commitBatches(harness: harness)
        let resident = soak ? nil : try Month.touchHorizonAndMeasure(harness: harness)
        let reports = outcomes.all
        let told = reports.flatMap(\.told)
        let invariants = try Invariants.check(conninfo: harness.conninfo, catalog: try harness.catalog(), told: told)
        let booked = reports.reduce(0) { $0 + $1.booked }
        let cancelled = told.filter { $0.kind == "cancelled" }.count
        let report = Report(scenario: scenario, seconds: seconds, reports: reports, invariants: invariants, extra: [
            "bookings (201)": String(booked), "cancelled": String(cancelled),
            "bookings per second": String(format: "%.0f", Double(booked) / max(seconds, 0.001)),
            "gave up (no time within 5 weeks)": String(reports.reduce(0) { $0 + $1.gaveUp }),
            "commit batches (mean size)": batches,
        ].merging(resident.map { ["server resident size, every office's horizon read": $0] } ?? [:]) { $1 })
        return finish(report, invariants: invariants, faultApplied: true)
    }
    let (date, seconds, faultApplied) = try ReleaseBurst(citizens: citizens).run(harness: harness, outcomes: outcomes, fault: fault)
    let reports = outcomes.all
    let told = reports.flatMap(\.told)
    let invariants = try Invariants.check(conninfo: harness.conninfo, catalog: try harness.catalog(), told: told)
    let booked = reports.reduce(0) { $0 + $1.booked }
    let report = Report(scenario: scenario + (fault.map { " with \($0.rawValue)" } ?? ""), seconds: seconds, reports: reports, invariants: invariants, extra: [
        "day": date, "citizens": String(citizens), "booked": String(booked),
        "gave up (day full)": String(reports.reduce(0) { $0 + $1.gaveUp }),
        "oversubscription": String(format: "%.1fx", Double(citizens) / Double(max(booked, 1))),
        "fault": fault.map { faultApplied ? "\($0.rawValue), applied mid-burst" : "\($0.rawValue), NOT applied (burst ended first)" } ?? "none",
    ])
    return finish(report, invariants: invariants, faultApplied: fault == nil || faultApplied)
}

/// Prints and writes the report; 0 when every invariant held, the error rate stayed in bound and a requested
/// fault was applied.
func finish(_ report: Report, invariants: [Invariants.Result], faultApplied: Bool) -> Int32 {
    report.printTable()
    do { try report.json().write(to: URL(fileURLWithPath: reportPath)) } catch { print("  report not written: \(error)") }
    print("  report: \(reportPath)")
    if report.errorRate > maxErrorRate {
        print("  error rate \(String(format: "%.4f", report.errorRate)) above the bound \(maxErrorRate)")
    }
    let passed = invariants.allSatisfy(\.held) && report.errorRate <= maxErrorRate && faultApplied
    print(passed ? "load test passed" : "load test FAILED")
    return passed ? 0 : 1
}

do {
    exit(try runLoadTest())
} catch {
    FileHandle.standardError.write(Data("load test could not run: \(error)\n".utf8))
    exit(1)
}
