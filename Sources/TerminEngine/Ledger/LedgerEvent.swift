import TerminCore
import TerminStore

/// One line of a `termin_ledger` notification (see `Sql/004_ledger_notify.sql`):
/// `op,id,office_id,desk_id,day,start_unit,units,channel`.
public struct LedgerEvent: Sendable, Equatable {
    public enum Operation: Sendable { case live, ended }

    public let operation: Operation
    public let id: String
    public let run: SlotRun
    public let channel: Channel
    /// The appointment's services, when known (an appointment read from the database; notifications carry none).
    public let services: [ServiceRequest]?

    /// The events of a payload; lines that do not parse are skipped (the header line among them). Split as UTF-8
    /// bytes (a notification is ASCII), not as characters.
    public static func parse(payload: String) -> [LedgerEvent] {
        parse(lines: LedgerFeed.lines(of: payload))
    }

    /// The events of a payload split into lines (`LedgerFeed.lines(of:)`).
    public static func parse(lines: [Substring]) -> [LedgerEvent] {
        lines.compactMap { LedgerEvent(line: $0) }
    }

    init?(line: Substring) {
        let fields = line.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(Substring.init)
        guard fields.count == 8, let office = Int(fields[2]), let desk = Int(fields[3]),
              let date = LocalDate(iso: fields[4]), let start = Int(fields[5]), let units = Int(fields[6]),
              start >= 0, units > 0, let channel = Channel(rawValue: String(fields[7])) else { return nil }
        switch fields[0] {
        case "+": operation = .live
        case "-": operation = .ended
        default: return nil
        }
        id = String(fields[1])
        run = SlotRun(officeID: office, deskID: desk, date: date, startUnit: start, units: units)
        self.channel = channel
        services = nil
    }

    /// The event that makes a live appointment's time taken.
    init(live appointment: Appointment) {
        operation = .live
        id = appointment.id
        run = appointment.run
        channel = appointment.channel
        services = appointment.services
    }
}
