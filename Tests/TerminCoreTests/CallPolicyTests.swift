import Testing
import TerminCore

/// Whom a desk calls, and when walk-ins are estimated to be served.
@Suite struct CallPolicyTests {
    static let nine = BerlinTime.parse("2026-11-30T09:00:00+01:00")!
    static let day = LocalDate(year: 2026, month: 11, day: 30)!

    static func at(_ minutes: Int) -> Instant { nine.adding(seconds: Int64(minutes) * 60) }

    static func ticket(_ number: Int, kind: QueueTicket.Kind = .walkIn, arrived: Int, appointment: Int? = nil,
                       services: [Int] = [1], target: Int? = nil) -> QueueTicket {
        QueueTicket(id: "t\(number)", officeID: 1, date: day, kind: kind, number: number,
                    services: services.map { ServiceRequest(serviceID: $0, quantity: 1) },
                    appointmentID: appointment.map { _ in "a\(number)" }, appointmentStart: appointment.map(at), state: .waiting,
                    deskNumber: nil, targetDesk: target, calls: 0, arrivedAt: at(arrived), calledAt: nil, servingAt: nil,
                    finishedAt: nil, estimatedWaitMinutes: nil, redirectedTo: nil)
    }

    static func candidate(_ ticket: QueueTicket, minutes: Int = 10) -> CallPolicy.Candidate {
        CallPolicy.Candidate(ticket: ticket, expectedMinutes: minutes)
    }

    static func desk(next: Int? = nil, services: Set<Int> = [1, 2], number: Int = 1) -> CallPolicy.Desk {
        CallPolicy.Desk(number: number, serviceIDs: services, nextAppointmentAt: next.map(at))
    }

    @Test func aDueAppointmentComesBeforeEarlierWalkIns() {
        let walkIn = Self.candidate(Self.ticket(1, arrived: -30))
        let holder = Self.candidate(Self.ticket(2, kind: .appointment, arrived: -2, appointment: 4))
        #expect(CallPolicy.next(waiting: [walkIn, holder], desk: Self.desk(), now: Self.nine)?.ticket.id == "t2")
        // Not yet due (start more than five minutes away): the walk-in goes first.
        let later = Self.candidate(Self.ticket(3, kind: .appointment, arrived: -2, appointment: 20))
        #expect(CallPolicy.next(waiting: [walkIn, later], desk: Self.desk(), now: Self.nine)?.ticket.id == "t1")
    }

    @Test func walkInsAreCalledInArrivalOrderWhereTheyFitBeforeTheNextAppointment() {
        let long = Self.candidate(Self.ticket(1, arrived: -20), minutes: 30)
        let short = Self.candidate(Self.ticket(2, arrived: -10), minutes: 10)
        // 15 minutes to the desk's next appointment: the long one does not fit, the short one does.
        #expect(CallPolicy.next(waiting: [long, short], desk: Self.desk(next: 15), now: Self.nine)?.ticket.id == "t2")
        // Without an appointment ahead, arrival order.
        #expect(CallPolicy.next(waiting: [short, long], desk: Self.desk(), now: Self.nine)?.ticket.id == "t1")
        // Nobody fits in 5 minutes: a checked-in holder of a later appointment is called early, else nobody.
        let holder = Self.candidate(Self.ticket(3, kind: .appointment, arrived: -1, appointment: 40))
        #expect(CallPolicy.next(waiting: [long, short, holder], desk: Self.desk(next: 5), now: Self.nine)?.ticket.id == "t3")
        #expect(CallPolicy.next(waiting: [long, short], desk: Self.desk(next: 5), now: Self.nine) == nil)
    }

    @Test func aWalkInWaitingItsBoundIsPassedByNobodyAndDelaysAnAppointmentAtMostTheBound() {
        let limits = CallPolicy.Limits()
        let aged = Self.candidate(Self.ticket(1, arrived: -limits.walkInWaitBoundMinutes), minutes: 20)
        let young = Self.candidate(Self.ticket(2, arrived: -5), minutes: 5)
        // 12 minutes to the appointment: 20 minutes overrun it by 8 ≤ 10, so the aged walk-in goes now.
        #expect(CallPolicy.next(waiting: [aged, young], desk: Self.desk(next: 12), now: Self.nine)?.ticket.id == "t1")
        // 8 minutes: an overrun of 12 is too much; the young one, who would fit, may not pass: nobody now.
        #expect(CallPolicy.next(waiting: [aged, young], desk: Self.desk(next: 8), now: Self.nine) == nil)
        // Before its bound, the young one would have passed it.
        let waited = Self.candidate(Self.ticket(1, arrived: -10), minutes: 20)
        #expect(CallPolicy.next(waiting: [waited, young], desk: Self.desk(next: 8), now: Self.nine)?.ticket.id == "t2")
    }

    @Test func onlyQualifiedOrTargetedDesksCall() {
        let passport = Self.candidate(Self.ticket(1, arrived: -10, services: [2]))
        let sent = Self.candidate(Self.ticket(2, arrived: -20, target: 2))
        #expect(CallPolicy.next(waiting: [passport, sent], desk: Self.desk(services: [1]), now: Self.nine) == nil)
        #expect(CallPolicy.next(waiting: [passport, sent], desk: Self.desk(services: [1, 2]), now: Self.nine)?.ticket.id == "t1")
        #expect(CallPolicy.next(waiting: [passport, sent], desk: Self.desk(services: [1], number: 2), now: Self.nine)?.ticket.id == "t2")
    }

    @Test func theEstimateServesWalkInsAroundAppointmentsAndUntilClosing() {
        let closes = Self.at(120)
        // One desk with an appointment from 9:10 to 9:40: a 15-minute walk-in cannot start before 9:40.
        let desk = WaitEstimator.DeskPlan(number: 1, serviceIDs: [1], freeAt: Self.nine, blocks: [Self.at(10)..<Self.at(40)],
                                          closesAt: closes)
        let job = WaitEstimator.Job(serviceIDs: [1], expectedMinutes: 15)
        #expect(WaitEstimator.starts(desks: [desk], queue: [job]) == [Self.at(40)])
        // A 10-minute one fits before it; the next one follows the appointment.
        let short = WaitEstimator.Job(serviceIDs: [1], expectedMinutes: 10)
        #expect(WaitEstimator.starts(desks: [desk], queue: [short, short]) == [Self.nine, Self.at(40)])
        // Two desks serve in parallel; a job no desk is qualified for, or that does not end by closing, has none.
        let second = WaitEstimator.DeskPlan(number: 2, serviceIDs: [1], freeAt: Self.nine, blocks: [], closesAt: closes)
        #expect(WaitEstimator.starts(desks: [desk, second], queue: [job, job]) == [Self.nine, Self.at(15)])
        #expect(WaitEstimator.starts(desks: [second], queue: [WaitEstimator.Job(serviceIDs: [9], expectedMinutes: 5)]) == [nil])
        // Eight quarter hours end exactly at closing; a ninth does not.
        #expect(WaitEstimator.starts(desks: [second], queue: Array(repeating: job, count: 8)).last! == Self.at(105))
        #expect(WaitEstimator.starts(desks: [second], queue: Array(repeating: job, count: 9)).last! == nil)
    }
}
