import Foundation
import Glibc

/// A private PostgreSQL cluster started from the installed server binaries, listening on a Unix socket only.
///
/// Layout under `directory`: `data/` (the cluster), `run/` (the socket), `postgres.log`. When the process runs as
/// root the cluster runs as an unprivileged user (`TERMIN_PG_USER`, else `postgres`, else `nobody`), since
/// PostgreSQL refuses to run as root. A cluster left running by a killed process is adopted, not started twice.
///
/// Several processes may use one cluster at once (a serving engine, and a CLI command beside it): each holds a `Use`,
/// and the cluster stops only when the last use closes, and only if Termin started it (`use()`).
public final class EmbeddedPostgres: Sendable {
    /// Port number, which for a Unix socket only names the socket file.
    public static let port = 5432
    /// Name of the cluster's superuser.
    public static let superuser = "termin"

    public let directory: String
    public let binDirectory: String
    /// Extra `-c name=value` server settings (tests turn fsync off).
    public let settings: [String: String]
    private let runAs: (name: String, uid: uid_t, gid: gid_t)?

    public var dataDirectory: String { directory + "/data" }
    public var socketDirectory: String { directory + "/run" }
    public var logFile: String { directory + "/postgres.log" }
    /// Shared-locked by every process that uses the cluster; whoever gets it exclusively is its last user.
    var usersLockFile: String { directory + "/users.lock" }
    /// Exclusively locked while a process checks for and starts the cluster, so that two never start it together.
    var startLockFile: String { directory + "/start.lock" }
    /// Present while the running cluster is one Termin started (and so may stop); an operator's is left alone.
    var startedMarkerFile: String { directory + "/started-by-termin" }

    /// libpq connection string for a database of the cluster.
    public func conninfo(database: String = "postgres") -> String {
        "host=\(socketDirectory) port=\(Self.port) user=\(Self.superuser) dbname=\(database)"
    }

