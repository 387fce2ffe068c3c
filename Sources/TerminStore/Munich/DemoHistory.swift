import Foundation
import TerminCore
import TerminPostgres

/// A plausible history of Munich's demand, so that a newcomer can run `termin forecast` right after
/// `termin seed --history MONTHS`. Seeded and deterministic: the same seed on the same day writes the same rows, and
/// a second run on the same day adds nothing.
///
/// **The model.** Every open office-day (its opening rules, Bavarian holidays and city closing days closed) from
/// the first of the month `months` back until the booking horizon ahead gets a Poisson number of appointments with
/// mean `utilisation × open desk units ÷ mean units per appointment × factors`:
///
/// - utilisation 0.55 at the six main Bürgerbüros, 0.35 elsewhere;
/// - **year**: January 0.85, February 0.90, March 1.00, April 1.05, May 1.20, June 1.30, July 1.20 (passports
///   before the Bavarian summer holidays), August 0.80, September 1.00, October 1.00, November 0.95, December 0.75;
/// - **week**: Monday 1.15, Tuesday 1.05, Wednesday 0.95, Thursday 1.00, Friday 0.85;
/// - **moves**: the last three and first three working days of a month 1.10 (registrations after a move);
/// - **growth** 4 % a year.
///
/// Within the day citizens want the early hours more (07:00–08:59 weigh 1.3, 12:00 and later 0.8). Each takes one
/// service: at the Bürgerbüros by the month load test's mix, elsewhere any service offered online. Bookings are
/// 85 % online, 15 % by staff. Walk-ins add 20 % at the Bürgerbüros, 5 % elsewhere (channel walk-in, made when
/// served). Appointments lie on the first desk free for them from the wanted time (qualified desks only); what
/// does not fit is not written (demand above capacity is lost, as at a full office).
///
/// Each booking was made ahead: within three days for 30 %, otherwise after a lead time of mean 14 days (geometric),
/// never beyond the office's horizon nor inside its minimum notice, at a daytime minute. Only what was made before
/// `now` is written. 8 % are cancelled at a time between making and the appointment (those cancelled after `now`
/// are still booked); 7 % of online and 3 % of staff bookings that lie in the past were no-shows.
public enum DemoHistory {
    /// What was written.
    public struct Summary: Sendable, CustomStringConvertible {
        public var bookings = 0, cancelled = 0, noShows = 0, walkIns = 0, future = 0
        public var first: LocalDate?, last: LocalDate?
        public var description: String {
            "\(bookings) bookings (\(cancelled) cancelled, \(noShows) no-shows, \(future) still ahead) and \(walkIns) walk-ins"
                + (first.map { " from \($0)" } ?? "") + (last.map { " to \($0)" } ?? "")
        }
    }

    /// Months of history at most.
    public static let monthsMax = 60
    /// Rows per insert statement.
    static let batchRows = 5_000

    static let seasonByMonth = [0.85, 0.90, 1.00, 1.05, 1.20, 1.30, 1.20, 0.80, 1.00, 1.00, 0.95, 0.75]
    static let weekdayFactor = [1.15, 1.05, 0.95, 1.00, 0.85, 0.80, 0.80]
    static let citizenServices: [(service: Int, weight: Int)] = [
        (1063441, 25), (1063475, 20), (1063453, 15), (10224132, 8), (1063576, 8), (1063565, 6), (1063428, 6),
        (10225119, 6), (1063486, 6),
    ]

    /// One appointment of the history.
    public struct Row: Sendable {
        public let id: String, officeID: Int, deskID: Int, date: LocalDate, startUnit: Int, units: Int
        public let start: Instant, end: Instant, channel: Channel, status: AppointmentStatus
        public let createdAt: Instant, cancelledAt: Instant?, serviceID: Int
    }

