import Foundation
import TerminPostgres

/// `termin backup FILE`: a base backup of the embedded cluster, taken while the engine serves.
enum BackupCommand: Command {
    static let name = "backup"
    static let summary = "write a base backup of the embedded cluster to FILE (while serving); restore it with termin restore"
    static let positional: Positional? = Positional(name: "file", help: "where to write the backup (a gzipped tar)",
                                                    choices: [], defaultValue: nil, isRequired: true)
    static let options: [any OptionDeclaration] = Database.options
    static let details: String? = """
        The backup holds every booking committed before it ends, with the write-ahead log it needs
        (pg_basebackup -X stream, through a temporary replication slot, packed as one tar.gz; the copy is
        made beside FILE), and is taken beside a serving engine without stopping it. For a server of your
        own (--database-url) use PostgreSQL's tools: README.md, "Backup and restore".
        """

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let path = try backupFile(options, command: name)
        let database = try Database.open(options)
        defer { database.close() }
        try database.embedded!.cluster.backup(to: path)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print("backed up to \(path) (\(bytes / 1024) KiB)")
        return ExitCode.success
    }
}

/// `termin restore FILE`: the embedded cluster's data replaced by a backup (`termin backup`), the engine stopped.
enum RestoreCommand: Command {
    static let name = "restore"
    static let summary = "replace the embedded cluster's data with a backup made by termin backup (stop termin serve first)"
    static let positional: Positional? = Positional(name: "file", help: "the backup (termin backup)", choices: [],
                                                    defaultValue: nil, isRequired: true)
    static let options: [any OptionDeclaration] = Database.options
    static let details: String? = """
        Refused while another termin command uses the cluster. The replaced data is kept beside it
        (postgres/data.replaced-TIME) until you delete it. The restored cluster recovers to the end of the backup:
        every booking committed before the backup ended, none after; it opens on a new timeline.
        """

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let path = try backupFile(options, command: name)
        let cluster = try Database.embeddedCluster(options)
        guard let use = try cluster.useAlone() else {
            log("the embedded cluster in \(cluster.directory) is in use (termin serve?); stop it first")
            return ExitCode.failure
        }
        defer { use.close() }
        cluster.stop()
        let replaced = try cluster.restore(from: path)
        // Started once, so that it recovers now and says so if the backup is faulty; the last use stops it again.
        try cluster.start()
        print("restored \(path); the replaced data is in \(replaced)")
        return ExitCode.success
    }
}

/// The backup file a `backup` or `restore` command names, as an absolute path; those commands work on the embedded
/// cluster only.
private func backupFile(_ options: ParsedOptions, command: String) throws -> String {
    guard options.optional(Database.url) == nil else {
        throw ParsedOptions.UsageError(description: "termin \(command) works on the embedded cluster; for --database-url use "
                                       + "PostgreSQL's continuous archiving (README.md, \"Backup and restore\")")
    }
    return URL(fileURLWithPath: options.positional!).standardizedFileURL.path
}
