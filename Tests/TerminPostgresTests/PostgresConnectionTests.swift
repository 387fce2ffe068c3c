import Glibc
import Testing
import TerminTestSupport
@testable import TerminPostgres

@Suite struct PostgresConnectionTests {
    @Test func parametersTravelAsValuesNeverAsSQL() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        let hostile = "x'); DROP TABLE pg_class; --"
        let rows = try db.query("SELECT $1::text, $2::int + 1, $3::text IS NULL", [hostile, "41", nil])
        #expect(rows.rows[0] == [hostile, "42", "t"])
    }

    @Test func errorsCarryTheSQLState() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        #expect {
            try db.query("SELECT 1/0")
        } throws: { ($0 as! PostgresError).sqlState == "22012" }
        // The connection stays usable after an error.
        #expect(try db.query("SELECT 1").scalar == "1")
    }

    @Test func aValueHoldingNULIsRefusedNotCutShort() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        // As a C string it would end after "a" and be stored as "a".
        #expect {
            try db.query("SELECT $1::text", ["a\u{0}b"])
        } throws: { ($0 as! PostgresError).sqlState == "22021" }
        #expect(try db.query("SELECT $1::text", ["a b"]).scalar == "a b")
    }

    @Test func aFailedTransactionLeavesNothing() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        try db.execute("CREATE TABLE t (v int PRIMARY KEY)")
        #expect(throws: PostgresError.self) {
            try db.transaction { db in
                try db.query("INSERT INTO t VALUES ($1)", ["1"])
                try db.query("INSERT INTO t VALUES ($1)", ["1"])
            }
        }
        #expect(try db.query("SELECT count(*) FROM t").scalar == "0")
    }

    @Test func aBadConnectionStringIsAConnectionError() {
        #expect {
            try PostgresConnection(conninfo: "host=/nonexistent-socket-dir dbname=x connect_timeout=2")
        } throws: { ($0 as! PostgresError).code == .connectionFailed }
    }

    @Test func overTCPADeadServerIsNoticedWithinHalfAMinuteUnlessTheConnectionSaysOtherwise() throws {
        let postgres = try TestDatabase.cluster()
        let forwarder = try TCPForwarder(toUnixSocket: postgres.socketDirectory + "/.s.PGSQL.\(EmbeddedPostgres.port)")
        defer { forwarder.stop() }
        let overTCP = "host=127.0.0.1 port=\(forwarder.port) user=\(EmbeddedPostgres.superuser) dbname=postgres"
        func option(_ db: PostgresConnection, _ level: Int32, _ name: Int32) -> Int32 {
            var value: Int32 = -1
            var length = socklen_t(MemoryLayout<Int32>.size)
            #expect(getsockopt(db.socket, level, name, &value, &length) == 0)
            return value
        }
        let probed = try PostgresConnection(conninfo: overTCP)
        #expect(try probed.query("SELECT 1").scalar == "1")
        #expect(option(probed, SOL_SOCKET, SO_KEEPALIVE) == 1)
        #expect(option(probed, Int32(IPPROTO_TCP), TCP_KEEPIDLE) == 10)
        #expect(option(probed, Int32(IPPROTO_TCP), TCP_KEEPINTVL) == 5)
        #expect(option(probed, Int32(IPPROTO_TCP), TCP_KEEPCNT) == 3)
        #expect(option(probed, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT) == 30_000)
        let own = try PostgresConnection(conninfo: overTCP + " keepalives_idle=60 tcp_user_timeout=0")
        #expect(option(own, Int32(IPPROTO_TCP), TCP_KEEPIDLE) == 60)
        #expect(option(own, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT) == 0)
        #expect(option(own, Int32(IPPROTO_TCP), TCP_KEEPCNT) == 3)
        // A URI's settings win the same way.
        let uri = try PostgresConnection(conninfo: "postgresql://\(EmbeddedPostgres.superuser)@127.0.0.1:\(forwarder.port)/postgres?keepalives_count=7")
        #expect(option(uri, Int32(IPPROTO_TCP), TCP_KEEPCNT) == 7)
        #expect(option(uri, Int32(IPPROTO_TCP), TCP_KEEPIDLE) == 10)
    }

    /// Where a service file or the environment may set them, the defaults step aside: libpq fills a setting from those
    /// only while nothing set it.
    @Test func theTCPDefaultsLeaveAServiceFileAndTheEnvironmentTheirSay() {
        let all = PostgresConnection.tcpDefaults.map(\.key)
        #expect(PostgresConnection.defaults(for: "host=db1 dbname=termin", environment: [:]).map(\.key) == all)
        #expect(PostgresConnection.defaults(for: "service=termin", environment: [:]).isEmpty)
        #expect(PostgresConnection.defaults(for: "postgresql://db1/termin?service=termin", environment: [:]).isEmpty)
        #expect(PostgresConnection.defaults(for: "dbname=termin", environment: ["PGSERVICE": "termin"]).isEmpty)
        #expect(PostgresConnection.defaults(for: "dbname=termin", environment: ["PGCONNECT_TIMEOUT": "2"]).map(\.key)
                == all.filter { $0 != "connect_timeout" })
    }

    @Test func aPooledConnectionTheServerClosedIsReplacedNotHandedOut() throws {
        let conninfo = try TestDatabase.createEmpty()
        let pool = ConnectionPool(conninfo: conninfo, size: 1)
        let pid = try #require(try pool.withConnection { try $0.query("SELECT pg_backend_pid()").scalar })
        // As a restart or a failover would: the server ends the idle connection.
        let admin = try PostgresConnection(conninfo: conninfo)
        #expect(try admin.query("SELECT pg_terminate_backend($1::int)", [pid]).scalar == "t")
        try Wait.required("the backend ended") {
            try admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int", [pid]).scalar == "0"
        }
        usleep(100_000)   // its process leaves the activity view a moment before its socket closes
        let next = try pool.withConnection { try $0.query("SELECT pg_backend_pid()").scalar }
        #expect(next != pid)
    }

    @Test func thePoolIsBoundedAndTimesOut() throws {
        let pool = ConnectionPool(conninfo: try TestDatabase.createEmpty(), size: 1, acquireTimeoutSeconds: 0.2)
        _ = try pool.withConnection { _ in
            #expect {
                try pool.withConnection { _ in }
            } throws: { ($0 as! PostgresError).code == .poolTimeout }
        }
        #expect(try pool.withConnection { try $0.query("SELECT 2").scalar } == "2")
    }
}
