import Foundation
import Synchronization
import Testing
import TerminCore
import TerminTestSupport

/// SIGTERM in the middle of a burst: in-flight requests are answered, every 201 is committed, the process exits
/// 0, and afterwards nothing listens.
@Suite struct GracefulShutdownTests {
    @Test func sigtermFinishesInFlightRequestsAndFlushesTheWriter() throws {
        let conninfo = try TestDatabase.create()
        let server = try ServerProcess(conninfo: conninfo)
        let (_, starts) = try CrashRecoveryTests.releasedDay(port: server.port)
        let burst = BookingBurst(port: server.port, office: CrashRecoveryTests.office, service: CrashRecoveryTests.service,
                                 clients: 16, attemptsPerClient: 5_000, idempotent: false) { _, attempt in
            starts[attempt * 7 % starts.count]
        }
        try burst.waitForAnswers(atLeast: 200)
        server.kill(SIGTERM)
        #expect(try server.wait() == 0)
        let ids = try burst.finish().map(\.id)
        #expect(!ids.isEmpty)
        let db = try PostgresTestConnection(conninfo)
        let stored = Int(try db.scalar("SELECT count(*) FROM appointment WHERE status = 'confirmed'") ?? "") ?? -1
        #expect(stored >= ids.count)
        for id in ids { #expect(try db.scalar("SELECT status FROM appointment WHERE id = '\(id)'") == "confirmed") }
        #expect((try? TestHTTPClient(port: server.port)) == nil, "nothing listens after the stop")
    }
}
