import Foundation
import TerminCore
import TerminEngine
import TerminPostgres
import TerminStore

/// `termin staff`: staff accounts. A new account's token is printed once; only its hash is stored.
enum StaffCommand: Command {
    static let name = "staff"
    static let summary = "add, list or revoke staff accounts (clerk, lead, planner, admin, helper, intermediary)"
    /// What the command does.
    enum Action: String, CaseIterable {
        case add, list, revoke
    }

    static let positional: Positional? = Positional(name: "action", help: "", actions: Action.self, default: .list,
                                                    operand: "NAME") { action in
        switch action {
        case .add: ("add the account NAME and print its token once", [role, offices, dailyQuota])
        case .list: ("list the accounts (never their tokens)", [])
        case .revoke: ("revoke the account NAME-OR-ID at once", [])
        }
    }
    static let role = Option.choice("role", value: "ROLE", help: "the account's role", default: StaffRole.clerk)
    static let offices = Option.text("office", value: "IDS",
                                     help: "the office ids the account acts at, separated by commas (admins and planners: unset means every office)")
    static let dailyQuota = Option<Int>(name: "daily-quota", valueName: "N",
                                        help: "an intermediary's bookings on a citizen's behalf a day",
                                        defaultValue: nil, defaultDescription: String(StaffRole.intermediaryDailyQuotaDefault),
                                        environment: nil, expectation: "a whole number from 1 to 10000") {
        Int($0).flatMap { (1...10_000).contains($0) ? $0 : nil }
    }
    static let options: [any OptionDeclaration] = Database.options
    static let details: String? = """
        The first admin is made here, on the machine that runs the engine: termin staff add "Name" --role admin.
        Staff send their token as Authorization: Bearer TOKEN; a revoked token is refused at once.
        Helpers (--role helper --office IDS) serve and book at their help places; intermediaries (social services,
        the 115 hotline: --role intermediary) book on a citizen's behalf at every help place, at most --daily-quota a day.
        """

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let action = options.action(Action.self)
        var officeIDs: [Int] = []
        if let text = options.optional(offices) {
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let id = Int(part), id > 0 else { throw ParsedOptions.UsageError(description: "--office: '\(part)' is not an office id") }
                officeIDs.append(id)
            }
        }
        if action == .add {
            guard let name = options.operand?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= StaffDirectory.nameMax,
                  !name.contains(where: \.isNewline) else {
                throw ParsedOptions.UsageError(description: "add needs a NAME of 1 to \(StaffDirectory.nameMax) characters on one line")
            }
            let role = options[role]
            if role.needsOffices && officeIDs.isEmpty {
                throw ParsedOptions.UsageError(description: "a \(role.rawValue) acts at named offices: give --office IDS")
            }
            let quota = options.optional(dailyQuota)
            if quota != nil && role != .intermediary {
                throw ParsedOptions.UsageError(description: "--daily-quota: only an intermediary has a daily quota")
            }
            return try withDirectory(options) { directory, catalog in
                if let unknown = officeIDs.first(where: { catalog.offices[$0] == nil }) {
                    throw ParsedOptions.UsageError(description: "--office: there is no office \(unknown)")
                }
                let (member, token) = try directory.add(name: name, role: role, officeIDs: officeIDs, dailyQuota: quota)
                let everywhere = member.role == .intermediary ? "every help place" : "every office"
                print("added \(member.role.rawValue) \(member.name) (id \(member.id)) at "
                      + (member.officeIDs.isEmpty ? everywhere : "offices " + member.officeIDs.sorted().map(String.init).joined(separator: ", "))
                      + (member.dailyQuota.map { ", \($0) bookings on a citizen's behalf a day" } ?? ""))
                print("token (shown this once; send it as Authorization: Bearer TOKEN):")
                print(token)
                return ExitCode.success
            }
        }
        if action == .revoke {
            guard let target = options.operand else { throw ParsedOptions.UsageError(description: "revoke needs the account's NAME or ID") }
            return try withDirectory(options) { directory, _ in
                let matches = try directory.accounts().filter { $0.revokedAt == nil && (String($0.member.id) == target || $0.member.name == target) }
                guard matches.count == 1, try directory.revoke(id: matches[0].member.id) else {
                    log(matches.isEmpty ? "no active account \(target)" : "\(matches.count) active accounts are named \(target): give the id")
                    return ExitCode.failure
                }
                print("revoked \(matches[0].member.name) (id \(matches[0].member.id))")
                return ExitCode.success
            }
        }
        return try withDirectory(options) { directory, _ in
            print(["id", "name", "role", "offices", "created", "revoked"].joined(separator: "\t"))
            for account in try directory.accounts() {
                print([String(account.member.id), account.member.name, account.member.role.rawValue,
                       account.member.officeIDs.isEmpty ? "all" : account.member.officeIDs.sorted().map(String.init).joined(separator: ","),
                       BerlinTime.format(account.createdAt), account.revokedAt.map(BerlinTime.format) ?? "-"].joined(separator: "\t"))
            }
            return ExitCode.success
        }
    }

    /// Runs `body` on the migrated store's staff directory and catalogue.
    static func withDirectory(_ options: ParsedOptions, _ body: (StaffDirectory, Catalog) throws -> Int32) throws -> Int32 {
        let database = try Database.open(options)
        defer { database.close() }
        _ = try database.migrate()
        let connection = try PostgresConnection(conninfo: database.conninfo)
        if try CatalogRepository.isEmpty(connection) { _ = try Seeder.seed(connection) }
        let catalog = try CatalogRepository.load(connection)
        return try body(StaffDirectory(pool: ConnectionPool(conninfo: database.conninfo, size: 1), clock: SystemClock()), catalog)
    }
}
