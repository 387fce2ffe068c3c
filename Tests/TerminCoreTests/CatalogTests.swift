import Testing
import TerminTestSupport
@testable import TerminCore

@Suite struct CatalogTests {
    let catalog = Fixtures.catalog()

    @Test func sumsDurationsTimesQuantities() throws {
        let shape = try catalog.shape(officeID: 1, services: [ServiceRequest(serviceID: 10, quantity: 3)], channel: .online)
        #expect(shape.slotUnits == 6)
        #expect(shape.deskIDs == [101, 102, 103])
    }

    @Test func combinedServicesNeedADeskQualifiedForAll() throws {
        let shape = try catalog.shape(officeID: 1, services: [ServiceRequest(serviceID: 10, quantity: 1),
                                                              ServiceRequest(serviceID: 20, quantity: 1)], channel: .online)
        #expect(shape.slotUnits == 8)
        #expect(shape.deskIDs == [101, 102])
    }

    @Test(arguments: [
        (99, [(10, 1)], Channel.online, "unknownOffice", "office"),
        (1, [(99, 1)], .online, "unknownService", "services[0].id"),
        (1, [(10, 4)], .online, "quantityOutOfRange", "services[0].quantity"),
        (1, [(10, 0)], .online, "quantityOutOfRange", "services[0].quantity"),
        (1, [(20, 1), (30, 1)], .staff, "notCombinable", "services[1].id"),
        (1, [(10, 1), (10, 1)], .online, "duplicateService", "services[1].id"),
        (1, [(30, 1)], .online, "notBookableOnline", "services[0].id"),
        (1, [], .online, "noServices", "services"),
    ])
    func refusesInvalidCombinations(office: Int, services: [(Int, Int)], channel: Channel, code: String, field: String) {
        let requests = services.map { ServiceRequest(serviceID: $0.0, quantity: $0.1) }
        #expect {
            try catalog.shape(officeID: office, services: requests, channel: channel)
        } throws: { error in
            let error = error as! SchedulingError
            return error.code.description == code && error.field == field
        }
    }

    @Test func staffMayBookStaffOnlyServices() throws {
        #expect(try catalog.shape(officeID: 1, services: [ServiceRequest(serviceID: 30, quantity: 1)], channel: .staff).slotUnits == 1)
    }
}

@Suite struct DayLayoutTests {
    @Test func tuesdayHasTwoWindowsAndTheOnlineQuota() throws {
        let layout = try #require(DayLayout.make(catalog: Fixtures.catalog(), officeID: 1, date: Fixtures.tuesday))
        #expect(layout.desks.map(\.deskID) == [101, 102, 103])
        // Desks 1 and 2: 48 morning units + 24 afternoon units; desk 3: 48 morning units.
        #expect(layout.desks.map { $0.open.population } == [72, 72, 48])
        #expect(layout.openUnits == 192)
        #expect(layout.onlineQuotaUnits == 134)   // 70 % of 192, rounded down
        #expect(layout.desks[0].open.isSet(96..<144) && !layout.desks[0].open[144] && layout.desks[0].open[168])
    }

    @Test func closedOnWeekendsHolidaysAndOfficeClosures() {
        let closure = LocalDate(iso: "2026-12-02")!
        let catalog = Fixtures.catalog(closures: [1: [closure]])
        #expect(DayLayout.make(catalog: catalog, officeID: 1, date: LocalDate(iso: "2026-12-05")!) == nil)  // Saturday
        #expect(DayLayout.make(catalog: catalog, officeID: 1, date: LocalDate(iso: "2026-12-24")!) == nil)  // Christmas Eve
        #expect(DayLayout.make(catalog: catalog, officeID: 1, date: closure) == nil)
        #expect(DayLayout.make(catalog: catalog, officeID: 1, date: LocalDate(iso: "2026-12-03")!) != nil)
    }

    @Test func rulesApplyOnlyWithinTheirValidity() {
        let rule = OpeningRule(officeID: 1, weekdays: [1], validFrom: LocalDate(iso: "2026-12-07")!,
                               validTo: LocalDate(iso: "2026-12-14")!, startMinute: 480, endMinute: 720, staffedDesks: 1)
        #expect(!rule.applies(on: LocalDate(iso: "2026-11-30")!))
        #expect(rule.applies(on: LocalDate(iso: "2026-12-07")!))
        #expect(rule.applies(on: LocalDate(iso: "2026-12-14")!))
        #expect(!rule.applies(on: LocalDate(iso: "2026-12-21")!))
        #expect(!rule.applies(on: LocalDate(iso: "2026-12-08")!))
    }
}