    /// Generates `months` of history up to `now` (and the bookings already made for days ahead) day by day, at the
    /// offices `officeIDs` (`nil`: all): `body` receives each day's rows, with the day's number and the count of days.
    public static func generate(months: Int, now: Instant, seed: UInt64, catalog: Catalog, officeIDs: Set<Int>? = nil,
                                _ body: (_ rows: [Row], _ day: Int, _ days: Int) throws -> Void) rethrows {
        precondition((1...monthsMax).contains(months), "between 1 and \(monthsMax) months")
        let today = BerlinTime.local(now).date
        let (year, month, _) = today.components
        let monthsBack = year * 12 + month - 1 - months
        let first = LocalDate(year: monthsBack / 12, month: monthsBack % 12 + 1, day: 1)!
        let last = today.adding(days: catalog.offices.values.map(\.horizonDays).max() ?? 0)
        let offices = catalog.offices.keys.filter { officeIDs?.contains($0) ?? true }.sorted()
        let days = last.dayNumber - first.dayNumber + 1
        for offset in 0..<days {
            let date = first.adding(days: offset)
            var rows: [Row] = []
            for officeID in offices {
                var random = SeededRandom(seed: seed ^ (UInt64(officeID) &* 0x9E37_79B9) ^ (UInt64(date.dayNumber) << 32))
                rows += officeDay(officeID: officeID, date: date, now: now, catalog: catalog, random: &random)
            }
            try body(rows, offset + 1, days)
        }
    }

    /// Writes `months` of history up to `now` (and the bookings already made for days ahead) at the offices
    /// `officeIDs` (`nil`: all), reporting the days done.
    public static func write(months: Int, now: Instant, seed: UInt64, catalog: Catalog, officeIDs: Set<Int>? = nil,
                             _ db: PostgresConnection, progress: (_ done: Int, _ days: Int) -> Void = { _, _ in }) throws -> Summary {
        let today = BerlinTime.local(now).date
        var summary = Summary()
        var pending: [Row] = []
        try generate(months: months, now: now, seed: seed, catalog: catalog, officeIDs: officeIDs) { rows, day, days in
            for row in rows {
                pending.append(row)
                if row.channel == .walkIn { summary.walkIns += 1 } else { summary.bookings += 1 }
                if row.status == .cancelled { summary.cancelled += 1 }
                if row.status == .noShow { summary.noShows += 1 }
                if row.date >= today && row.channel != .walkIn && row.status == .confirmed { summary.future += 1 }
                summary.first = min(summary.first ?? row.date, row.date)
                summary.last = max(summary.last ?? row.date, row.date)
            }
            if pending.count >= batchRows || day == days {
                try insert(pending, db)
                pending.removeAll(keepingCapacity: true)
            }
            progress(day, days)
        }
        return summary
    }

