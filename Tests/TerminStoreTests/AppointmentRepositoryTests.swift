import Foundation
import Testing
import TerminCore
import TerminPostgres
import TerminTestSupport
@testable import TerminStore

/// Holds and bookings as stored: insert, confirm, cancel, expire, rebuild, erase; each change read back from its
/// own `RETURNING`.
@Suite struct AppointmentRepositoryTests {
    static let day = LocalDate(iso: "2026-12-01")!
    static let now = BerlinTime.parse("2026-11-30T09:00:00+01:00")!

    /// A hold (with `expiresAt`) or a booking at Orleansplatz, desk 1, five-minute unit `unit`, three units long.
    static func appointment(unit: Int = 84, status: AppointmentStatus = .held, expiresAt: Instant? = now.adding(seconds: 600),
                            contact: Appointment.Contact? = nil) -> Appointment {
        let start = BerlinTime.instant(date: day, minuteOfDay: unit * 5)
        return Appointment(id: UUID().uuidString.lowercased(),
                           run: SlotRun(officeID: 102522, deskID: 10252201, date: day, startUnit: unit, units: 3),
                           channel: .online, status: status, start: start, end: start.adding(seconds: 900),
                           services: [ServiceRequest(serviceID: 1063441, quantity: 1),
                                      ServiceRequest(serviceID: 1063453, quantity: 2)],
                           expiresAt: status == .held ? expiresAt : nil, contact: contact)
    }

    static func insert(_ appointment: Appointment, code: String? = nil, _ db: PostgresConnection) throws {
        let inserted = try AppointmentRepository.insert([.init(appointment, code: code, now: now)], db)
        #expect(inserted.ids == [appointment.id])
    }

