import TerminCore
import TerminPostgres

/// What the engine's history says, counted for forecasts: bookings by when they were made, appointments by when
/// they take place, cancellations, no-shows and walk-ins, per Berlin hour.
public enum HistoryRepository {
    /// What is counted, and by which time.
    public enum Measure: String, Sendable, CaseIterable {
        /// Online and staff bookings by the hour they were made (demand as citizens express it), cancelled and
        /// no-show ones included.
        case bookings
        /// Booked appointments (kept or not shown; not cancelled) by the hour they start: the desks' scheduled load.
        case appointments
        /// Cancellations by the hour they were made.
        case cancellations
        /// No-shows by the hour the appointment started.
        case noShows = "no-shows"
        /// Walk-ins served (the walk-in channel) by the hour they were served.
        case walkIns = "walk-ins"

        /// The time counted and the rows that count, as SQL over `appointment a`.
        var sql: (time: String, condition: String) {
            switch self {
            case .bookings: ("a.created_at", "a.channel <> 'walk_in' AND a.status IN ('confirmed', 'cancelled', 'no_show')")
            case .appointments: ("lower(a.span)", "a.channel <> 'walk_in' AND a.status IN ('confirmed', 'no_show')")
            case .cancellations: ("a.cancelled_at", "a.status = 'cancelled'")
            case .noShows: ("lower(a.span)", "a.status = 'no_show'")
            case .walkIns: ("lower(a.span)", "a.channel = 'walk_in' AND a.status IN ('confirmed', 'no_show')")
            }
        }

        /// The same rule as `sql`, for rows in memory (the forecast benchmark counts generated history with it):
        /// the time at which `row` counts, or `nil` when it does not.
        public func time(of row: DemoHistory.Row) -> Instant? {
            let walkIn = row.channel == .walkIn, kept = row.status == .confirmed || row.status == .noShow
            switch self {
            case .bookings: return !walkIn && row.status != .held && row.status != .expired ? row.createdAt : nil
            case .appointments: return !walkIn && kept ? row.start : nil
            case .cancellations: return row.status == .cancelled ? row.cancelledAt : nil
            case .noShows: return row.status == .noShow ? row.start : nil
            case .walkIns: return walkIn && kept ? row.start : nil
            }
        }
    }

    /// Which rows count: some offices, services and channels (`nil`: all), before an instant.
    public struct Filter: Sendable {
        public var officeIDs: [Int]?
        public var serviceIDs: [Int]?
        public var channels: [Channel]?
        /// Only what happened before this instant (the forecast's origin).
        public var before: Instant
        public init(officeIDs: [Int]? = nil, serviceIDs: [Int]? = nil, channels: [Channel]? = nil, before: Instant) {
            self.officeIDs = officeIDs; self.serviceIDs = serviceIDs; self.channels = channels; self.before = before
        }
    }

    /// One hour's count.
    public struct HourCount: Sendable, Equatable {
        public let date: LocalDate
        public let hour: Int
        public let count: Int
    }

    /// Counts of `measure` per Berlin hour (hours without any are absent), oldest first.
    public static func hourlyCounts(_ measure: Measure, _ filter: Filter, _ db: PostgresConnection) throws -> [HourCount] {
        let (time, condition) = measure.sql
        let day = PostgresColumn("to_char(h, 'YYYY-MM-DD')") { LocalDate(iso: $0) }
        let hour = PostgresColumn("extract(hour FROM h)::int", PostgresText.int)
        let count = PostgresColumn("count(*)::int", PostgresText.int)
        return try db.select(PostgresSelection(day, hour, count), """
            FROM (SELECT date_trunc('hour', \(time) AT TIME ZONE 'Europe/Berlin') AS h FROM appointment a
                  WHERE \(condition) AND \(time) < $1
                    AND ($2::bigint[] IS NULL OR a.office_id = ANY($2::bigint[]))
                    AND ($3::bigint[] IS NULL OR a.service_ids && $3::bigint[])
                    AND ($4::text[] IS NULL OR a.channel = ANY($4::text[]))) counted
            GROUP BY h ORDER BY h
            """, [BerlinTime.format(filter.before), filter.officeIDs.map(AppointmentRepository.arrayLiteral),
                  filter.serviceIDs.map(AppointmentRepository.arrayLiteral),
                  filter.channels.map { PostgresArray.literal($0.map(\.rawValue)) }]) { row throws(PostgresError) in
            HourCount(date: try row[day], hour: try row[hour], count: try row[count])
        }
    }

    /// The first day with an appointment at the offices (`nil`: all), `nil` when there is none. Bookings made
    /// before it were made for days the history does not hold, so counts by making time start there.
    public static func firstAppointmentDay(officeIDs: [Int]?, _ db: PostgresConnection) throws -> LocalDate? {
        let day = PostgresColumn<LocalDate?>.optional("min(a.day)::text") { LocalDate(iso: $0) }
        return try db.select(PostgresSelection(day), """
            FROM appointment a WHERE $1::bigint[] IS NULL OR a.office_id = ANY($1::bigint[])
            """, [officeIDs.map(AppointmentRepository.arrayLiteral)]) { row throws(PostgresError) in try row[day] }.first ?? nil
    }

    /// Mean minutes of desk time per appointment of `channel` at the offices, over rows before `before`; `nil`
    /// without any.
    public static func meanMinutes(channel: Channel, officeIDs: [Int], before: Instant, _ db: PostgresConnection) throws -> Double? {
        let mean = PostgresColumn<Double?>.optional("avg(a.units * o.slot_minutes)::float8") { Double($0) }
        return try db.select(PostgresSelection(mean), """
            FROM appointment a JOIN office o ON o.id = a.office_id
            WHERE a.channel = $1 AND a.status IN ('confirmed', 'no_show') AND lower(a.span) < $2
              AND a.office_id = ANY($3::bigint[])
            """, [channel.rawValue, BerlinTime.format(before), AppointmentRepository.arrayLiteral(officeIDs)]) { row throws(PostgresError) in
            try row[mean]
        }.first ?? nil
    }

    /// Live online bookings per day from `from` on at the offices: what future capacity is already taken.
    public static func onlineBooked(officeIDs: [Int], from: LocalDate, _ db: PostgresConnection) throws -> [LocalDate: Int] {
        let day = PostgresColumn("a.day::text") { LocalDate(iso: $0) }
        let count = PostgresColumn("count(*)::int", PostgresText.int)
        let rows = try db.select(PostgresSelection(day, count), """
            FROM appointment a WHERE a.status IN ('held', 'confirmed') AND a.channel = 'online' AND a.day >= $1
              AND a.office_id = ANY($2::bigint[])
            GROUP BY a.day
            """, [from.description, AppointmentRepository.arrayLiteral(officeIDs)]) { row throws(PostgresError) in
            (try row[day], try row[count])
        }
        return Dictionary(uniqueKeysWithValues: rows)
    }
}
