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