    /// The rows of one office-day (none when closed).
    static func officeDay(officeID: Int, date: LocalDate, now: Instant, catalog: Catalog, random: inout SeededRandom) -> [Row] {
        guard let layout = DayLayout.make(catalog: catalog, officeID: officeID, date: date),
              let office = catalog.offices[officeID] else { return [] }
        let offers = (catalog.offers[officeID] ?? [:]).values.filter(\.bookableOnline).sorted { $0.serviceID < $1.serviceID }
        guard !offers.isEmpty else { return [] }
        let isCitizenOffice = StaffingModel.mainCitizenOffices.contains(officeID)
        let mix: [(offer: Offer, weight: Int)] = isCitizenOffice
            ? citizenServices.compactMap { entry in offers.first { $0.serviceID == entry.service }.map { ($0, entry.weight) } }
            : offers.map { ($0, 1) }
        guard !mix.isEmpty else { return [] }
        let weights = mix.map(\.weight)
        let meanUnits = Double(zip(mix, weights).reduce(0) { $0 + $1.0.offer.slotUnits * $1.1 }) / Double(weights.reduce(0, +))
        let month = date.components.month
        let years = Double(date.dayNumber - LocalDate(year: 2025, month: 1, day: 1)!.dayNumber) / 365.25
        var factor = (isCitizenOffice ? 0.55 : 0.35) * seasonByMonth[month - 1] * weekdayFactor[date.isoWeekday - 1]
            * pow(1.04, years)
        if isMonthEdge(date, officeID: officeID, catalog: catalog) { factor *= 1.10 }
        let expected = factor * Double(layout.openUnits) / meanUnits
        let appointments = poisson(expected, &random)
        let walkIns = poisson(expected * (isCitizenOffice ? 0.20 : 0.05), &random)

        // The units in which some desk is open, weighted by the hour's appeal: where wanted starts are drawn.
        var openUnits: [(unit: Int, weight: Double)] = []
        var union = UnitBitmap(count: layout.unitsPerDay)
        for desk in layout.desks { for unit in 0..<layout.unitsPerDay where desk.open[unit] { union.set(unit..<unit + 1) } }
        for unit in 0..<layout.unitsPerDay where union[unit] {
            let hour = unit * office.slotMinutes / 60
            openUnits.append((unit, hour < 9 ? 1.3 : (hour >= 12 ? 0.8 : 1.0)))
        }
        let totalWeight = openUnits.reduce(0) { $0 + $1.weight }
        func wantedUnit() -> Int {
            var pick = random.unit() * totalWeight
            for entry in openUnits {
                if pick < entry.weight { return entry.unit }
                pick -= entry.weight
            }
            return openUnits[openUnits.count - 1].unit
        }
        var wanted: [(unit: Int, offer: Offer, walkIn: Bool)] = []
        for index in 0..<(appointments + walkIns) {
            wanted.append((wantedUnit(), mix[random.weighted(weights)].offer, index >= appointments))
        }
        wanted.sort { $0.unit < $1.unit }

        // Desks fill from the wanted time on; a cursor per desk (time only moves forward within a day).
        let qualified = Dictionary(uniqueKeysWithValues: (catalog.desks[officeID] ?? []).map { ($0.id, $0.serviceIDs) })
        var cursor = [Int: Int]()
        var rows: [Row] = []
        for request in wanted {
            var best: (deskID: Int, start: Int)?
            for deskDay in layout.desks {
                guard qualified[deskDay.deskID]?.contains(request.offer.serviceID) == true else { continue }
                var start = max(cursor[deskDay.deskID] ?? 0, request.unit)
                while start + request.offer.slotUnits <= layout.unitsPerDay && !deskDay.open.isSet(start..<start + request.offer.slotUnits) {
                    start += 1
                }
                guard start + request.offer.slotUnits <= layout.unitsPerDay else { continue }
                if best == nil || start < best!.start { best = (deskDay.deskID, start) }
            }
            guard let (deskID, start) = best else { continue }
            cursor[deskID] = start + request.offer.slotUnits
            if let row = makeRow(office: office, deskID: deskID, date: date, startUnit: start, offer: request.offer,
                                 walkIn: request.walkIn, now: now, random: &random) {
                rows.append(row)
            }
        }
        return rows
    }

    /// The appointment at a place, with when it was made, cancelled or missed; `nil` when it was not made by `now`.
    static func makeRow(office: Office, deskID: Int, date: LocalDate, startUnit: Int, offer: Offer, walkIn: Bool,
                        now: Instant, random: inout SeededRandom) -> Row? {
        let start = BerlinTime.instant(date: date, minuteOfDay: startUnit * office.slotMinutes)
        let end = BerlinTime.instant(date: date, minuteOfDay: (startUnit + offer.slotUnits) * office.slotMinutes)
        let id = uuid(&random)
        if walkIn {
            guard start < now else { return nil }
            return Row(id: id, officeID: office.id, deskID: deskID, date: date, startUnit: startUnit, units: offer.slotUnits,
                       start: start, end: end, channel: .walkIn, status: .confirmed, createdAt: start.adding(seconds: -900),
                       cancelledAt: nil, serviceID: offer.serviceID)
        }
        let channel: Channel = random.unit() < 0.85 ? .online : .staff
        let leadDays = random.unit() < 0.3 ? random.below(4) : min(office.horizonDays, geometric(mean: 14, &random))
        let madeOn = date.adding(days: -min(leadDays, office.horizonDays))
        var createdAt = BerlinTime.instant(date: madeOn, minuteOfDay: 6 * 60 + random.below(17 * 60))
        let latest = start.adding(seconds: -Int64(office.minNoticeMinutes) * 60)
        if createdAt > latest { createdAt = latest.adding(seconds: -Int64(random.below(3_600))) }
        guard createdAt < now else { return nil }
        var status = AppointmentStatus.confirmed
        var cancelledAt: Instant?
        if random.unit() < 0.08 {
            let at = createdAt.adding(seconds: Int64(random.unit() * Double(start.secondsSinceEpoch - createdAt.secondsSinceEpoch)))
            if at < now { status = .cancelled; cancelledAt = at }
        }
        if status == .confirmed, start < now, random.unit() < (channel == .online ? 0.07 : 0.03) { status = .noShow }
        return Row(id: id, officeID: office.id, deskID: deskID, date: date, startUnit: startUnit, units: offer.slotUnits,
                   start: start, end: end, channel: channel, status: status, createdAt: createdAt, cancelledAt: cancelledAt,
                   serviceID: offer.serviceID)
    }

