import Foundation
import Glibc

/// `LoadTests <scenario> [--citizens N] [--report PATH] [--max-error-rate R] [--data-dir DIR]`
///
/// Starts its own PostgreSQL cluster (fsync on) and `termin serve` (the binary built beside this one), runs the
/// scenario over real HTTP, checks the invariants in PostgreSQL, prints a table and writes a JSON report.
/// Exit 0 when every invariant held and the error rate stayed within the bound; 1 otherwise; 64 for usage errors.
let usage = "usage: LoadTests release-burst [--citizens N] [--fault kill-server|restart-postgres] [--report PATH] [--max-error-rate R] [--data-dir DIR]"

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--" + name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let arguments = CommandLine.arguments.dropFirst()
guard let scenario = arguments.first, scenario == "release-burst" else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}
guard let citizens = Int(option("citizens") ?? "2000"), (1...20_000).contains(citizens),
      let maxErrorRate = Double(option("max-error-rate") ?? "0.01") else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}
let faultName = option("fault")
guard faultName == nil || Harness.Fault(rawValue: faultName!) != nil else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}
let fault = faultName.flatMap(Harness.Fault.init(rawValue:))
let directory = option("data-dir") ?? (NSTemporaryDirectory() + "termin-load-\(getpid())")
let reportPath = option("report") ?? (directory + "/report.json")

/// Runs the scenario; the harness (server and cluster) is stopped before the result is returned.
func runLoadTest() throws -> Int32 {
    let harness = try Harness(directory: directory)
    defer { harness.stop() }
    let outcomes = Outcomes()
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
    report.printTable()
    try report.json().write(to: URL(fileURLWithPath: reportPath))
    print("  report: \(reportPath)")
    if report.errorRate > maxErrorRate {
        print("  error rate \(String(format: "%.4f", report.errorRate)) above the bound \(maxErrorRate)")
    }
    let passed = invariants.allSatisfy(\.held) && report.errorRate <= maxErrorRate && (fault == nil || faultApplied)
    print(passed ? "load test passed" : "load test FAILED")
    return passed ? 0 : 1
}

do {
    exit(try runLoadTest())
} catch {
    FileHandle.standardError.write(Data("load test could not run: \(error)\n".utf8))
    exit(1)
}
