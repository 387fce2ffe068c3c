import Foundation
import Synchronization
import TerminAPI
import TerminEngine
import TerminPostgres
import TerminCore
import TerminHTTP
import TerminStore
import TerminTestSupport

/// The whole service on a fresh database, listening on a free port, with a clock the test moves.
final class TestServer {
    /// Monday 2026-11-30, 09:00 in Munich.
    static let monday = BerlinTime.parse("2026-11-30T09:00:00+01:00")!
    static let orleansplatz = 102522
    static let personalausweis = 1063441
    static let reisepass = 1063453

    let conninfo: String
    let pool: ConnectionPool
    let clock: ManualClock
    let assembly: EngineAssembly
    var engine: BookingEngine { assembly.engine }
    let server: HTTPServer
    /// The access-log lines written so far.
    let logLines = LogLines()

    final class LogLines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    init(now: Instant = TestServer.monday, conninfo: String? = nil, counters: CounterEngine.Configuration = .init(),
         protection: Protection = Protection(), engine engineConfiguration: BookingEngine.Configuration = .init()) throws {
        self.conninfo = try conninfo ?? TestDatabase.create()
        pool = ConnectionPool(conninfo: self.conninfo, size: 8)
        clock = ManualClock(now)
        assembly = try EngineAssembly(pool: pool, clock: clock, configuration: engineConfiguration, counters: counters)
        // The sweeper does not run: tests sweep by hand after moving the clock.
        TestThreads.start(assembly.writer.loops + assembly.sync.loops)
        let api = TerminAPI(assembly: assembly, protection: protection)
        let router = api.router()
        var configuration = HTTPServer.Configuration()
        configuration.metrics = api.metrics
        configuration.accessLog = { [logLines] chunk in
            for line in chunk.split(separator: UInt8(ascii: "\n")) { logLines.append(String(decoding: line, as: UTF8.self)) }
        }
        configuration.port = 0
        configuration.loopCount = 2
        configuration.workerThreads = 8
        server = try HTTPServer(configuration: configuration, router: router)
        TestThreads.start(server.loops)
    }

    deinit {
        server.stop()
        assembly.stop()
    }

    func client() throws -> TestHTTPClient { try TestHTTPClient(port: server.port) }

    /// A new staff account's token.
    func staffToken(_ role: StaffRole = .clerk, offices: [Int] = [TestServer.orleansplatz], name: String = "Clerk",
                    dailyQuota: Int? = nil) throws -> String {
        try assembly.staff.add(name: name, role: role, officeIDs: offices, dailyQuota: dailyQuota).token
    }

    /// A SQL scalar from the test's database.
    func scalar(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        try pool.withConnection { try $0.query(sql, parameters).scalar }
    }

    /// Tuesday 2026-12-01 at `time` (HH:MM), Munich.
    static func tuesday(_ time: String) -> String { "2026-12-01T\(time):00+01:00" }

    static func holdBody(start: String, office: Int = orleansplatz, service: Int = personalausweis, quantity: Int = 1) -> String {
        #"{"office":\#(office),"start":"\#(start)","services":[{"id":\#(service),"quantity":\#(quantity)}]}"#
    }
}
