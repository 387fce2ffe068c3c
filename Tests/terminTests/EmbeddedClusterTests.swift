import Foundation
import Glibc
import Testing
import TerminCore
import TerminTestSupport

/// The embedded cluster under a serving engine: a command run beside it never stops it, and when the cluster dies
/// the engine starts it again and books on, losing nothing.
@Suite struct EmbeddedClusterTests {
    static let office = 102522
    /// Führungszeugnis: 5 minutes, one unit, every desk of Orleansplatz handles it.
    static let service = 1063565

    /// A fresh data directory under /tmp (the cluster's socket path must stay short).
    static func dataDirectory() -> String {
        "/tmp/termin-ec-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// The serving engine's cluster process id, from its `postmaster.pid`; `nil` when the cluster is not running.
    static func postmaster(_ dataDirectory: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postgres/data/postmaster.pid", encoding: .utf8),
              let pid = text.split(separator: "\n").first.flatMap({ pid_t($0) }), kill(pid, 0) == 0 else { return nil }
        return pid
    }

    /// Books the next free start of tomorrow onward; returns the answer.
    static func bookNextFreeStart(_ client: TestHTTPClient) throws -> TestHTTPClient.Response {
        let from = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970) + 86_400)).date
        let free = try client.send("GET", "/v1/availability?office=\(office)&service=\(service)&from=\(from)&to=\(from.adding(days: 14))")
        let start = try #require(free.availabilityDays.first?.starts.first, "no free start: \(free.status) \(free.text)")
        return try client.send("POST", "/v1/bookings",
                               body: #"{"office":\#(office),"start":"\#(start)","services":[{"id":\#(service)}]}"#)
    }

    @Test func everyCommandBesideAServingEngineLeavesItServing() throws {
        let directory = Self.dataDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServerProcess(serving: ["--port", "0", "--quiet", "--data-dir", directory])
        let client = try TestHTTPClient(port: server.port)
        // The cluster trusts its socket's every connection: no other user may reach it.
        for path in ["/postgres", "/postgres/run", "/postgres/run/.s.PGSQL.5432"] {
            var info = stat()
            #expect(stat(directory + path, &info) == 0 && info.st_mode & 0o077 == 0, "\(path) is open to others")
        }
        var booked: [(id: String, code: String)] = []
        for command in [["staff", "add", "Ada Admin", "--role", "admin"], ["staff", "list"], ["migrate"],
                        ["seed", "--history", "1"], ["forecast", "lead-time", "--office", String(Self.office)]] {
            let outcome = try TerminProcess.termin(command + ["--data-dir", directory])
            #expect(outcome.status == 0, "termin \(command.joined(separator: " ")): \(outcome.errors)")
            let booking = try Self.bookNextFreeStart(client)
            #expect(booking.status == 201, "after termin \(command.joined(separator: " ")): \(booking.status) \(booking.text)")
            if let id = booking.json["id"] as? String, let code = booking.json["code"] as? String { booked.append((id, code)) }
            #expect(try client.send("GET", "/readyz").status == 200)
        }
        for (id, code) in booked {
            #expect(try client.send("GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]).status == 200)
        }
        // The engine was the cluster's last user: it stops the cluster when it stops.
        server.kill(SIGTERM)
        #expect(try server.wait() == 0)
        #expect(Self.postmaster(directory) == nil)
    }

    @Test func aClusterKilledUnderAServingEngineComesBackAndBookingResumes() throws {
        let directory = Self.dataDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logFile = directory + ".log"
        defer { try? FileManager.default.removeItem(atPath: logFile) }
        let server = try ServerProcess(serving: ["--port", "0", "--quiet", "--data-dir", directory], logFile: logFile)
        let client = try TestHTTPClient(port: server.port)
        var booked: [(id: String, code: String)] = []
        for _ in 0..<5 {
            let booking = try Self.bookNextFreeStart(client)
            try #require(booking.status == 201, "\(booking.status) \(booking.text)")
            booked.append((booking.json["id"] as! String, booking.json["code"] as! String))
        }
        let killed = try #require(Self.postmaster(directory))
        kill(killed, SIGKILL)

        // The engine starts the cluster again; meanwhile a write answers 201 (a backend outliving its postmaster may
        // still commit) or 503, never anything else.
        let back = Wait.until("the cluster to be started again", seconds: 60) {
            if let answer = try? Self.bookNextFreeStart(client) {
                #expect(answer.status == 201 || answer.status == 503, "\(answer.status) \(answer.text)")
            }
            return (try? client.send("GET", "/metrics").text.contains("termin_database_cluster_restarts_total 1")) == true
                && (try? client.send("GET", "/readyz").status) == 200
        }
        try #require(back, "log: \((try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "")")
        #expect(Wait.until("a booking to commit again", seconds: 30) { (try? Self.bookNextFreeStart(client).status) == 201 })
        #expect(Self.postmaster(directory).map { $0 != killed } == true)
        for (id, code) in booked {
            let read = try client.send("GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"])
            #expect(read.status == 200 && read.json["status"] as? String == "confirmed", "booking \(id) lost: \(read.status)")
        }
        let log = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(log.contains("event=database_lost") && log.contains("event=cluster_restarted") && log.contains("event=database_restored"))
        #expect(log.contains("event=database_server_changed"))
        let metrics = try client.send("GET", "/metrics").text
        #expect(metrics.contains("termin_database_server_changes_total 1") && metrics.contains("termin_database_replication_lag_seconds 0"))
        server.kill(SIGTERM)
        #expect(try server.wait() == 0)
    }

    @Test func whileTheDatabaseIsAwayReadinessAndWritesAnswer503AndFreeTimesStillAnswer() throws {
        let conninfo = try TestDatabase.create()
        let name = try #require(conninfo.split(separator: " ").first { $0.hasPrefix("dbname=") }?.dropFirst("dbname=".count))
        let admin = try PostgresTestConnection(conninfo.replacingOccurrences(of: "dbname=\(name)", with: "dbname=postgres"))
        let server = try ServerProcess(conninfo: conninfo, extraArguments: ["--quiet"])
        let client = try TestHTTPClient(port: server.port)
        #expect(try client.send("GET", "/readyz").status == 200)

        // The database refuses every connection, and the engine's are cut.
        _ = try admin.scalar("ALTER DATABASE \(name) ALLOW_CONNECTIONS false")
        _ = try admin.scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(name)'")
        #expect(Wait.until("/readyz to answer 503", seconds: 30) { (try? client.send("GET", "/readyz").status) == 503 })
        let ready = try client.send("GET", "/readyz")
        #expect(ready.header("Retry-After") != nil && ready.json["type"] as? String == "urn:termin:problem:unavailable")
        let refused = try Self.bookNextFreeStart(client)   // its free time is read from memory
        #expect(refused.status == 503 && refused.header("Retry-After") != nil, "\(refused.status) \(refused.text)")
        #expect(try client.send("GET", "/metrics").text.contains("termin_database_up 0"))

        _ = try admin.scalar("ALTER DATABASE \(name) ALLOW_CONNECTIONS true")
        #expect(Wait.until("/readyz to answer 200", seconds: 30) { (try? client.send("GET", "/readyz").status) == 200 })
        #expect(Wait.until("a booking to commit again", seconds: 30) { (try? Self.bookNextFreeStart(client).status) == 201 })
        #expect(try client.send("GET", "/metrics").text.contains("termin_database_outages_total 1"))
    }

    @Test func aBackupTakenWhileServingRestoresEveryBookingBeforeItAndNoneAfter() throws {
        let directory = Self.dataDirectory()
        let backup = directory + ".tar.gz"
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: backup)
        }
        let server = try ServerProcess(serving: ["--port", "0", "--quiet", "--data-dir", directory])
        let client = try TestHTTPClient(port: server.port)
        func book() throws -> (id: String, code: String) {
            let booking = try Self.bookNextFreeStart(client)
            try #require(booking.status == 201, "\(booking.status) \(booking.text)")
            return (booking.json["id"] as! String, booking.json["code"] as! String)
        }
        let before = try (0..<3).map { _ in try book() }
        let backedUp = try TerminProcess.termin(["backup", backup, "--data-dir", directory])
        #expect(backedUp.status == 0, "\(backedUp.errors)")
        let after = try (0..<2).map { _ in try book() }
        // Not while the engine serves; it keeps serving.
        let refused = try TerminProcess.termin(["restore", backup, "--data-dir", directory])
        #expect(refused.status == 1 && refused.errors.contains("in use"), "\(refused.errors)")
        #expect(try client.send("GET", "/readyz").status == 200)
        server.kill(SIGTERM)
        #expect(try server.wait() == 0)

        let restored = try TerminProcess.termin(["restore", backup, "--data-dir", directory])
        #expect(restored.status == 0, "\(restored.errors)")
        let again = try ServerProcess(serving: ["--port", "0", "--quiet", "--data-dir", directory])
        let reader = try TestHTTPClient(port: again.port)
        // A history of its own: the WAL it writes never takes the names the replaced cluster wrote after the backup.
        let restoredCluster = try PostgresTestConnection("host=\(directory)/postgres/run port=5432 user=termin dbname=postgres")
        #expect(try restoredCluster.scalar("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)") == "00000002")
        #expect(try restoredCluster.scalar("SELECT pg_is_in_recovery()") == "f")
        for (id, code) in before {
            #expect(try reader.send("GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]).status == 200)
        }
        for (id, code) in after {
            #expect(try reader.send("GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]).status == 404)
        }
        // A file that is no backup is refused, and the data stays.
        try Data("not a backup".utf8).write(to: URL(fileURLWithPath: backup))
        again.kill(SIGTERM)
        #expect(try again.wait() == 0)
        let faulty = try TerminProcess.termin(["restore", backup, "--data-dir", directory])
        #expect(faulty.status != 0)
        #expect(FileManager.default.fileExists(atPath: directory + "/postgres/data/PG_VERSION"))
    }

    /// Point-in-time recovery as README describes it for a PostgreSQL with continuous archiving: a base backup, WAL
    /// archived as it is written, and a restore to a time between two bookings. The engine started on the recovered
    /// cluster serves every booking committed before that time and none after.
    @Test func continuousArchivingRestoresToAPointInTime() throws {
        let directory = Self.dataDirectory()
        let archive = directory + "-wal"
        let backup = directory + ".tar.gz"
        defer {
            for path in [directory, archive, backup, directory + "-serve.log"] { try? FileManager.default.removeItem(atPath: path) }
        }
        let data = directory + "/postgres/data"
        // The embedded cluster, made once and stopped; then every finished WAL segment archived.
        let first = try ServerProcess(serving: ["--port", "0", "--quiet", "--data-dir", directory], logFile: directory + "-serve.log")
        first.kill(SIGTERM)
        #expect(try first.wait() == 0)
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        try Self.appendSettings(to: data, """
            wal_level = replica
            archive_mode = on
            archive_command = 'test ! -f \(archive)/%f && cp %p \(archive)/%f'
            """, owning: [archive])

        let server = try ServerProcess(serving: ["--port", "0", "--quiet", "--data-dir", directory], logFile: directory + "-serve.log")
        let client = try TestHTTPClient(port: server.port)
        func book() throws -> (id: String, code: String) {
            let booking = try Self.bookNextFreeStart(client)
            try #require(booking.status == 201, "\(booking.status) \(booking.text)")
            return (booking.json["id"] as! String, booking.json["code"] as! String)
        }
        let backedUp = try TerminProcess.termin(["backup", backup, "--data-dir", directory])
        #expect(backedUp.status == 0, "\(backedUp.errors)")
        let before = try (0..<3).map { _ in try book() }
        Thread.sleep(forTimeInterval: 1.2)
        let target = Date()
        Thread.sleep(forTimeInterval: 1.2)
        let after = try (0..<2).map { _ in try book() }
        // The segment holding the last commits finished and archived (as a nightly switch or archive_timeout would).
        let admin = try PostgresTestConnection("host=\(directory)/postgres/run port=5432 user=termin dbname=postgres")
        let last = try #require(try admin.scalar("SELECT pg_walfile_name(pg_switch_wal())"))
        let archived = Wait.until("the last commits to be archived", seconds: 30) {
            ((try? admin.scalar("SELECT last_archived_wal FROM pg_stat_archiver")) ?? nil ?? "") >= last
        }
        #expect(archived)
        server.kill(SIGTERM)
        #expect(try server.wait() == 0)

        // Restore as README says: the data moved aside, the base backup unpacked, the archive replayed up to the target
        // time (while it replays, no connections: hot_standby off), then promoted.
        try FileManager.default.moveItem(atPath: data, toPath: data + ".replaced")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let unpacked = try ChildProcess.run("/bin/tar", ["-xzf", backup, "-C", data], seconds: 60)
        try #require(unpacked.status == 0, "\(unpacked.errors)")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        FileManager.default.createFile(atPath: data + "/recovery.signal", contents: Data())
        try Self.appendSettings(to: data, """
            restore_command = 'cp \(archive)/%f %p'
            recovery_target_time = '\(formatter.string(from: target))+00'
            recovery_target_action = 'promote'
            hot_standby = off
            """, owning: [data])
        let again = try ServerProcess(serving: ["--port", "0", "--quiet", "--data-dir", directory], logFile: directory + "-serve.log")
        let reader = try TestHTTPClient(port: again.port)
        for (id, code) in before {
            #expect(try reader.send("GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]).status == 200)
        }
        for (id, code) in after {
            #expect(try reader.send("GET", "/v1/bookings/\(id)", headers: ["Authorization": "Booking \(code)"]).status == 404)
        }
        #expect(try Self.bookNextFreeStart(reader).status == 201)   // promoted: it books again
        again.kill(SIGTERM)
        #expect(try again.wait() == 0)
    }

    /// Appends `settings` to the cluster's `postgresql.auto.conf`, and gives it and `paths` to the cluster's user.
    static func appendSettings(to data: String, _ settings: String, owning paths: [String]) throws {
        let file = FileHandle(forWritingAtPath: data + "/postgresql.auto.conf")!
        file.seekToEndOfFile()
        file.write(Data(("\n" + settings + "\n").utf8))
        file.closeFile()
        try giveToClusterUser([data + "/postgresql.auto.conf"] + paths)
    }

    /// Run as root, the embedded cluster runs as `postgres`: what it reads and writes must be that user's.
    static func giveToClusterUser(_ paths: [String]) throws {
        guard getuid() == 0 else { return }
        let owned = try ChildProcess.run("/bin/chown", ["-R", "postgres:postgres"] + paths, seconds: 30)
        try #require(owned.status == 0, "\(owned.errors)")
    }
}
