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

    /// What the ledger holds time for from `date` on (see `AppointmentRepository.live`), read on a connection of its
    /// own: a reconnected listener's catch-up.
    public static func live(from date: LocalDate, conninfo: String) throws -> [Appointment] {
        try AppointmentRepository.live(from: date, try PostgresConnection(conninfo: conninfo))
    }
}
