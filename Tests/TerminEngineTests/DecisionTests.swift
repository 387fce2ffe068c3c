import Testing
import TerminCore
@testable import TerminStore
@testable import TerminEngine

/// The decide step of every write kind and the answer to every outcome, without a ledger or a database.
@Suite struct DecisionTests {
    static let now = BerlinTime.parse("2026-11-30T09:00:00+01:00")!
    static let day = LocalDate(iso: "2026-12-01")!
    static let caps = WritePlan.Caps(identity: CitizenIdentity(hash: Array(repeating: 7, count: 32), field: "contact.email"),
                                     limits: IdentityLimits(liveBookingsMax: 2), serviceIDs: [1063441])
    static let key = WritePlan.Idempotency(key: "portal-42", fingerprint: "office=102522;start=…")

    static func appointment(_ status: AppointmentStatus = .confirmed, unit: Int = 84, office: Int = 102522) -> Appointment {
        let start = BerlinTime.instant(date: day, minuteOfDay: unit * 5)
        return Appointment(id: "0f8fad5b-d9cb-469f-a165-70867728950e",
                           run: SlotRun(officeID: office, deskID: office * 100 + 1, date: day, startUnit: unit, units: 3),
                           channel: .online, status: status, start: start, end: start.adding(seconds: 900),
                           services: [ServiceRequest(serviceID: 1063441, quantity: 1)],
                           expiresAt: status == .held ? now.adding(seconds: 600) : nil, contact: nil)
    }

    @Test func aHoldIsItsRowWithoutCodeOrKey() {
        let hold = Self.appointment(.held)
        let plan = Decisions.hold(hold, now: Self.now)
        #expect(plan.singleInsert?.appointment == hold && plan.singleInsert?.code == nil)
        #expect(plan.idempotency == nil && plan.caps == nil && plan.code == nil)
    }

    @Test func aBookingCarriesItsCodeItsCitizenAndItsKeyInItsRow() {
        let booking = Self.appointment()
        let plan = Decisions.booking(booking, code: "c0de", caps: Self.caps, idempotency: Self.key, now: Self.now)
        let row = plan.singleInsert
        #expect(row?.appointment == booking && row?.code == "c0de")
        #expect(row?.identityHash == Self.caps.identity.hash && row?.idempotency == Self.key)
        #expect(plan.code == "c0de" && plan.idempotency == Self.key && plan.caps?.identity == Self.caps.identity)
        #expect(plan.answerID == booking.id)
    }

    @Test func aConfirmationNamesTheHoldAndTheCitizenAndAnswersWithTheHold() {
        let plan = Decisions.confirmation(holdID: "hold-1", code: "c0de", contact: .init(name: "Erika", email: nil),
                                          caps: Self.caps, idempotency: Self.key, now: Self.now)
        guard case .confirmHold(let id, let code, let contact, let identity) = plan.changes.first, plan.changes.count == 1 else {
            Issue.record("\(plan.changes)")
            return
        }
        #expect(id == "hold-1" && code == "c0de" && contact?.name == "Erika" && identity == Self.caps.identity)
        #expect(plan.answerID == "hold-1" && plan.confirmedHoldID == "hold-1" && plan.singleInsert == nil)
    }

    @Test func aReplayWritesNothing() {
        let plan = Decisions.replay(Self.key, now: Self.now)
        #expect(plan.changes.isEmpty && plan.idempotency == Self.key && plan.answerID == nil)
    }

    @Test func cancellationsExpiriesAndNoShowsNameTheirAppointments() {
        guard case .cancel(let id, let code, let actor) = Decisions.cancellation(id: "b", code: "c", by: .citizen, now: Self.now).changes.first
        else {
            Issue.record("not a cancellation")
            return
        }
        #expect(id == "b" && code == "c" && actor == .citizen, "a citizen's cancellation carries the code, which binds it to the cut-off")
        guard case .expireHolds(let ids) = Decisions.expiry(holdIDs: ["h1", "h2"], now: Self.now).changes.first else {
            Issue.record("not an expiry")
            return
        }
        #expect(ids == ["h1", "h2"])
        let lapsed = Self.appointment(unit: 96)   // 08:00 on the day
        let later = BerlinTime.instant(date: Self.day, minuteOfDay: 8 * 60 + 15)
        let plan = Decisions.noShows(officeID: 102522, lapsed: [lapsed], graceMinutes: 15, now: later)
        guard case .markNoShows(let office, let marked, let startedBy, let detail) = plan.changes.first else {
            Issue.record("not a no-show")
            return
        }
        #expect(office == 102522 && marked == [lapsed.id] && startedBy == lapsed.start && detail.contains("15 min"))
    }

