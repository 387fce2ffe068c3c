/// `termin migrate`: applies the SQL migrations not applied yet.
enum MigrateCommand: Command {
    static let name = "migrate"
    static let summary = "apply the SQL migrations in Sql/ that are not applied yet"
    static let options = Database.options

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let database = try Database.open(options)
        defer { database.close() }
        let applied = try database.migrate()
        print(applied.isEmpty ? "schema is up to date" : "applied: " + applied.joined(separator: ", "))
        return ExitCode.success
    }
}
