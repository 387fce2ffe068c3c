import Testing
import TerminCore
import TerminTestSupport
@testable import TerminStore
import TerminPostgres

@Suite struct SeederTests {
    @Test func seedsMunichAndIsIdempotent() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let again = try Seeder.seed(db)
        // Munich's 109 offices, 287 services and 526 offers, and the demo help data beside them.
        #expect(again.offices == 109 + HelpDemo.offices.count && again.services == 287 + HelpDemo.services.count)
        #expect(again.offers == 526 + HelpDemo.offers.count && again.demoPlaces == 7 && again.demoHelpers == 5)
        #expect(try db.query("SELECT count(*) FROM office").scalar == String(again.offices))
        #expect(try db.query("SELECT count(*) FROM offer").scalar == String(again.offers))
        #expect(try db.query("SELECT count(*) FROM helper_shift").scalar == String(again.demoShifts))
        #expect(try db.query("SELECT count(*) FROM desk").scalar == String(again.desks))
        #expect(try db.query("SELECT count(*) FROM opening_rule").scalar == String(again.openingRules))
    }

    /// What the seeder writes is what the in-memory catalogue holds.
    @Test func theSeededCatalogueIsTheInMemoryOne() throws {
        let stored = try CatalogRepository.load(try PostgresConnection(conninfo: try TestDatabase.create()))
        let memory = try MunichCatalog.load().catalog
        #expect(Set(stored.offices.keys) == Set(memory.offices.keys).union(HelpDemo.offices.map(\.id)))
        #expect(Set(stored.services.keys) == Set(memory.services.keys).union(HelpDemo.services.map(\.id)))
        for (id, office) in memory.offices {
            #expect(stored.offices[id]?.slotMinutes == office.slotMinutes && stored.offices[id]?.horizonDays == office.horizonDays)
            #expect(Set(stored.desks[id] ?? []) == Set(memory.desks[id] ?? []), "desks of \(id)")
            #expect(Set(stored.openingRules[id] ?? []) == Set(memory.openingRules[id] ?? []), "opening rules of \(id)")
            #expect(Set((stored.offers[id] ?? [:]).values) == Set((memory.offers[id] ?? [:]).values), "offers of \(id)")
        }
        for (id, service) in memory.services {
            #expect(stored.services[id]?.combinableWith == service.combinableWith && stored.services[id]?.durationMinutes == service.durationMinutes)
        }
        // The demo help data: helpers, their desks (skills and languages) and shifts, places and their kinds.
        #expect(stored.helpers.values.sorted { $0.id < $1.id } == HelpDemo.helpers)
        #expect(Set(HelpDemo.offices.flatMap { stored.desks[$0.id] ?? [] }) == Set(HelpDemo.desks))
        #expect(Set(stored.helperShifts.values.joined()) == Set(HelpDemo.shifts))
        for place in HelpDemo.offices {
            #expect(stored.offices[place.id]?.kind == place.kind && stored.offices[place.id]?.route == place.route)
            #expect(stored.offices[place.id]?.isDemo == true && stored.openingRules[place.id] == nil)
        }
    }

    @Test func theCatalogLoadsWithOrleansplatz() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let catalog = try CatalogRepository.load(db)
        let orleansplatz = try #require(catalog.offices[102522])
        #expect(orleansplatz.displayName == "Bürgerbüro Orleansplatz" && orleansplatz.slotMinutes == 5)
        #expect(catalog.offers[102522]?[1063441]?.slotUnits == 3)   // Personalausweis, 15 minutes
        #expect(catalog.desks[102522]?.count == 20)
        #expect(catalog.services[1063441]?.leika != nil)
    }

    /// The staffing model carries more than 100,000 online appointments in February 2027 (20 working days, the
    /// fewest of any month), counting each office's online quota at its average offer length.
    @Test func theStaffingModelCarriesAMonthOfMunich() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let catalog = try CatalogRepository.load(db)
        var appointments = 0.0
        let first = LocalDate(iso: "2027-02-01")!
        for office in catalog.offices.values {
            let offers = Array((catalog.offers[office.id] ?? [:]).values)
            guard !offers.isEmpty else { continue }
            let meanUnits = Double(offers.reduce(0) { $0 + $1.slotUnits }) / Double(offers.count)
            for day in 0..<28 {
                if let layout = DayLayout.make(catalog: catalog, officeID: office.id, date: first.adding(days: day)) {
                    appointments += Double(layout.onlineQuotaUnits) / meanUnits
                }
            }
        }
        print("staffing model: about \(Int(appointments)) online appointments in February 2027")
        #expect(appointments > 100_000)
        #expect(appointments < 400_000, "the model should not be absurdly oversized")
    }
}