    @Test func theHousekeepingErasesContactsAfterTheirRetentionAndForgetsKeysAfterTheirs() {
        let plan = Decisions.housekeeping(contactRetentionDays: 30, keyTTLSeconds: 86_400, limit: 1_000, now: Self.now)
        guard plan.changes.count == 2, case .eraseContacts(let before, let limit) = plan.changes[0],
              case .forgetKeys(let made, let keys) = plan.changes[1] else {
            Issue.record("\(plan.changes)")
            return
        }
        #expect(before == BerlinTime.local(Self.now).date.adding(days: -30) && limit == 1_000)
        #expect(made == Self.now.adding(seconds: -86_400) && keys == 1_000)
    }

    @Test func aRoundCloseClaimsTheRoundFirstAndSettlesItLast() {
        let closing = WritePlan.RoundClosing(roundID: 3, settlements: [], carried: [], report: "{}")
        let winner = AppointmentRepository.NewRow(Self.appointment(), code: "x", now: Self.now)
        let plan = Decisions.roundClose(closing, won: [winner, winner], now: Self.now)
        #expect(plan.changes.count == 4 && plan.singleInsert == nil)
        guard case .claimRound(3) = plan.changes.first, case .settleRound(let settled) = plan.changes.last else {
            Issue.record("\(plan.changes)")
            return
        }
        #expect(settled.roundID == 3)
    }

    // MARK: Answers

    @Test func everyOutcomeOfABookingHasItsAnswer() throws {
        let booked = Self.appointment()
        let first = Self.appointment(unit: 90)
        #expect(try BookingEngine.answer(.committed([booked]), booked: booked, code: "c", caps: nil, now: Self.now)
            == IssuedBooking(record: booked, code: "c"))
        #expect(try BookingEngine.answer(.replayed(first, code: "first"), booked: booked, code: "c", caps: nil, now: Self.now)
            == IssuedBooking(record: first, code: "first"))
        let refusals: [(WritePlan.Outcome, String?, EngineError.Kind, SchedulingError.Code?)] = [
            (.refused(.deskTaken), nil, .scheduling, .slotTaken),
            (.refused(.unknown), "hold-1", .holdUnknown, nil),
            (.refused(.unknown), nil, .unavailable, nil),
            (.refused(.holdExpired), "hold-1", .holdExpired, nil),
            (.refused(.holdConfirmed), "hold-1", .holdAlreadyConfirmed, nil),
            (.keyReused, nil, .idempotencyKeyReused, nil),
            (.limited(.liveBookingsMax(max: 2)), nil, .bookingLimit, nil),
            (.failed("database down"), nil, .unavailable, nil),
        ]
        for (outcome, holdID, kind, code) in refusals {
            do {
                _ = try BookingEngine.answer(outcome, booked: booked, code: "c", caps: Self.caps, holdID: holdID, now: Self.now)
                Issue.record("\(outcome) was answered as booked")
            } catch {
                #expect(error.kind == kind, "\(outcome)")
                #expect(error.scheduling?.code == code, "\(outcome)")
            }
        }
    }

    @Test func aCoolDownAnswersWhenToTryAgain() {
        let until = Self.now.adding(seconds: 1_800)
        do {
            _ = try BookingEngine.answer(.limited(.coolingDown(serviceID: 1063441, until: until)), booked: Self.appointment(),
                                         code: "c", caps: Self.caps, now: Self.now)
            Issue.record("answered as booked")
        } catch {
            #expect(error.kind == .coolingDown && error.retryAfterSeconds == 1_800 && error.field == "services[0]")
        }
    }
}