    @Test func anInsertedAppointmentReadsBackUnchanged() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let booking = Self.appointment(status: .confirmed, contact: .init(name: "Erika", email: nil))
        try Self.insert(booking, code: "secret", db)
        #expect(try AppointmentRepository.fetch(id: booking.id, db) == booking)
        #expect(try AppointmentRepository.fetch(id: booking.id, code: "secret", db) == booking)
        #expect(try AppointmentRepository.fetch(id: booking.id, code: "wrong", db) == nil)
        #expect(try AppointmentRepository.fetch(id: "not-a-uuid", db) == nil)
    }

    @Test func aHoldIsConfirmedOnceAndNotAfterItRanOut() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let hold = Self.appointment(unit: 84), late = Self.appointment(unit: 90)
        try Self.insert(hold, db)
        try Self.insert(late, db)
        let contact = Appointment.Contact(name: nil, email: "erika@example.org")
        let confirmed = try AppointmentRepository.confirmHold(id: hold.id, code: "c1", contact: contact, now: Self.now, db).get()
        #expect(confirmed.status == .confirmed && confirmed.expiresAt == nil && confirmed.contact == contact)
        #expect(confirmed.run == hold.run && confirmed.services == hold.services)
        #expect(try AppointmentRepository.confirmHold(id: hold.id, code: "c2", contact: nil, now: Self.now, db)
            == .failure(.alreadyConfirmed))
        #expect(try AppointmentRepository.confirmHold(id: late.id, code: "c3", contact: nil, now: Self.now.adding(seconds: 600), db)
            == .failure(.expired))
        #expect(try AppointmentRepository.confirmHold(id: UUID().uuidString, code: "c4", contact: nil, now: Self.now, db)
            == .failure(.unknown))
        #expect(try AppointmentRepository.confirmHold(id: "nonsense", code: "c4", contact: nil, now: Self.now, db)
            == .failure(.unknown))
    }

    /// No-shows are marked where and when they lapsed: a booking moved since it was found lapsed (a clerk moved it to
    /// a later time, or to another office) stays confirmed.
    @Test func aNoShowIsMarkedOnlyWhereAndWhenItLapsed() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let lapsed = Self.appointment(unit: 84, status: .confirmed), movedLater = Self.appointment(unit: 120, status: .confirmed)
        try Self.insert(lapsed, code: "a", db)
        try Self.insert(movedLater, code: "b", db)
        let startedBy = lapsed.start.adding(seconds: 600)
        #expect(try AppointmentRepository.markNoShows(ids: [lapsed.id, movedLater.id], officeID: 10489, startedBy: startedBy, db).isEmpty)
        let marked = try AppointmentRepository.markNoShows(ids: [lapsed.id, movedLater.id], officeID: 102522, startedBy: startedBy, db)
        #expect(marked.map(\.id) == [lapsed.id] && marked.first?.status == .noShow)
        #expect(try AppointmentRepository.fetch(id: movedLater.id, db)?.status == .confirmed)
    }

    @Test func cancellingTwiceCancelsOnceAndAWrongCodeFindsNothing() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let booking = Self.appointment(status: .confirmed)
        try Self.insert(booking, code: "secret", db)
        #expect(try AppointmentRepository.cancel(id: booking.id, code: "wrong", now: Self.now, db) == nil)
        let first = try AppointmentRepository.cancel(id: booking.id, code: "secret", now: Self.now, db)
        guard case .cancelled(let cancelled) = first else { Issue.record("\(String(describing: first))"); return }
        #expect(cancelled.status == .cancelled)
        let second = try AppointmentRepository.cancel(id: booking.id, code: "secret", now: Self.now, db)
        guard case .notConfirmed(let standing) = second else { Issue.record("\(String(describing: second))"); return }
        #expect(standing.status == .cancelled)
        // The time is free again for another booking.
        try Self.insert(Self.appointment(status: .confirmed), code: "other", db)
    }

    /// A citizen cancels until the office's cut-off (120 minutes before the start by default); staff are not bound.
    @Test func aCitizenCannotCancelPastTheOfficesCutoffButStaffCan() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let booking = Self.appointment(status: .confirmed)
        try Self.insert(booking, code: "secret", db)
        let late = booking.start.adding(seconds: -119 * 60)
        let refused = try AppointmentRepository.cancel(id: booking.id, code: "secret", now: late, db)
        guard case .pastCutoff(let standing) = refused else { Issue.record("\(String(describing: refused))"); return }
        #expect(standing.status == .confirmed)
        _ = try db.query("UPDATE office SET change_cutoff_minutes = 60 WHERE id = $1", [String(booking.run.officeID)])
        let byCitizen = try AppointmentRepository.cancel(id: booking.id, code: "secret", now: late, db)
        guard case .cancelled = byCitizen else { Issue.record("\(String(describing: byCitizen))"); return }
        let other = Self.appointment(unit: 120, status: .confirmed)
        try Self.insert(other, code: "other", db)
        let byStaff = try AppointmentRepository.cancel(id: other.id, code: nil, now: other.start.adding(seconds: -60), db)
        guard case .cancelled = byStaff else { Issue.record("\(String(describing: byStaff))"); return }
    }

    @Test func expiryTakesTheHoldsThatRanOutOldestFirstUpToTheLimit() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let early = Self.appointment(unit: 84, expiresAt: Self.now.adding(seconds: 60))
        let later = Self.appointment(unit: 90, expiresAt: Self.now.adding(seconds: 120))
        let running = Self.appointment(unit: 96, expiresAt: Self.now.adding(seconds: 6000))
        for hold in [later, early, running] { try Self.insert(hold, db) }
        let now = Self.now.adding(seconds: 300)
        #expect(try AppointmentRepository.dueHolds(now: now, limit: 1, db) == [early.id])
        #expect(try AppointmentRepository.expireHolds(ids: [early.id], now: now, db).map(\.id) == [early.id])
        #expect(try AppointmentRepository.dueHolds(now: now, limit: 10, db) == [later.id])
        // A hold still running is left as it is, even when named.
        let rest = try AppointmentRepository.expireHolds(ids: [later.id, running.id], now: now, db)
        #expect(rest.map(\.id) == [later.id] && rest[0].status == .expired)
        #expect(try AppointmentRepository.dueHolds(now: now, limit: 10, db).isEmpty)
        #expect(Set(try AppointmentRepository.live(from: Self.day, db).map(\.id)) == [running.id])
    }

    @Test func contactDataIsErasedAfterTheDayButTheBookingStays() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let booking = Self.appointment(status: .confirmed, contact: .init(name: "Erika", email: "erika@example.org"))
        try Self.insert(booking, code: "secret", db)
        #expect(try EarlierListRepository.join(bookingID: booking.id, revision: 0, latestStart: nil, needs: [], now: Self.now,
                                               db)?.joined == true)
        #expect(try AppointmentRepository.eraseContacts(before: Self.day, limit: 10, db) == 0)
        #expect(try AppointmentRepository.eraseContacts(before: Self.day.adding(days: 1), limit: 10, db) == 1)
        #expect(try AppointmentRepository.fetch(id: booking.id, db)?.contact == nil)
        #expect(try EarlierListRepository.wish(bookingID: booking.id, db) == nil, "its wish for an earlier time goes with it")
    }

    @Test func aRowTheDatabaseRefusesIsLeftOutOfTheInsertedIDs() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let first = Self.appointment(status: .confirmed), overlapping = Self.appointment(unit: 85, status: .confirmed)
        let inserted = try AppointmentRepository.insert([.init(first, code: "a", now: Self.now),
                                                         .init(overlapping, code: "b", now: Self.now)], db)
        #expect(inserted.ids == [first.id] && inserted.prior.isEmpty)
    }

    @Test func aKeyedRowIsStoredWithItsKeyAndARepeatOfTheKeyGetsTheFirstAnswer() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let first = Self.appointment(status: .confirmed), repeated = Self.appointment(unit: 96, status: .confirmed)
        let key = WritePlan.Idempotency(key: "k1", fingerprint: "body")
        #expect(try AppointmentRepository.insert([.init(first, code: "a", now: Self.now, idempotency: key)], db).ids == [first.id])
        let again = try AppointmentRepository.insert([.init(repeated, code: "b", now: Self.now, idempotency: key)], db)
        #expect(again.ids.isEmpty)
        #expect(again.prior == [repeated.id: .init(sameRequest: true, appointmentID: first.id, code: "a")])
        let other = Self.appointment(unit: 100, status: .confirmed)
        let reused = try AppointmentRepository.insert(
            [.init(other, code: "c", now: Self.now, idempotency: .init(key: "k1", fingerprint: "another body"))], db)
        #expect(reused.prior[other.id]?.sameRequest == false)
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == "1")
    }
}

