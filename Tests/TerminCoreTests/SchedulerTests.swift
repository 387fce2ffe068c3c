import Testing
import TerminTestSupport
@testable import TerminCore

@Suite struct SchedulerTests {
    let catalog = Fixtures.catalog()
    func scheduler() -> Scheduler { Scheduler(catalog: catalog, ledger: LockingSlotLedger()) }
    func shape(_ services: [(Int, Int)], channel: Channel = .online) throws -> AppointmentShape {
        try catalog.shape(officeID: 1, services: services.map { ServiceRequest(serviceID: $0.0, quantity: $0.1) }, channel: channel)
    }

    @Test func freeStartsOfAnEmptyTuesday() throws {
        let days = scheduler().availability(shape: try shape([(10, 1)]), from: Fixtures.tuesday, to: Fixtures.tuesday,
                                            channel: .online, now: Fixtures.mondayMorning)
        let starts = try #require(days.first).starts
        // 08:00–11:50 every 5 minutes (47), 14:00–15:50 (23).
        #expect(starts.count == 70)
        #expect(starts.first == Fixtures.at(Fixtures.tuesday, 8))
        #expect(starts.contains(Fixtures.at(Fixtures.tuesday, 11, 50)) && !starts.contains(Fixtures.at(Fixtures.tuesday, 11, 55)))
        #expect(starts.last == Fixtures.at(Fixtures.tuesday, 15, 50))
    }

    @Test func aTimeTakenOnEveryDeskDisappears() throws {
        let scheduler = scheduler()
        let shape = try shape([(10, 1)])
        let layout = try #require(scheduler.layout(officeID: 1, date: Fixtures.tuesday))
        for _ in 0..<3 {
            #expect(scheduler.ledger.reserve(layout: layout, deskIDs: shape.deskIDs, startUnit: 96, units: 2, channel: .online) != nil)
        }
        #expect(scheduler.ledger.reserve(layout: layout, deskIDs: shape.deskIDs, startUnit: 96, units: 2, channel: .online) == nil)
        let starts = scheduler.availability(shape: shape, from: Fixtures.tuesday, to: Fixtures.tuesday, channel: .online,
                                            now: Fixtures.mondayMorning)[0].starts
        #expect(starts.first == Fixtures.at(Fixtures.tuesday, 8, 10))
    }

    @Test func onlineKeepsTheMinimumNoticeStaffDoesNot() throws {
        let now = Fixtures.at(Fixtures.tuesday, 8)
        let online = scheduler().availability(shape: try shape([(10, 1)]), from: Fixtures.tuesday, to: Fixtures.tuesday,
                                              channel: .online, now: now)[0].starts
        let staff = scheduler().availability(shape: try shape([(10, 1)], channel: .staff), from: Fixtures.tuesday,
                                             to: Fixtures.tuesday, channel: .staff, now: now)[0].starts
        #expect(online.first == Fixtures.at(Fixtures.tuesday, 8, 30))
        #expect(staff.first == Fixtures.at(Fixtures.tuesday, 8))
    }

    @Test func theHorizonEndsTheRange() throws {
        let days = scheduler().availability(shape: try shape([(10, 1)]), from: Fixtures.tuesday,
                                            to: Fixtures.tuesday.adding(days: 60), channel: .online, now: Fixtures.mondayMorning)
        let last = LocalDate(iso: "2026-11-30")!.adding(days: 30)
        #expect(days.last!.date <= last)
        #expect(!days.contains { $0.date.isoWeekday > 5 || $0.date == LocalDate(iso: "2026-12-24") })
    }

    @Test(arguments: [
        ("2026-12-01T08:02:00+01:00", "offGrid"), ("2026-12-01T11:55:00+01:00", "outsideOpeningHours"),
        ("2026-12-05T09:00:00+01:00", "closedDay"), ("2026-11-30T09:10:00+01:00", "insideMinimumNotice"),
        ("2027-01-05T09:00:00+01:00", "beyondHorizon"), ("2026-12-01T13:00:00+01:00", "outsideOpeningHours"),
        ("2026-11-27T09:00:00+01:00", "insideMinimumNotice"),
    ])
    func placementRefusesTimesThatCannotBeBooked(start: String, code: String) throws {
        let shape = try shape([(10, 1)])
        #expect {
            try scheduler().placement(shape: shape, start: BerlinTime.parse(start)!, channel: .online, now: Fixtures.mondayMorning)
        } throws: { ($0 as! SchedulingError).code.description == code && ($0 as! SchedulingError).field == "start" }
    }

    @Test func theLongServiceOnlyFitsOnQualifiedDesksAfternoonsOnTwo() throws {
        let shape = try shape([(20, 1)])
        let placement = try scheduler().placement(shape: shape, start: Fixtures.at(Fixtures.tuesday, 15, 30), channel: .online,
                                                  now: Fixtures.mondayMorning)
        #expect(placement.startUnit == 186 && placement.end == Fixtures.at(Fixtures.tuesday, 16))
    }

    /// Availability and reservation agree: every offered start can be reserved, and no other start can.
    @Test(arguments: LedgerKind.allCases)
    func availabilityAgreesWithReserve(kind: LedgerKind) throws {
        var generator = SeededRandom(seed: 42)
        let scheduler = Scheduler(catalog: catalog, ledger: kind.make())
        let layout = try #require(scheduler.layout(officeID: 1, date: Fixtures.tuesday))
        let small = try shape([(10, 1)]), long = try shape([(20, 1)])
        for _ in 0..<40 {
            let start = Int.random(in: 90...190, using: &generator)
            _ = scheduler.ledger.reserve(layout: layout, deskIDs: small.deskIDs, startUnit: start,
                                         units: Int.random(in: 1...4, using: &generator), channel: .staff)
        }
        for shape in [small, long] {
            let offered = Set(scheduler.ledger.freeStarts(layout: layout, deskIDs: shape.deskIDs, units: shape.slotUnits,
                                                          channel: .online))
            for start in 0...(layout.unitsPerDay - shape.slotUnits) {
                let run = scheduler.ledger.reserve(layout: layout, deskIDs: shape.deskIDs, startUnit: start,
                                                   units: shape.slotUnits, channel: .online)
                #expect((run != nil) == offered.contains(start), "start unit \(start)")
                if let run { scheduler.ledger.release(run, channel: .online) }
            }
        }
    }
}
