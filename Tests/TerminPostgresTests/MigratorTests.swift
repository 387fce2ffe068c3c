import Foundation
import Synchronization
import Testing
import TerminTestSupport
@testable import TerminPostgres

@Suite struct MigratorTests {
    func folder(_ files: [String: String]) throws -> String {
        let path = NSTemporaryDirectory() + "termin-migrations-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    @Test func appliesEachFileOnceInOrder() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        let path = try folder(["002_b.sql": "INSERT INTO log VALUES ('b');", "001_a.sql": "CREATE TABLE log (v text); INSERT INTO log VALUES ('a');"])
        #expect(try Migrator(directory: path).migrate(db) == ["001_a.sql", "002_b.sql"])
        #expect(try Migrator(directory: path).migrate(db) == [])
        #expect(try db.query("SELECT string_agg(v, ',') FROM log").scalar == "a,b")
    }

    @Test func refusesAChangedOrMissingFile() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        let path = try folder(["001_a.sql": "CREATE TABLE a (v int);"])
        try Migrator(directory: path).migrate(db)
        try "CREATE TABLE a (v bigint);".write(toFile: path + "/001_a.sql", atomically: true, encoding: .utf8)
        #expect { try Migrator(directory: path).migrate(db) } throws: {
            ($0 as! PostgresError).code == .migrationFailed && "\($0)".contains("changed")
        }
        try FileManager.default.removeItem(atPath: path + "/001_a.sql")
        try "SELECT 1;".write(toFile: path + "/002_b.sql", atomically: true, encoding: .utf8)
        #expect { try Migrator(directory: path).migrate(db) } throws: { "\($0)".contains("gone") }
    }

    @Test func aFailingMigrationIsRolledBackWhole() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        let path = try folder(["001_a.sql": "CREATE TABLE a (v int); SELECT 1/0;"])
        #expect(throws: PostgresError.self) { try Migrator(directory: path).migrate(db) }
        #expect(try db.query("SELECT to_regclass('a') IS NULL").scalar == "t")
        #expect(try db.query("SELECT count(*) FROM schema_migration").scalar == "0")
    }

    /// A migration whose table another transaction holds waits a bounded time, steps back so that statements queued
    /// behind it run on, and tries again: it applies once the table is free, and gives up with a clear error if it never is.
    @Test func aMigrationWaitingForALockStepsBackAndTriesAgain() throws {
        let conninfo = try TestDatabase.createEmpty()
        let db = try PostgresConnection(conninfo: conninfo), holder = try PostgresConnection(conninfo: conninfo)
        var migrator = try Migrator(directory: try folder(["001_a.sql": "CREATE TABLE a (v int);"]))
        try migrator.migrate(db)
        migrator = try Migrator(directory: try folder(["001_a.sql": "CREATE TABLE a (v int);", "002_b.sql": "ALTER TABLE a ADD COLUMN w int;"]))
        migrator.lockTimeoutMilliseconds = 100
        migrator.lockRetrySeconds = 0.05
        migrator.lockAttemptsMax = 3
        try holder.execute("BEGIN; LOCK TABLE a IN ACCESS SHARE MODE")   // a long read, as a serving engine's
        #expect { try migrator.migrate(db) } throws: {
            ($0 as! PostgresError).code == .migrationFailed && "\($0)".contains("did not get its locks in 3 tries")
        }
        #expect(try db.query("SELECT count(*) FROM schema_migration").scalar == "1")
        // Freed while the migrator waits: applied at a later try.
        migrator.lockAttemptsMax = 1_000
        let applied = Mutex<Result<[String], any Error>?>(nil)
        let migrating = Thread { [migrator] in
            let result = Result { () throws -> [String] in try migrator.migrate(try PostgresConnection(conninfo: conninfo)) }
            applied.withLock { $0 = result }
        }
        migrating.start()
        let observer = try PostgresConnection(conninfo: conninfo)
        try Wait.required("the migration waits for its lock") {
            try observer.query("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'a'::regclass").scalar != "0"
        }
        try holder.execute("COMMIT")
        try Wait.required("the migration applied") { applied.withLock { $0 != nil } }
        #expect(try applied.withLock { try $0!.get() } == ["002_b.sql"])
        #expect(try db.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'a'").scalar == "2")
    }

    @Test func theProjectMigrationsApplyToAnEmptyDatabase() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        let migrator = try Migrator()
        let applied = try migrator.migrate(db)
        #expect(applied.first == "001_catalog.sql" && applied.count == migrator.migrations.count)
    }
}