    /// Prepares (but does not start) a cluster in `directory`.
    /// - Parameters:
    ///   - binDirectory: the server binaries; `nil`: found as `locateBinaries` says.
    ///   - runAsUser: when running as root, the unprivileged user the server runs as; `nil`: `postgres`, else `nobody`.
    public init(directory: String, settings: [String: String] = [:], binDirectory: String? = nil,
                runAsUser: String? = nil) throws(PostgresError) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        if let binDirectory { self.binDirectory = binDirectory } else { self.binDirectory = try Self.locateBinaries() }
        self.settings = settings
        if geteuid() == 0 {
            let candidates = runAsUser.map { [$0] } ?? ["postgres", "nobody"]
            guard let user = candidates.lazy.compactMap({ name in getpwnam(name).map { (name, $0.pointee.pw_uid, $0.pointee.pw_gid) } }).first else {
                throw PostgresError(.launchFailed, message: "running as root, but no unprivileged user to run PostgreSQL as")
            }
            runAs = user
        } else {
            runAs = nil
        }
    }

    /// The server binaries: `pg_config --bindir`, else the newest of Debian's `/usr/lib/postgresql/*/bin`.
    public static func locateBinaries() throws(PostgresError) -> String {
        var candidates: [String] = []
        if let output = try? Subprocess.run("/bin/sh", ["-c", "pg_config --bindir 2>/dev/null"]).output {
            candidates.append(output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }) else {
            throw PostgresError(.launchFailed, message:
                "no PostgreSQL server binaries found (pg_config --bindir, /usr/lib/postgresql/*/bin); install postgresql")
        }
        return found
    }

    /// Creates the cluster if needed and starts it unless it is already running (one process at a time). Waits until
    /// it accepts connections. Returns whether this call started it.
    @discardableResult
    public func start() throws(PostgresError) -> Bool {
        let fileManager = FileManager.default
        // The cluster trusts every connection on its socket: only its own user (and root) may reach it.
        for path in [directory, socketDirectory] {
            do { try fileManager.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw PostgresError(.launchFailed, message: "cannot create \(path): \(error)")
            }
            chmod(path, 0o700)
        }
        if let runAs {
            for path in [directory, socketDirectory] { chown(path, runAs.uid, runAs.gid) }
            try checkReachable(by: runAs)
        }
        let starting = try LockFile(path: startLockFile)
        starting.lock(.exclusive)
        defer { starting.close() }
        if !fileManager.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            try pgCommand("initdb", ["-D", dataDirectory, "-U", Self.superuser, "--auth=trust", "-E", "UTF8",
                                     "--locale=C.UTF-8", "--no-instructions"], what: "initdb")
        }
        if isRunning {
            try waitUntilWritable()   // started by another process, perhaps still recovering
            return false
        }
        var options = "-k \(socketDirectory) -p \(Self.port) -c listen_addresses='' -c unix_socket_permissions=0700"
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) { options += " -c \(name)=\(value)" }
        try pgCommand("pg_ctl", ["start", "-w", "-t", String(Int(Self.startSecondsMax)), "-D", dataDirectory, "-l", logFile,
                                 "-o", options], what: "pg_ctl start")
        _ = FileManager.default.createFile(atPath: startedMarkerFile, contents: nil)
        try waitUntilWritable()
        return true
    }

    /// Longest wait for the cluster to start, and again for it to leave recovery, in seconds.
    public static let startSecondsMax = 60.0

    /// Waits until the server accepts connections and has left recovery: a cluster restored to a point in time replays
    /// its archive before it opens (refusing connections, or answering read-only), and `pg_ctl start -w` may return
    /// before it is done.
    private func waitUntilWritable() throws(PostgresError) {
        let deadline = Date().addingTimeInterval(Self.startSecondsMax)
        var reason = ""
        while Date() < deadline {
            do {
                let connection = try PostgresConnection(conninfo: conninfo())
                if try connection.query("SELECT pg_is_in_recovery()").scalar == "f" { return }
                reason = "it is still recovering"
            } catch {
                reason = "\(error)"
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw PostgresError(.launchFailed, message: "the cluster did not open for writing within \(Int(Self.startSecondsMax)) s: \(reason)")
    }

    /// Whether the cluster's server is running (`pg_ctl status`).
    public var isRunning: Bool {
        (try? pgCommand("pg_ctl", ["status", "-D", dataDirectory], what: "pg_ctl status")) != nil
    }

    /// Starts using the cluster: starts it unless it runs, and keeps it from being stopped by another process's
    /// `Use.close()` until this use closes (or this process ends).
    public func use() throws(PostgresError) -> Use {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw PostgresError(.launchFailed, message: "cannot create \(directory): \(error)")
        }
        let users = try LockFile(path: usersLockFile)
        users.lock(.shared)
        do { try start() } catch {
            users.close()
            throw error
        }
        return Use(cluster: self, users: users)
    }

    /// Starts using the cluster alone, for a command that replaces its data (`restore`): `nil` while another
    /// process uses it. Does not start it.
    public func useAlone() throws(PostgresError) -> Use? {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw PostgresError(.launchFailed, message: "cannot create \(directory): \(error)")
        }
        let users = try LockFile(path: usersLockFile)
        guard users.tryLock(.exclusive) else {
            users.close()
            return nil
        }
        return Use(cluster: self, users: users)
    }

    /// One process's use of the cluster (`use()`).
    public final class Use: Sendable {
        public let cluster: EmbeddedPostgres
        private let users: LockFile

        init(cluster: EmbeddedPostgres, users: LockFile) {
            self.cluster = cluster
            self.users = users
        }

        /// Ends this use. The last use of a cluster Termin started stops it; a cluster that other processes still
        /// use, or that an operator started, keeps running.
        public func close() {
            if FileManager.default.fileExists(atPath: cluster.startedMarkerFile), users.tryLock(.exclusive) {
                cluster.stop()
            }
            users.close()
        }
    }

    /// The cluster's user must be able to pass through every folder above `directory`; say which one stops it.
    private func checkReachable(by user: (name: String, uid: uid_t, gid: gid_t)) throws(PostgresError) {
        var path = URL(fileURLWithPath: directory).deletingLastPathComponent()
        while path.path != "/" {
            var info = stat()
            guard stat(path.path, &info) == 0 else { break }
            let mode = info.st_mode
            let passable = (info.st_uid == user.uid && mode & S_IXUSR != 0) || (info.st_gid == user.gid && mode & S_IXGRP != 0)
                || mode & S_IXOTH != 0
            guard passable else {
                throw PostgresError(.launchFailed, message: "PostgreSQL runs as '\(user.name)', which cannot pass through "
                    + "\(path.path); choose a data directory it can reach (--data-dir) or run chmod o+x \(path.path)")
            }
            path.deleteLastPathComponent()
        }
    }

    /// Stops the cluster (fast shutdown: running transactions are rolled back, committed data is safe).
    public func stop() {
        _ = try? pgCommand("pg_ctl", ["stop", "-w", "-t", "60", "-m", "fast", "-D", dataDirectory], what: "pg_ctl stop")
        try? FileManager.default.removeItem(atPath: startedMarkerFile)
    }

    /// Writes a base backup of the running cluster to `path`: one gzipped tar holding the data and the write-ahead log
    /// it needs, consistent as of the backup's end, taken while others read and write. Restored with `restore(from:)`.
    ///
    /// The WAL is streamed beside the copy through a temporary replication slot (`pg_basebackup -X stream`), so the
    /// server keeps every segment the backup needs however long it takes under load; fetched at the end instead, a
    /// segment recycled meanwhile failed the backup. The copy is made beside `path` (never on the cluster's disk, which
    /// it could fill), by the invoking user (who can write there), packed, flushed, and renamed over `path`: a backup
    /// there is only ever replaced by a whole one.
    public func backup(to path: String) throws(PostgresError) {
        let fileManager = FileManager.default
        let scratch = path + ".partial-\(getpid()).d", partial = path + ".partial-\(getpid())"
        try? fileManager.removeItem(atPath: scratch)
        try? fileManager.removeItem(atPath: partial)
        defer { try? fileManager.removeItem(atPath: scratch) }
        try run(binDirectory + "/pg_basebackup", ["-h", socketDirectory, "-p", String(Self.port), "-U", Self.superuser,
                                                  "-D", scratch, "-Fp", "-X", "stream", "--checkpoint=fast"], what: "pg_basebackup")
        do {
            try run("/bin/tar", ["-czf", partial, "-C", scratch, "."], what: "packing the backup")
            try Self.synchronize(partial)
            guard rename(partial, path) == 0 else { throw PostgresError(.launchFailed, message: String(cString: strerror(errno))) }
        } catch {
            try? fileManager.removeItem(atPath: partial)
            throw PostgresError(.launchFailed, message: "cannot write \(path): \(error)")
        }
    }

    /// Flushes a file's bytes to disk.
    private static func synchronize(_ path: String) throws {
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try file.synchronize()
        try file.close()
    }

    /// Replaces the cluster's data with the base backup at `path` (made by `backup(to:)`); the cluster must be
    /// stopped, and stays so. The replaced data is kept beside it; returns where. At its next start the cluster
    /// recovers what the backup holds (`recoveryAfterRestore`) and opens on a new timeline.
    ///
    /// Without the new timeline, the restored cluster would write WAL under the names the replaced one used after the
    /// backup: a WAL archive would hold two histories under one name, or (with an archive command that keeps what it
    /// has, as it should) refuse every segment from then on while they pile up on disk.
    @discardableResult
    public func restore(from path: String) throws(PostgresError) -> String {
        let fileManager = FileManager.default
        guard fileManager.isReadableFile(atPath: path) else {
            throw PostgresError(.launchFailed, message: "cannot read the backup \(path)")
        }
        guard !isRunning else { throw PostgresError(.launchFailed, message: "the cluster is running; stop it first") }
        let restoring = directory + "/data.restoring"
        try? fileManager.removeItem(atPath: restoring)
        do { try fileManager.createDirectory(atPath: restoring, withIntermediateDirectories: true) } catch {
            throw PostgresError(.launchFailed, message: "cannot create \(restoring): \(error)")
        }
        do { try run("/bin/tar", ["-xzf", path, "-C", restoring], what: "unpacking the backup") } catch {
            try? fileManager.removeItem(atPath: restoring)
            throw error
        }
        guard fileManager.fileExists(atPath: restoring + "/PG_VERSION"), fileManager.fileExists(atPath: restoring + "/backup_label") else {
            try? fileManager.removeItem(atPath: restoring)
            throw PostgresError(.launchFailed, message: "\(path) is not a base backup of a cluster (no PG_VERSION, backup_label)")
        }
        chmod(restoring, 0o700)
        do {
            let settings = try FileHandle(forWritingTo: URL(fileURLWithPath: restoring + "/postgresql.auto.conf"))
            try settings.seekToEnd()
            try settings.write(contentsOf: Data(Self.recoveryAfterRestore.utf8))
            try settings.close()
            _ = fileManager.createFile(atPath: restoring + "/recovery.signal", contents: nil)
        } catch {
            try? fileManager.removeItem(atPath: restoring)
            throw PostgresError(.launchFailed, message: "cannot prepare the restored data's recovery: \(error)")
        }
        if let runAs { try run("/bin/chown", ["-R", "\(runAs.uid):\(runAs.gid)", restoring], what: "handing the data to \(runAs.name)") }
        let replaced = dataDirectory + ".replaced-\(Int(Date().timeIntervalSince1970))"
        do {
            if fileManager.fileExists(atPath: dataDirectory) { try fileManager.moveItem(atPath: dataDirectory, toPath: replaced) }
            try fileManager.moveItem(atPath: restoring, toPath: dataDirectory)
        } catch {
            throw PostgresError(.launchFailed, message: "cannot put the restored data in place: \(error)")
        }
        return replaced
    }

    /// The settings a restored backup recovers with (appended to its `postgresql.auto.conf`, where later lines win):
    /// the WAL in the backup and no more (no archive is read, and no recovery target of an earlier point-in-time
    /// restore applies), then open for writing.
    static let recoveryAfterRestore = """

        # termin restore: recover what the backup holds, then open on a new timeline
        restore_command = 'false'
        recovery_target = ''
        recovery_target_time = ''
        recovery_target_xid = ''
        recovery_target_lsn = ''
        recovery_target_name = ''
        recovery_target_action = 'promote'

        """

    /// Creates a database if it does not exist.
    public func createDatabase(_ name: String, template: String? = nil) throws {
        let connection = try PostgresConnection(conninfo: conninfo())
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
        guard exists.isEmpty else { return }
        // Identifiers cannot be parameters; the name is checked to be a plain identifier.
        precondition(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "database names are plain identifiers")
        do {
            try connection.execute("CREATE DATABASE \(name)" + (template.map { " TEMPLATE \($0)" } ?? ""))
        } catch {
            // 42P04: another process, starting beside this one, created it meanwhile.
            guard error.sqlState == "42P04" else { throw error }
        }
    }

    @discardableResult
    private func pgCommand(_ tool: String, _ arguments: [String], what: String) throws(PostgresError) -> String {
        let executable = binDirectory + "/" + tool
        if let runAs { return try run("/usr/sbin/runuser", ["-u", runAs.name, "--", executable] + arguments, what: what) }
        return try run(executable, arguments, what: what)
    }

    /// Runs a program to its end; its output, or an error saying `what` failed.
    @discardableResult
    private func run(_ executable: String, _ arguments: [String], what: String) throws(PostgresError) -> String {
        let result: (status: Int32, output: String)
        do {
            result = try Subprocess.run(executable, arguments)
        } catch {
            throw PostgresError(.launchFailed, message: "\(what) could not run: \(error)")
        }
        guard result.status == 0 else {
            throw PostgresError(.launchFailed, message: "\(what) failed (exit \(result.status)): \(result.output)")
        }
        return result.output
    }

}
