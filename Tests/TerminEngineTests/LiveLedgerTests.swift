import Testing
import TerminCore
import TerminTestSupport
@testable import TerminEngine

/// The in-memory picture of desk time: every path that learns of an appointment goes through it, and time is given
/// back exactly once however many paths learn that it ended.
@Suite struct LiveLedgerTests {
    static func live() -> LiveLedger {
        let catalog = Fixtures.catalog()
        return LiveLedger(scheduler: Scheduler(catalog: catalog,
                                               ledger: LockFreeSlotLedger(officeIDs: catalog.offices.keys, firstDate: Fixtures.tuesday)))
    }

    /// `+` or `-` for appointment `id` on desk 101, 09:00–09:10 on Tuesday.
    static func event(_ id: String, _ op: String = "+", desk: Int = 101, unit: Int = 108) -> LedgerEvent {
        LedgerEvent.parse(payload: "\(op),\(id),1,\(desk),2026-12-01,\(unit),2,online")[0]
    }

    static func isFree(_ live: LiveLedger, desk: Int = 101, unit: Int = 108) -> Bool {
        let layout = live.scheduler.layout(officeID: 1, date: Fixtures.tuesday)!
        guard let run = live.scheduler.ledger.reserve(layout: layout, deskIDs: [desk], startUnit: unit, units: 2, channel: .staff)
        else { return false }
        live.scheduler.ledger.release(run, channel: .staff)
        return true
    }

    @Test func aLiveEventTakesTheTimeOnceAndItsEndGivesItBackOnce() {
        let live = Self.live()
        #expect(live.apply(Self.event("a")) && !Self.isFree(live))
        #expect(live.apply(Self.event("a")) && live.appointmentCount == 1)   // heard twice: recorded once
        #expect(live.apply(Self.event("a", "-")) && Self.isFree(live))
        // A second end (this instance's cancel and the notification of it) releases nothing more: another
        // appointment in the same time stays.
        #expect(live.apply(Self.event("b")))
        live.release("a")
        #expect(live.apply(Self.event("a", "-")))
        #expect(!Self.isFree(live) && live.appointmentCount == 1)
    }

    /// An appointment this instance ended at once (a hold it let expire, a booking it cancelled) whose own `+`
    /// notification comes only afterwards: the late `+` takes no time, and its `-` later frees nothing more.
    @Test func aLateStartOfAnAppointmentEndedHereTakesNoTime() {
        let live = Self.live()
        let start = BerlinTime.instant(date: Fixtures.tuesday, minuteOfDay: 9 * 60)
        let run = SlotRun(officeID: 1, deskID: 101, date: Fixtures.tuesday, startUnit: 108, units: 2)
        let hold = Appointment(id: "h", run: run, channel: .online, status: .held, start: start, end: start.adding(seconds: 600),
                               services: [ServiceRequest(serviceID: 10, quantity: 1)], expiresAt: start, contact: nil)
        let layout = live.scheduler.layout(officeID: 1, date: Fixtures.tuesday)!
        #expect(live.scheduler.ledger.occupy(layout: layout, run: run, channel: .online))
        live.recordCommitted(hold)
        live.ended(hold)
        #expect(Self.isFree(live) && live.appointmentCount == 0)
        #expect(live.apply(Self.event("h")))   // its notification, late: applied, as nothing to do
        #expect(Self.isFree(live) && live.appointmentCount == 0)
        #expect(live.apply(Self.event("b")))   // another appointment in that time
        #expect(live.apply(Self.event("h", "-")) && !Self.isFree(live) && live.appointmentCount == 1)
        // An appointment ended here before the ledger ever heard of it (another instance's, cancelled through this one).
        live.ended(Appointment(id: "x", run: SlotRun(officeID: 1, deskID: 102, date: Fixtures.tuesday, startUnit: 108, units: 2),
                               channel: .online, status: .cancelled, start: start, end: start.adding(seconds: 600),
                               services: [], expiresAt: nil, contact: nil))
        #expect(live.apply(Self.event("x", desk: 102)) && Self.isFree(live, desk: 102))
    }

