import Foundation
import TerminCore
import TerminEngine
import TerminPostgres
import TerminStore

/// The database the durable benchmarks write to: a fresh database with the project's schema and the benchmark
/// office (200 desks), on `--database-url` or on an embedded cluster with its default, durable settings (fsync on).
struct BenchDatabase {
    let conninfo: String
    let cluster: EmbeddedPostgres?

    static func open(url: String?) throws -> BenchDatabase {
        let name = "termin_bench_\(getpid())"
        var cluster: EmbeddedPostgres?
        let admin: String
        if let url {
            admin = url
        } else {
            let embedded = try EmbeddedPostgres(directory: NSTemporaryDirectory() + "termin-bench-\(getpid())")
            try embedded.start()
            cluster = embedded
            admin = embedded.conninfo()
        }
        let connection = try PostgresConnection(conninfo: admin)
        try connection.execute("DROP DATABASE IF EXISTS \(name)")
        try connection.execute("CREATE DATABASE \(name)")
        let conninfo = url.map { "\($0) dbname=\(name)" } ?? cluster!.conninfo(database: name)
        let db = try PostgresConnection(conninfo: conninfo)
        try Migrator().migrate(db)
        try db.query("""
            INSERT INTO office (id, name_de, display_name, public, street, house_number, postal_code, city, lat, lon,
              slot_minutes, horizon_days, min_notice_minutes, online_withheld_percent)
            VALUES ($1, 'Benchmark', 'Benchmark', false, '-', '-', '-', 'München', 48.1, 11.6, 5, 365, 0, 0)
            """, [String(BenchSupport.officeID)])
        try db.query("""
            INSERT INTO service (id, name_de, duration_minutes, max_quantity, public) VALUES ($1, 'Benchmark', 5, 1, false)
            """, [String(BenchSupport.serviceID)])
        try db.query("""
            INSERT INTO desk (id, office_id, number, accessible)
            SELECT $1::bigint * 1000 + n, $1, n, false FROM generate_series(1, 200) AS n
            """, [String(BenchSupport.officeID)])
        return BenchDatabase(conninfo: conninfo, cluster: cluster)
    }

    /// Connections for the naive anchor: PostgreSQL alone, without the ledger-notification triggers a single
    /// transaction per attempt would not need (they serialise at commit and would flatter the ratio).
    var naiveConninfo: String { conninfo + " options='-c session_replication_role=replica'" }

    func close() {
        if let cluster {
            cluster.stop()
            try? FileManager.default.removeItem(atPath: cluster.directory)
        }
    }

    func scalar(_ sql: String) throws -> String? { try PostgresConnection(conninfo: conninfo).query(sql).scalar }

    /// A confirmed booking of `units` at `startUnit` on a desk of the benchmark office.
    static func row(layout: DayLayout, deskID: Int, startUnit: Int, units: Int, now: Instant,
                    idempotency: WritePlan.Idempotency? = nil) -> AppointmentRepository.NewRow {
        let start = BerlinTime.instant(date: layout.date, minuteOfDay: startUnit * 5)
        let record = Appointment(
            id: UUID().uuidString.lowercased(),
            run: SlotRun(officeID: layout.officeID, deskID: deskID, date: layout.date, startUnit: startUnit, units: units),
            channel: .online, status: .confirmed, start: start, end: start.adding(seconds: Int64(units * 300)),
            services: [ServiceRequest(serviceID: BenchSupport.serviceID, quantity: 1)], expiresAt: nil, contact: nil)
        return AppointmentRepository.NewRow(record, code: "bench", now: now, idempotency: idempotency)
    }
}
