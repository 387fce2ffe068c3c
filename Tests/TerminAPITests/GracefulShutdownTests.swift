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
        let confirmed = Mutex<[String]>([])
        let answered = Atomic<Int>(0)
        let clients = DispatchGroup()
        let port = server.port
        for _ in 0..<16 {
            clients.enter()
            Thread {
                defer { clients.leave() }
                guard let client = try? TestHTTPClient(port: port) else { return }
                for attempt in 0..<5_000 {
                    let start = starts[attempt * 7 % starts.count]
                    let body = #"{"office":102522,"start":"\#(start)","services":[{"id":\#(CrashRecoveryTests.service)}]}"#
                    guard let response = try? client.send("POST", "/v1/bookings", body: body) else { return }
                    answered.add(1, ordering: .relaxed)
                    if response.status == 201, let id = response.json["id"] as? String { confirmed.withLock { $0.append(id) } }
                    if response.header("Connection") == "close" { return }
                }
            }.start()
        }
        while answered.load(ordering: .relaxed) < 200 { usleep(2_000) }
        server.kill(SIGTERM)
        #expect(server.wait() == 0)
        clients.wait()
        let ids = confirmed.withLock { $0 }
        #expect(!ids.isEmpty)
        let db = try PostgresTestConnection(conninfo)
        let stored = Int(try db.scalar("SELECT count(*) FROM appointment WHERE status = 'confirmed'") ?? "") ?? -1
        #expect(stored >= ids.count)
        for id in ids { #expect(try db.scalar("SELECT status FROM appointment WHERE id = '\(id)'") == "confirmed") }
        #expect((try? TestHTTPClient(port: port)) == nil, "nothing listens after the stop")
    }
}
