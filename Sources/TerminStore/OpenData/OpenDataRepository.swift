import TerminCore
import TerminPostgres

/// The open data's counts per office and day, read from appointments, queue tickets and the recorded next free
/// online start; and that record written.
public enum OpenDataRepository {
    /// The figures of every office in `officeIDs` for each day from `from` to `to` (inclusive), in office and date
    /// order; office-days with nothing to count have zeros.
    public static func figures(officeIDs: [Int], from: LocalDate, to: LocalDate,
                               _ db: PostgresConnection) throws -> [OfficeDayFigures] {
        precondition(from <= to)
        var figures: [Key: OfficeDayFigures] = [:]
        for officeID in officeIDs {
            var date = from
            while date <= to {
                figures[Key(officeID: officeID, date: date)] = OfficeDayFigures(officeID: officeID, date: date)
                date = date.adding(days: 1)
            }
        }
        let parameters = [AppointmentRepository.arrayLiteral(officeIDs), from.description, to.description]

        let office = PostgresColumn("office_id", PostgresText.int)
        let day = PostgresColumn("day::text") { LocalDate(iso: $0) }
        let channel = PostgresColumn("channel") { Channel(rawValue: $0) }
        let status = PostgresColumn("status", PostgresText.text)
        let count = PostgresColumn("count(*)::int", PostgresText.int)
        let appointments = try db.select(PostgresSelection(office, day, channel, status, count), """
            FROM appointment WHERE office_id = ANY($1::bigint[]) AND day BETWEEN $2::date AND $3::date
              AND status IN ('confirmed', 'no_show', 'cancelled')
            GROUP BY office_id, day, channel, status
            """, parameters) { row throws(PostgresError) in
            (Key(officeID: try row[office], date: try row[day]), try row[channel], try row[status], try row[count])
        }
        for (key, channel, status, count) in appointments {
            switch status {
            case "cancelled": figures[key]?.cancellations[channel, default: 0] += count
            case "no_show":
                figures[key]?.noShows += count
                figures[key]?.appointments[channel, default: 0] += count
            default: figures[key]?.appointments[channel, default: 0] += count
            }
        }

        let walkIns = PostgresColumn("count(*) FILTER (WHERE kind = 'walk_in')::int", PostgresText.int)
        let served = PostgresColumn("count(*) FILTER (WHERE state = 'done')::int", PostgresText.int)
        let waits = PostgresColumn("""
            coalesce(array_to_string(array_agg(extract(epoch FROM called_at - arrived_at)::float8 / 60)
                                     FILTER (WHERE kind = 'walk_in' AND called_at IS NOT NULL), ','), '')
            """, PostgresText.list(PostgresText.double))
        let tickets = try db.select(PostgresSelection(office, day, walkIns, served, waits), """
            FROM queue_ticket WHERE office_id = ANY($1::bigint[]) AND day BETWEEN $2::date AND $3::date
            GROUP BY office_id, day
            """, parameters) { row throws(PostgresError) in
            (Key(officeID: try row[office], date: try row[day]), try row[walkIns], try row[served], try row[waits])
        }
        for (key, walkIns, served, waits) in tickets {
            figures[key]?.walkIns = walkIns
            figures[key]?.served = served
            figures[key]?.walkInWaitsMinutes = waits
        }

        let daysAhead = PostgresColumn<Int?>.optional("days_ahead", PostgresText.int)
        let nextFree = try db.select(PostgresSelection(office, day, daysAhead), """
            FROM office_next_free WHERE office_id = ANY($1::bigint[]) AND day BETWEEN $2::date AND $3::date
            """, parameters) { row throws(PostgresError) in
            (Key(officeID: try row[office], date: try row[day]), try row[daysAhead])
        }
        for (key, days) in nextFree { figures[key]?.nextFreeOnlineDays = days }

        return figures.values.sorted { ($0.officeID, $0.date) < ($1.officeID, $1.date) }
    }

    /// The offices whose next free online start is recorded for `day`.
    public static func nextFreeRecorded(day: LocalDate, _ db: PostgresConnection) throws -> Set<Int> {
        let office = PostgresColumn("office_id", PostgresText.int)
        return Set(try db.select(PostgresSelection(office), "FROM office_next_free WHERE day = $1::date",
                                 [day.description]) { row throws(PostgresError) in try row[office] })
    }

    /// Records how many days ahead the next free online start lay at each office on `day` (`nil`: none found); a
    /// record already there (another instance's) stays.
    public static func recordNextFree(_ daysAhead: [(officeID: Int, days: Int?)], day: LocalDate, at: Instant,
                                      _ db: PostgresConnection) throws {
        guard !daysAhead.isEmpty else { return }
        _ = try db.query("""
            INSERT INTO office_next_free (office_id, day, days_ahead, recorded_at)
            SELECT o, $2::date, nullif(d, -1), $3::timestamptz
            FROM unnest($1::bigint[], $4::int[]) AS r(o, d)
            ON CONFLICT (office_id, day) DO NOTHING
            """, [AppointmentRepository.arrayLiteral(daysAhead.map(\.officeID)), day.description, BerlinTime.format(at),
                  AppointmentRepository.arrayLiteral(daysAhead.map { $0.days ?? -1 })])
    }

    struct Key: Hashable {
        let officeID: Int
        let date: LocalDate
    }
}
