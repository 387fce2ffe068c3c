import TerminCore
import TerminPostgres

/// The database's feed of desk-time changes: the `termin_ledger` notifications that every change of a live
/// appointment sends (Sql/004, its triggers), each payload one line `LedgerEvent` parses; and what a listener that
/// lost its connection reads to catch up.
///
/// Used by one thread at a time: its creator starts listening at once (so nothing committed from then on is missed)
/// and hands it to the one loop that receives from it; that hand-over goes through a lock.
public final class LedgerFeed: @unchecked Sendable {
    /// The notification channel.
    public static let channel = "termin_ledger"

    private let listener: PostgresListener

    /// Listens from now on.
    public init(conninfo: String) throws {
        listener = try PostgresListener(conninfo: conninfo, channel: Self.channel)
    }

    /// The payloads that arrive within `timeoutMilliseconds` (none when none do).
    /// - Throws: when the connection is lost; listen again with a new feed and catch up with `live(from:conninfo:)`.
    public func receive(timeoutMilliseconds: Int32) throws -> [String] {
        try listener.receive(timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The lines of a payload, split as UTF-8 bytes (a notification is ASCII; splitting characters costs far more).
    public static func lines(of payload: String) -> [Substring] {
        payload.utf8.split(separator: UInt8(ascii: "\n")).map(Substring.init)
    }

    /// Whether a payload (its `lines`) announces a new release round (a line `round,<id>`, Sql/031).
    public static func announcesRound(in lines: [Substring]) -> Bool {
        lines.contains { $0.hasPrefix("round,") }
    }

    /// The catalogue's revision a payload (its `lines`) announces (its line `catalog,<revision>`, Sql/021), if it
    /// announces one.
    public static func catalogRevision(in lines: [Substring]) -> Int? {
        for line in lines where line.hasPrefix("catalog,") {
            return Int(line.dropFirst("catalog,".count))
        }
        return nil
    }

    /// The catalogue with its revision, and what the ledger holds time for from `date` on (see
    /// `AppointmentRepository.live`), read in this order on a connection of their own: a reconnected listener's
    /// catch-up, or the rebuild after a change of master data.
    public static func catalogAndLive(from date: LocalDate, conninfo: String) throws
        -> (catalog: Catalog, revision: Int, live: [Appointment]) {
        let db = try PostgresConnection(conninfo: conninfo)
        let (catalog, revision) = try CatalogRepository.loadWithRevision(db)
        return (catalog, revision, try AppointmentRepository.live(from: date, db))
    }
}