    /// Whether `date` is among the first or last three working days of its month at the office.
    static func isMonthEdge(_ date: LocalDate, officeID: Int, catalog: Catalog) -> Bool {
        let (year, month, _) = date.components
        let firstDay = LocalDate(year: year, month: month, day: 1)!
        let lastDay = firstDay.adding(days: LocalDate.daysInMonth(year: year, month: month) - 1)
        func working(_ day: LocalDate) -> Bool { day.isoWeekday <= 5 && !catalog.closingCalendar.isClosed(officeID: officeID, on: day) }
        let before = (firstDay.dayNumber..<date.dayNumber).filter { working(LocalDate(dayNumber: $0)) }.count
        let after = ((date.dayNumber + 1)..<(lastDay.dayNumber + 1)).filter { working(LocalDate(dayNumber: $0)) }.count
        return before < 3 || after < 3
    }

    /// A Poisson draw (Knuth's method below a mean of 30, a rounded normal above).
    static func poisson(_ mean: Double, _ random: inout SeededRandom) -> Int {
        guard mean > 0 else { return 0 }
        if mean >= 30 {
            let normal = sqrt(-2 * log(max(1e-12, random.unit()))) * cos(2 * .pi * random.unit())
            return max(0, Int((mean + sqrt(mean) * normal).rounded()))
        }
        let limit = exp(-mean)
        var product = random.unit(), count = 0
        while product > limit { product *= random.unit(); count += 1 }
        return count
    }

    /// A geometric number of days with the given mean (at least 1).
    static func geometric(mean: Double, _ random: inout SeededRandom) -> Int {
        1 + Int(log(max(1e-12, random.unit())) / log(1 - 1 / mean))
    }

    /// A version-4-shaped UUID from the generator (deterministic for a seed).
    static func uuid(_ random: inout SeededRandom) -> String {
        let high = random.next(), low = random.next()
        let hex = String(high, radix: 16).leftPadded(16) + String(low, radix: 16).leftPadded(16)
        let chars = Array(hex)
        return String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-4" + String(chars[13..<16]) + "-a"
            + String(chars[17..<20]) + "-" + String(chars[20..<32])
    }

    /// Writes rows in one statement; rows whose id or desk time is taken are skipped.
    static func insert(_ rows: [Row], _ db: PostgresConnection) throws {
        guard !rows.isEmpty else { return }
        func column(_ value: (Row) -> String?) -> String { PostgresArray.literal(rows.map(value)) }
        try db.query("""
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, code_hash,
              created_at, confirmed_at, cancelled_at, service_ids, quantities)
            SELECT id, office_id, desk_id, day, start_unit, units, tstzrange(lo, hi), channel, status,
              sha256(convert_to(gen_random_uuid()::text, 'UTF8')), created_at, created_at, cancelled_at,
              ARRAY[service_id], ARRAY[1]
            FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::date[], $5::int[], $6::int[], $7::timestamptz[],
                        $8::timestamptz[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::bigint[])
              AS input(id, office_id, desk_id, day, start_unit, units, lo, hi, channel, status, created_at, cancelled_at,
                       service_id)
            WHERE status NOT IN ('held', 'confirmed') OR \(AppointmentRepository.deskTimeFree(desk: "input.desk_id", span: "tstzrange(input.lo, input.hi)"))
            ON CONFLICT DO NOTHING
            """, [column(\.id), column { String($0.officeID) }, column { String($0.deskID) }, column { $0.date.description },
                  column { String($0.startUnit) }, column { String($0.units) }, column { BerlinTime.format($0.start) },
                  column { BerlinTime.format($0.end) }, column(\.channel.rawValue), column(\.status.rawValue),
                  column { BerlinTime.format($0.createdAt) }, column { $0.cancelledAt.map(BerlinTime.format) },
                  column { String($0.serviceID) }])
    }
}

private extension String {
    func leftPadded(_ length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
