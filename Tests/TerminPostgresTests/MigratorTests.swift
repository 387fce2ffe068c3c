import Foundation
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

    @Test func theProjectMigrationsApplyToAnEmptyDatabase() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        let migrator = try Migrator()
        let applied = try migrator.migrate(db)
        #expect(applied.first == "001_catalog.sql" && applied.count == migrator.migrations.count)
    }
}
