import Testing
import TerminTestSupport
@testable import TerminStore
import TerminPostgres

/// `termin_notify_ledger` (Sql/033): a statement's lines go out in notifications of at most 7,000 bytes, each headed by
/// the writer's application_name, every line once and in order.
@Suite struct LedgerNotifyTests {
    @Test func manyLinesAreSplitIntoBoundedNotificationsInOrder() throws {
        let conninfo = try TestDatabase.create()
        let feed = try LedgerFeed(conninfo: conninfo)
        let writer = try PostgresConnection(conninfo: conninfo, applicationName: "notify-test")
        let lines = (0..<400).map { "+,\(String(repeating: "x", count: 36)),102522,10252201,2026-12-01,\($0),3,online" }
        _ = try writer.query("SELECT termin_notify_ledger($1::text[])", [PostgresArray.literal(lines)])
        var payloads: [String] = []
        var received = 0
        while received < lines.count {
            let batch = try feed.receive(timeoutMilliseconds: 2_000)
            if batch.isEmpty { break }
            payloads += batch
            received = payloads.reduce(0) { $0 + LedgerFeed.lines(of: $1).count - 1 }
        }
        #expect(payloads.count > 1, "about 33 kB of lines need several notifications")
        #expect(payloads.allSatisfy { $0.utf8.count <= 7_000 && $0.hasPrefix("notify-test\n") && $0.hasSuffix("\n") })
        #expect(payloads.flatMap { LedgerFeed.lines(of: $0).dropFirst().map(String.init) } == lines)
    }
}