/// First answers to idempotency keys.
@Suite struct IdempotencyRepositoryTests {
    @Test func theFirstAnswerStandsAndTellsWhetherARepeatIsTheSameRequest() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let booking = AppointmentRepositoryTests.appointment(status: .confirmed)
        try AppointmentRepositoryTests.insert(booking, code: "secret", db)
        let now = AppointmentRepositoryTests.now
        let key = WritePlan.Idempotency(key: "k1", fingerprint: "body")
        #expect(try IdempotencyRepository.store(key, appointmentID: booking.id, code: "secret", db))
        // A key answers for one appointment only.
        let other = AppointmentRepositoryTests.appointment(unit: 120, status: .confirmed)
        try AppointmentRepositoryTests.insert(other, code: "other", db)
        #expect(try !IdempotencyRepository.store(key, appointmentID: other.id, code: "other", db))
        let answers = try IdempotencyRepository.answers([key, .init(key: "k2", fingerprint: "body"),
                                                         .init(key: "k1", fingerprint: "other")], db)
        #expect(answers == [.init(sameRequest: true, appointmentID: booking.id, code: "secret"), nil,
                            .init(sameRequest: false, appointmentID: booking.id, code: "secret")])
        #expect(try IdempotencyRepository.forget(before: now, limit: 10, db) == 0, "made at now: not before it")
        #expect(try IdempotencyRepository.forget(before: now.adding(seconds: 1), limit: 10, db) == 1)
        #expect(try IdempotencyRepository.answers([key], db) == [nil])
        #expect(try AppointmentRepository.fetch(id: booking.id, db) != nil, "the booking stays; only its key goes")
    }

}
