import Foundation

/// Applies the numbered SQL files of `Sql/` once each, in order, and records them with their checksums.
///
/// A file is named `NNN_description.sql`. Each is applied in its own transaction while the migrator holds an
/// advisory lock, so two instances starting together do not race. If a file that was applied has changed or
/// vanished since, the migrator refuses to go on: the schema would no longer be what the files say.
///
/// Beside a serving engine (another instance, during an upgrade) a migration's lock on a table would wait behind that
/// engine's transactions, and every statement on the table would queue behind the wait: bookings would stall. So a
/// migration waits at most `lockTimeoutMilliseconds` for a lock, is rolled back when it does not get it (the queue
/// behind it runs on), and is tried again, `lockAttemptsMax` times in all, `lockRetrySeconds` apart.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    /// Key of the advisory lock held while migrating.
    static let advisoryLockKey = "7265712351"

    public let migrations: [Migration]
    /// Longest wait of a migration for one lock, in milliseconds, before it is rolled back and tried again.
    public var lockTimeoutMilliseconds = 2_000
    /// Tries of a migration whose locks were not free before the migrator gives up.
    public var lockAttemptsMax = 15
    /// Pause between two tries, in seconds.
    public var lockRetrySeconds = 2.0

    /// Reads the migrations of a directory.
    public init(directory: String = Migrator.defaultDirectory()) throws(PostgresError) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw PostgresError(.migrationFailed, message: "cannot read the migrations in \(directory): \(error)")
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            guard let version = Int(name.prefix { $0.isNumber }), name.first?.isNumber == true else {
                throw PostgresError(.migrationFailed, message: "migration \(name) does not start with its number")
            }
            guard let sql = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) else {
                throw PostgresError(.migrationFailed, message: "cannot read migration \(name)")
            }
            if let last = migrations.last, last.version == version {
                throw PostgresError(.migrationFailed, message: "two migrations are numbered \(version)")
            }
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        self.migrations = migrations
    }

    /// The repository's `Sql/` folder.
    public static func defaultDirectory() -> String {
        // Sources/TerminPostgres/Migrator.swift → repository root.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sql").path
    }

    /// Applies every migration not applied yet. Returns the names applied now.
    @discardableResult
    public func migrate(_ connection: PostgresConnection) throws -> [String] {
        try connection.query("SELECT pg_advisory_lock($1::bigint)", [Self.advisoryLockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1::bigint)", [Self.advisoryLockKey]) }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migration (
                version    int PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """)
        let version = PostgresColumn("version", PostgresText.int), name = PostgresColumn("name", PostgresText.text)
        let checksum = PostgresColumn("checksum", PostgresText.text)
        var appliedChecksums: [Int: (String, String)] = [:]
        for (applied, appliedName, appliedChecksum) in try connection.select(
            PostgresSelection(version, name, checksum), "FROM schema_migration ORDER BY version", [],
            { row throws(PostgresError) in (try row[version], try row[name], try row[checksum]) }) {
            appliedChecksums[applied] = (appliedName, appliedChecksum)
        }
        let known = Set(migrations.map(\.version))
        if let missing = appliedChecksums.keys.sorted().first(where: { !known.contains($0) }) {
            throw PostgresError(.migrationFailed,
                                message: "migration \(appliedChecksums[missing]!.0) was applied but its file is gone")
        }
        var done: [String] = []
        for migration in migrations {
            let digest = PostgresColumn("encode(sha256(convert_to($1, 'UTF8')), 'hex')", PostgresText.text)
            let checksum = try connection.select(PostgresSelection(digest), "", [migration.sql]) { row throws(PostgresError) in
                try row[digest]
            }[0]
            if let (name, recorded) = appliedChecksums[migration.version] {
                guard recorded == checksum else {
                    throw PostgresError(.migrationFailed, message:
                        "migration \(name) changed after it was applied (checksum \(recorded), file \(checksum)); add a new migration instead")
                }
                continue
            }
            try apply(migration, checksum: checksum, connection)
            done.append(migration.name)
        }
        return done
    }

    /// Applies one migration in a transaction, again while its locks are not free in time (SQLSTATE 55P03).
    private func apply(_ migration: Migration, checksum: String, _ connection: PostgresConnection) throws {
        for attempt in 1...lockAttemptsMax {
            do {
                try connection.transaction { connection in
                    try connection.execute("SET LOCAL lock_timeout = \(lockTimeoutMilliseconds)")
                    try connection.execute(migration.sql)
                    try connection.query("INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)",
                                         [String(migration.version), migration.name, checksum])
                }
                return
            } catch let error as PostgresError where error.sqlState == "55P03" && attempt < lockAttemptsMax {
                Thread.sleep(forTimeInterval: lockRetrySeconds)
            } catch let error as PostgresError where error.sqlState == "55P03" {
                throw PostgresError(.migrationFailed, message: "migration \(migration.name) did not get its locks in \(lockAttemptsMax) "
                                    + "tries of \(lockTimeoutMilliseconds) ms: long transactions hold them (pg_locks); try again", sqlState: "55P03")
            }
        }
    }
}