    /// A booking moves onto a hold's time: the hold's end, the booking's end at its old time and its start at the new
    /// (the notifications, in that order) may come before, between or after this instance settles the move. Whatever
    /// the order, the booking holds the hold's time, its old time is free, and its end later gives the time back once.
    @Test(arguments: 0...3) func aBookingMovedOntoAHoldHoldsItsTimeWhenTheNotificationsComeFirst(settledAfter: Int) {
        let live = Self.live()
        #expect(live.apply(Self.event("booking", desk: 102)) && live.apply(Self.event("hold", desk: 101)))
        let start = BerlinTime.instant(date: Fixtures.tuesday, minuteOfDay: 9 * 60)
        let moved = Appointment(id: "booking", run: SlotRun(officeID: 1, deskID: 101, date: Fixtures.tuesday, startUnit: 108, units: 2),
                                channel: .online, status: .confirmed, start: start, end: start.adding(seconds: 600),
                                services: [ServiceRequest(serviceID: 10, quantity: 1)], expiresAt: nil, contact: nil, revision: 1)
        let notifications = [Self.event("hold", "-", desk: 101), Self.event("booking", "-", desk: 102), Self.event("booking", desk: 101)]
        var waiting: [LedgerEvent] = []
        for (index, event) in notifications.enumerated() {
            if index == settledAfter { live.recordMovedOntoHold("hold", booking: moved) }
            if !live.apply(event) { waiting.append(event) }
        }
        if settledAfter == notifications.count { live.recordMovedOntoHold("hold", booking: moved) }
        for event in waiting { #expect(live.apply(event)) }   // the follower applies them again
        #expect(!Self.isFree(live, desk: 101) && Self.isFree(live, desk: 102) && live.appointmentCount == 1)
        #expect(live.apply(Self.event("booking", "-", desk: 101)))
        #expect(Self.isFree(live, desk: 101) && live.appointmentCount == 0)
    }

    /// The hold's end was heard first, and another command reserved the freed time before the move settled (the
    /// database refuses it, and its reservation is given back): the booking's own notification takes the time then,
    /// and its end gives back only what it holds.
    @Test func aBookingMovedOntoAHoldWhoseTimeAnotherReservedMeanwhileTakesItFromItsNotification() {
        let live = Self.live()
        #expect(live.apply(Self.event("booking", desk: 102)) && live.apply(Self.event("hold", desk: 101)))
        #expect(live.apply(Self.event("hold", "-", desk: 101)))
        let layout = live.scheduler.layout(officeID: 1, date: Fixtures.tuesday)!
        let other = try! #require(live.scheduler.ledger.reserve(layout: layout, deskIDs: [101], startUnit: 108, units: 2, channel: .online))
        let start = BerlinTime.instant(date: Fixtures.tuesday, minuteOfDay: 9 * 60)
        live.recordMovedOntoHold("hold", booking: Appointment(
            id: "booking", run: SlotRun(officeID: 1, deskID: 101, date: Fixtures.tuesday, startUnit: 108, units: 2),
            channel: .online, status: .confirmed, start: start, end: start.adding(seconds: 600),
            services: [ServiceRequest(serviceID: 10, quantity: 1)], expiresAt: nil, contact: nil, revision: 1))
        live.scheduler.ledger.release(other, channel: .online)   // refused by the database
        #expect(Self.isFree(live, desk: 102))
        #expect(live.apply(Self.event("booking", "-", desk: 102)))
        #expect(live.apply(Self.event("booking", desk: 101)))
        #expect(!Self.isFree(live, desk: 101) && live.appointmentCount == 1)
        #expect(live.apply(Self.event("booking", "-", desk: 101)))
        #expect(Self.isFree(live, desk: 101) && Self.isFree(live, desk: 102) && live.appointmentCount == 0)
    }

    /// A booking this instance moved (settled before its own notifications arrive): the end of its old time leaves the
    /// new time taken, with the booking's services still known (its next move needs no read), and its start at the new
    /// time changes nothing.
    @Test func theNotificationsOfAMoveSettledHereLeaveTheNewTimeAsItIs() {
        let live = Self.live()
        let start = BerlinTime.instant(date: Fixtures.tuesday, minuteOfDay: 9 * 60)
        func booking(desk: Int, revision: Int) -> Appointment {
            Appointment(id: "booking", run: SlotRun(officeID: 1, deskID: desk, date: Fixtures.tuesday, startUnit: 108, units: 2),
                        channel: .online, status: .confirmed, start: start, end: start.adding(seconds: 600),
                        services: [ServiceRequest(serviceID: 10, quantity: 1)], expiresAt: nil, contact: nil, revision: revision)
        }
        let layout = live.scheduler.layout(officeID: 1, date: Fixtures.tuesday)!
        func reserve(desk: Int) -> SlotRun? {
            live.scheduler.ledger.reserve(layout: layout, deskIDs: [desk], startUnit: 108, units: 2, channel: .online)
        }
        #expect(reserve(desk: 102) != nil)
        live.recordCommitted(booking(desk: 102, revision: 0))
        #expect(reserve(desk: 101) != nil)
        live.recordCommitted(booking(desk: 101, revision: 1))   // the move's reservation is now the booking's time
        #expect(Self.isFree(live, desk: 102))
        #expect(live.apply(Self.event("booking", "-", desk: 102)))
        #expect(!Self.isFree(live, desk: 101) && live.known("booking")?.services != nil)
        #expect(live.apply(Self.event("booking", desk: 101)))
        #expect(!Self.isFree(live, desk: 101) && Self.isFree(live, desk: 102) && live.appointmentCount == 1)
        #expect(live.apply(Self.event("booking", "-", desk: 101)) && Self.isFree(live, desk: 101) && live.appointmentCount == 0)
    }

    /// A hold confirmed here that the ledger never recorded (another instance's, whose notification is not applied yet;
    /// or on a day the master data has closed since): the booking takes the hold's time where the ledger has it, the
    /// hold's late notification changes nothing, and the booking's end gives back only what it holds.
    @Test func aHoldConfirmedHereThatTheLedgerNeverRecordedTakesItsTime() {
        let live = Self.live()
        func booking(_ id: String, on date: LocalDate) -> Appointment {
            let start = BerlinTime.instant(date: date, minuteOfDay: 9 * 60)
            return Appointment(id: id, run: SlotRun(officeID: 1, deskID: 101, date: date, startUnit: 108, units: 2),
                               channel: .online, status: .confirmed, start: start, end: start.adding(seconds: 600),
                               services: [ServiceRequest(serviceID: 10, quantity: 1)], expiresAt: nil, contact: nil)
        }
        live.recordConfirmed(booking("booking", on: Fixtures.tuesday))
        #expect(!Self.isFree(live, desk: 101) && live.appointmentCount == 1)
        #expect(live.apply(Self.event("booking", desk: 101)) && live.appointmentCount == 1)   // the hold's, late
        #expect(live.apply(Self.event("booking", "-", desk: 101)) && Self.isFree(live, desk: 101) && live.appointmentCount == 0)
        // Sunday: no layout, so nothing is held, and the booking's end gives nothing back.
        live.recordConfirmed(booking("sunday", on: LocalDate(iso: "2026-12-06")!))
        #expect(live.appointmentCount == 0)
        live.release("sunday")
    }

    @Test func anEventWhoseTimeLooksTakenWaits() {
        let live = Self.live()
        #expect(live.apply(Self.event("a")))
        #expect(!live.apply(Self.event("b")))   // the same desk time: not yet
        #expect(live.apply(Self.event("a", "-")) && live.apply(Self.event("b")))
    }

    @Test func reconcilingReturnsWhatCouldNotApply() {
        let live = Self.live()
        #expect(live.apply(Self.event("x")))
        let start = BerlinTime.instant(date: Fixtures.tuesday, minuteOfDay: 9 * 60)
        func appointment(_ id: String, desk: Int, status: AppointmentStatus = .confirmed) -> Appointment {
            Appointment(id: id, run: SlotRun(officeID: 1, deskID: desk, date: Fixtures.tuesday, startUnit: 108, units: 2),
                        channel: .online, status: status, start: start, end: start.adding(seconds: 600),
                        services: [ServiceRequest(serviceID: 10, quantity: 1)], expiresAt: nil, contact: nil)
        }
        let blocked = live.reconcile([appointment("y", desk: 101), appointment("z", desk: 102),
                                      appointment("c", desk: 103, status: .cancelled)])
        #expect(blocked.map(\.id) == ["y"] && live.appointmentCount == 2)
        #expect(Self.isFree(live, desk: 103))
    }

    /// After lost notifications: what ended meanwhile is freed, what was missed is taken, and what was recorded after
    /// the mark (its end, if any, reaches the new listener) is left alone.
    @Test func resynchronisingFreesWhatEndedMeanwhileAndTakesWhatWasMissed() {
        let live = Self.live()
        #expect(live.apply(Self.event("ended", desk: 101)) && live.apply(Self.event("kept", desk: 102)))
        let mark = live.mark
        #expect(live.apply(Self.event("later", desk: 103)))   // recorded after the mark, not in the read below
        let start = BerlinTime.instant(date: Fixtures.tuesday, minuteOfDay: 9 * 60)
        func appointment(_ id: String, desk: Int) -> Appointment {
            Appointment(id: id, run: SlotRun(officeID: 1, deskID: desk, date: Fixtures.tuesday, startUnit: 108, units: 2),
                        channel: .online, status: .confirmed, start: start, end: start.adding(seconds: 600),
                        services: [ServiceRequest(serviceID: 10, quantity: 1)], expiresAt: nil, contact: nil)
        }
        // "missed" holds the time "ended" held: freed first, then taken.
        let (unapplied, released) = live.resynchronise([appointment("kept", desk: 102), appointment("missed", desk: 101)],
                                                       recordedBy: mark)
        #expect(unapplied.isEmpty && released == 1)
        #expect(!Self.isFree(live, desk: 101) && !Self.isFree(live, desk: 102) && !Self.isFree(live, desk: 103))
        #expect(live.appointmentCount == 3)
        #expect(live.apply(Self.event("missed", "-", desk: 101)) && Self.isFree(live, desk: 101))
    }

    /// After lost notifications, a booking another instance moved meanwhile gives its old time back and takes its new.
    @Test func resynchronisingMovesWhatMovedMeanwhile() {
        let live = Self.live()
        #expect(live.apply(Self.event("moved", desk: 101)))
        let mark = live.mark
        let start = BerlinTime.instant(date: Fixtures.tuesday, minuteOfDay: 9 * 60)
        let now = Appointment(id: "moved", run: SlotRun(officeID: 1, deskID: 102, date: Fixtures.tuesday, startUnit: 108, units: 2),
                              channel: .online, status: .confirmed, start: start, end: start.adding(seconds: 600),
                              services: [ServiceRequest(serviceID: 10, quantity: 1)], expiresAt: nil, contact: nil, revision: 1)
        let (unapplied, released) = live.resynchronise([now], recordedBy: mark)
        #expect(unapplied.isEmpty && released == 1)
        #expect(Self.isFree(live, desk: 101) && !Self.isFree(live, desk: 102) && live.appointmentCount == 1)
        #expect(live.known("moved")?.run.deskID == 102)
        #expect(live.apply(Self.event("moved", "-", desk: 102)) && Self.isFree(live, desk: 102) && live.appointmentCount == 0)
    }

    @Test func aDayTheCatalogueHasClosedHoldsNothing() {
        let live = Self.live()
        // Sunday: no layout, nothing to hold, nothing pending.
        #expect(live.apply(LedgerEvent.parse(payload: "+,s,1,101,2026-12-06,108,2,online")[0]))
        #expect(live.appointmentCount == 0)
    }
}
