import Foundation
import TerminCore
import TerminEngine
import TerminPostgres
import TerminStore
import TerminTestSupport

/// `LoadTests office-day`: a Tuesday at an office (Orleansplatz unless `--office` names another, such as a help desk),
/// simulated minute by minute on the real counter engine and PostgreSQL, with the engine's clock moved by the
/// simulation (a day takes about a minute). At a place served by helpers, helpers call the drop-in visitors, who come
/// while someone is there.
///
/// The evening before, appointments are booked online to `bookedShare` of the online share, in the month load
/// test's service mix. On the day: 7 % of appointment holders do not come, the others arrive between 25 minutes
/// early and 5 minutes late and check in at the kiosk; walk-ins arrive as a Poisson stream with a morning peak and
/// draw a number (its estimated wait is recorded; a help place gives none that nobody could serve before closing); each desk staffed at the minute and free calls next (the
/// engine's `CallPolicy`), the citizen reaches the desk a minute later, and is served for the catalogue's duration
/// times a log-normal factor (σ 0.25). Reports walk-ins' waits, appointment holders' delays past their time (and
/// those that a walk-in at their desk caused), desk utilisation, the share of no-show time that went to walk-ins,
/// and the estimated-wait error. Passes when no holder waits more than 10 minutes past their time because of a
/// walk-in, the median estimate error is under 5 minutes, and every citizen who came was served.
struct OfficeDay {
    static let orleansplatz = 102522
    static let graceMinutes = 10
    /// Walk-in arrivals per hour of the day, relative (a morning peak, a smaller afternoon one).
    static let hourlyWeights: [Int: Double] = [7: 2.0, 8: 1.7, 9: 1.3, 10: 1.0, 11: 0.8, 12: 0.4, 14: 1.0, 15: 0.9, 16: 0.8, 17: 0.4]

    let officeID: Int
    let walkIns: Int
    let bookedShare: Double
    let showShare: Double
    let seed: UInt64
    /// The day; `nil`: the next Tuesday the office is open.
    var date: LocalDate? = nil

    struct Result {
        let figures: [(String, String)]
        let failures: [String]
        /// Walk-ins served: their waits from arrival to call, in minutes, in order.
        let walkInWaits: [Double]
        /// Walk-ins who came and were given no number.
        let givenNoNumber: Int
        /// Tickets (walk-ins' and holders') still open at the end of the day.
        let unserved: Int
        /// Appointment holders who waited more than `graceMinutes` past their time because of a walk-in.
        let delayedByWalkIns: Int
    }

    /// A walk-in as the simulation drew it: the estimate announced, for comparing with what happened.
    struct Drawn {
        let ticketID: String
        let estimatedMinutes: Int?
    }

    func run(conninfo: String) throws -> Result {
        var random = SeededRandom(seed: seed)
        let realToday = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))).date
        let pool = ConnectionPool(conninfo: conninfo, size: 4)
        let catalog = try pool.withConnection { try CatalogRepository.load($0) }
        var date = self.date ?? realToday.adding(days: 1)
        while self.date == nil && (date.isoWeekday != 2 || catalog.closingCalendar.isClosed(officeID: officeID, on: date)) {
            date = date.adding(days: 1)
        }
        let clock = ManualClock(BerlinTime.instant(date: date.adding(days: -1), minuteOfDay: 12 * 60))
        var configuration = CounterEngine.Configuration()
        configuration.graceMinutes = Self.graceMinutes
        let assembly = try EngineAssembly(pool: pool, clock: clock, counters: configuration)
        TestThreads.start(assembly.writer.loops + assembly.sync.loops)
        defer { assembly.stop() }
        let engine = assembly.engine, counters = assembly.counters
        let office = try require(catalog.offices[officeID], "office \(officeID)")
        let layout = try require(engine.scheduler.layout(officeID: officeID, date: date), "\(office.displayName) is open on \(date)")
        let desks = try require(catalog.desks[officeID], "\(office.displayName) has desks")
        // The month's mix of citizen services; at a place without them (a help desk), what its helpers help with alike.
        var offered = Month.citizenServices.filter { catalog.offers[officeID]?[$0.service] != nil }
        let helperDesks = Set(desks.filter { $0.helperID != nil }.map(\.id))
        if offered.isEmpty {
            let helped = Set(desks.filter { helperDesks.contains($0.id) }.flatMap(\.serviceIDs))
            offered = (catalog.offers[officeID] ?? [:]).values.filter { $0.bookableOnline && helped.contains($0.serviceID) }
                .map(\.serviceID).sorted().map { (service: $0, weight: 1) }
        }
        // Walk-ins come by the hour's weight; at a helpers' place, while a helper is there (alike each hour).
        let hourly = office.kind == .citizenOffice ? Self.hourlyWeights : Dictionary(uniqueKeysWithValues: (0..<24).filter { hour in
            layout.desks.contains { helperDesks.contains($0.deskID) && $0.open[(hour * 60 + 30) / layout.slotMinutes] }
        }.map { ($0, 1.0) })

        // The evening before: online bookings up to the share of the online quota.
        var bookings: [IssuedBooking] = []
        var bookedUnits = 0
        var open = offered
        while Double(bookedUnits) < bookedShare * Double(layout.onlineQuotaUnits), !open.isEmpty {
            let index = random.weighted(open.map(\.weight))
            let services = [ServiceRequest(serviceID: open[index].service, quantity: 1)]
            let starts = try engine.availability(officeIDs: [officeID], services: services, from: date, to: date, channel: .online)
                .first?.days.first?.starts ?? []
            guard !starts.isEmpty else { open.remove(at: index); continue }
            let start = starts[random.below(starts.count)]
            guard let booked = try? engine.book(.direct(officeID: officeID, start: start, services: services, channel: .online),
                                                contact: nil, idempotencyKey: nil, fingerprint: "") else { continue }
            bookings.append(booked)
            bookedUnits += booked.record.run.units
        }

        // Who comes when: the holders of these bookings and of those made before (checked in by staff, who need no code).
        let ownIDs = Set(bookings.map(\.record.id))
        let earlier = try pool.withConnection { try AppointmentRepository.confirmed(officeID: officeID, from: date, $0) }
            .filter { $0.run.date == date && !ownIDs.contains($0.id) }
        var holderArrivals: [Int: [(booking: Appointment, code: String?)]] = [:]   // minute of day → holders arriving
        var noShows = 0
        for (booking, code) in bookings.map({ ($0.record, Optional($0.code)) }) + earlier.map({ ($0, nil) }) {
            guard random.unit() < showShare else { noShows += 1; continue }
            let minute = BerlinTime.local(booking.start).minuteOfDay + Int(random.below(31)) - 25
            holderArrivals[minute, default: []].append((booking, code))
        }
        let weightSum = hourly.values.reduce(0, +)
        var walkInArrivals: [Int: Int] = [:]
        for _ in 0..<walkIns {
            let hour = Array(hourly.keys.sorted())[random.weighted(hourly.keys.sorted().map { Int(hourly[$0]! / weightSum * 1000) })]
            walkInArrivals[hour * 60 + random.below(hour == 12 ? 30 : 60), default: 0] += 1
        }

        // The day, minute by minute.
        let clerk = try assembly.staff.add(name: "Simulated clerks", role: office.kind == .citizenOffice ? .clerk : .helper,
                                           officeIDs: [officeID]).member
        var drawn: [Drawn] = []
        var busyUntil: [Int: Int] = [:]          // desk number → minute it is free
        var arriving: [Int: [(desk: Int, ticket: QueueTicket)]] = [:]   // minute → called citizens reaching their desk
        var finishing: [Int: [String]] = [:]     // minute → tickets done
        var waiting: [String: QueueTicket] = [:]
        let first = 6 * 60 + 30, last = 21 * 60
        let closingMinute = Dictionary(uniqueKeysWithValues: layout.desks.map { deskDay in
            (deskDay.deskID, ((0..<deskDay.open.count).last { deskDay.open[$0] }! + 1) * layout.slotMinutes)
        })
        for minute in first...last {
            clock.advance(seconds: BerlinTime.instant(date: date, minuteOfDay: minute).secondsSinceEpoch - clock.now().secondsSinceEpoch)
            for (booking, code) in holderArrivals[minute] ?? [] {
                let ticket = try counters.checkIn(officeID: officeID, bookingID: booking.id, code: code, staff: code == nil ? clerk : nil)
                waiting[ticket.id] = ticket
            }
            for _ in 0..<(walkInArrivals[minute] ?? 0) {
                let services = [ServiceRequest(serviceID: offered[random.weighted(offered.map(\.weight))].service, quantity: 1)]
                guard let ticket = try? counters.drawTicket(officeID: officeID, services: services, staff: nil) else { continue }
                drawn.append(Drawn(ticketID: ticket.ticket.id, estimatedMinutes: ticket.ticket.estimatedWaitMinutes))
                waiting[ticket.ticket.id] = ticket.ticket
            }
            for id in finishing.removeValue(forKey: minute) ?? [] {
                _ = try counters.act(.done, ticketID: id, officeID: officeID, staff: clerk)
            }
            for (desk, ticket) in arriving.removeValue(forKey: minute) ?? [] {
                _ = try counters.act(.serve, ticketID: ticket.id, officeID: officeID, staff: clerk)
                let catalogue = Double(counters.catalogueMinutes(ticket.services, officeID: officeID))
                let minutes = max(1, Int((catalogue * exp(0.25 * random.normal())).rounded()))
                busyUntil[desk] = minute + minutes
                finishing[minute + minutes, default: []].append(ticket.id)
            }
            let unit = minute / layout.slotMinutes
            for deskDay in layout.desks {
                // A desk calls while it is staffed, and after it closes while someone it can serve waits from before.
                let closing = BerlinTime.instant(date: date, minuteOfDay: closingMinute[deskDay.deskID]!)
                guard let desk = desks.first(where: { $0.id == deskDay.deskID }), (busyUntil[desk.number] ?? 0) <= minute,
                      waiting.values.contains(where: { ticket in
                          ticket.services.allSatisfy { desk.serviceIDs.contains($0.serviceID) } && (deskDay.open[unit] || ticket.arrivedAt < closing)
                      }),
                      deskDay.open[unit] || unit >= closingMinute[deskDay.deskID]! / layout.slotMinutes
                else { continue }
                guard let called = try counters.callNext(officeID: officeID, deskNumber: desk.number, staff: clerk) else { continue }
                waiting[called.id] = nil
                busyUntil[desk.number] = Int.max
                arriving[minute + 1, default: []].append((desk.number, called))
            }
        }

        return try measure(office: office, date: date, layout: layout, desks: desks, booked: bookings.count, bookedBefore: earlier.count,
                           drawn: drawn, noShows: noShows, waitingAtClose: waiting.count, pool: pool)
    }

    /// The day's figures from what PostgreSQL holds.
    private func measure(office: Office, date: LocalDate, layout: DayLayout, desks: [Desk], booked: Int, bookedBefore: Int, drawn: [Drawn],
                         noShows: Int, waitingAtClose: Int, pool: ConnectionPool) throws -> Result {
        let (tickets, stored) = try pool.withConnection { db in
            (try QueueRepository.tickets(officeID: officeID, date: date, db),
             try AppointmentRepository.bookings(officeID: officeID, date: date, db))
        }
        func minutes(_ from: Instant, _ to: Instant) -> Double { Double(to.secondsSinceEpoch - from.secondsSinceEpoch) / 60 }
        let deskNumber = Dictionary(uniqueKeysWithValues: desks.map { ($0.id, $0.number) })
        let walkInTickets = tickets.filter { $0.kind == .walkIn }
        let servedWalkIns = walkInTickets.filter { $0.state == .done }
        let waits = servedWalkIns.compactMap { ticket in ticket.calledAt.map { minutes(ticket.arrivedAt, $0) } }.sorted()
        // Walk-ins' service at each desk, for attributing delays and no-show time.
        let walkInService = servedWalkIns.map { (desk: $0.deskNumber!, from: $0.servingAt!, to: $0.finishedAt!) }
        let holders = tickets.filter { $0.kind == .appointment }
        let byAppointment = Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
        var delays: [Double] = [], delayedByWalkIns = 0
        for holder in holders {
            guard let called = holder.calledAt, let start = holder.appointmentStart else { continue }
            let delay = max(0, minutes(start, called))
            delays.append(delay)
            guard delay > 10, let booking = byAppointment[holder.appointmentID!], let desk = deskNumber[booking.run.deskID] else { continue }
            if walkInService.contains(where: { $0.desk == desk && $0.from < called && $0.to > start }) { delayedByWalkIns += 1 }
        }
        delays.sort()
        let noShowBookings = stored.filter { $0.status == .noShow }
        var noShowMinutes = 0.0, toWalkIns = 0.0
        for booking in noShowBookings {
            noShowMinutes += minutes(booking.start, booking.end)
            for service in walkInService where service.desk == deskNumber[booking.run.deskID] {
                let overlap = minutes(max(service.from, booking.start), min(service.to, booking.end))
                if overlap > 0 { toWalkIns += overlap }
            }
        }
        let servedMinutes = tickets.filter { $0.state == .done }.reduce(0.0) { $0 + minutes($1.servingAt!, $1.finishedAt!) }
        let staffedMinutes = Double(layout.openUnits * layout.slotMinutes)
        let actualWait = Dictionary(uniqueKeysWithValues: servedWalkIns.compactMap { ticket in ticket.calledAt.map { (ticket.id, minutes(ticket.arrivedAt, $0)) } })
        let signed = drawn.compactMap { drawn -> Double? in
            guard let estimate = drawn.estimatedMinutes, let actual = actualWait[drawn.ticketID] else { return nil }
            return Double(estimate) - actual
        }
        let errors = signed.map(abs).sorted()
        func quantile(_ values: [Double], _ q: Double) -> String {
            values.isEmpty ? "-" : String(format: "%.1f", values[min(values.count - 1, Int(Double(values.count) * q))])
        }
        let medianError = errors.isEmpty ? Double.infinity : errors[errors.count / 2]
        let unserved = tickets.filter { !$0.state.isFinal }.count
        var failures: [String] = []
        if delayedByWalkIns > 0 { failures.append("\(delayedByWalkIns) appointment holders waited more than 10 min past their time because of walk-ins") }
        if !(medianError < 5) { failures.append("median estimate error \(medianError) min is not under 5") }
        if unserved > 0 || waitingAtClose > 0 { failures.append("\(unserved) tickets were still open at the end of the day") }
        let figures: [(String, String)] = [
            ("day", "\(date) at \(office.displayName), \(layout.desks.count) desks, \(layout.openUnits * layout.slotMinutes / 60) desk-hours"),
            ("appointments booked", "\(booked) (\(String(format: "%.0f", bookedShare * 100)) % of the online share) and \(bookedBefore) before, "
                + "\(noShows) no-shows"),
            ("appointment holders served", "\(holders.filter { $0.state == .done }.count) of \(holders.count) checked in"),
            ("walk-ins served", "\(servedWalkIns.count) of \(walkInTickets.count)"),
            ("walk-ins given no number", String(walkIns - walkInTickets.count)),
            ("walk-in wait p50 / p90 / max (min)", "\(quantile(waits, 0.5)) / \(quantile(waits, 0.9)) / \(waits.last.map { String(format: "%.1f", $0) } ?? "-")"),
            ("holder delay past start p50 / p90 / max (min)", "\(quantile(delays, 0.5)) / \(quantile(delays, 0.9)) / \(delays.last.map { String(format: "%.1f", $0) } ?? "-")"),
            ("holders > 10 min late because of walk-ins", String(delayedByWalkIns)),
            ("desk utilisation", String(format: "%.1f %%", servedMinutes / staffedMinutes * 100)),
            ("no-show time used by walk-ins", String(format: "%.0f of %.0f min (%.0f %%)", toWalkIns, noShowMinutes, noShowMinutes > 0 ? toWalkIns / noShowMinutes * 100 : 0)),
            ("estimate error p50 / p90 (min)", "\(quantile(errors, 0.5)) / \(quantile(errors, 0.9)) over \(errors.count) walk-ins"),
            ("estimate bias (mean estimate − actual, min)", String(format: "%+.1f", signed.isEmpty ? 0 : signed.reduce(0, +) / Double(signed.count))),
        ]
        return Result(figures: figures, failures: failures, walkInWaits: waits, givenNoNumber: walkIns - walkInTickets.count,
                      unserved: unserved + waitingAtClose, delayedByWalkIns: delayedByWalkIns)
    }

    private func require<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw SimulationFailure(description: "expected: \(what)") }
        return value
    }

    struct SimulationFailure: Error, CustomStringConvertible { let description: String }
}

extension SeededRandom {
    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
