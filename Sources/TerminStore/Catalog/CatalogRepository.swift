import TerminCore
import TerminPostgres

/// Reads the master data into a `Catalog`. Each table's columns are declared once (`PostgresColumn`) and read by
/// those declarations.
public enum CatalogRepository {
    /// Whether any office is stored (a fresh database needs seeding).
    public static func isEmpty(_ db: PostgresConnection) throws -> Bool {
        let exists = PostgresColumn("EXISTS (SELECT 1 FROM office)", PostgresText.bool)
        return try !db.select(PostgresSelection(exists), "", []) { row throws(PostgresError) in try row[exists] }[0]
    }

    /// Loads the whole catalogue and the revision it is at, from one snapshot.
    public static func loadWithRevision(_ db: PostgresConnection) throws -> (catalog: Catalog, revision: Int) {
        try db.transaction { db in
            try db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            let revision = PostgresColumn("revision", PostgresText.int)
            let number = try db.select(PostgresSelection(revision), "FROM catalog_revision", []) {
                row throws(PostgresError) in try row[revision]
            }[0]
            return (try load(db), number)
        }
    }

    /// Loads the whole catalogue.
    public static func load(_ db: PostgresConnection) throws -> Catalog {
        var combinations: [Int: Set<Int>] = [:]
        for (service, combinable) in try pairs(db, "service_id", "combinable_id", from: "service_combination") {
            combinations[service, default: []].insert(combinable)
        }
        var qualifications: [Int: Set<Int>] = [:]
        for (desk, service) in try pairs(db, "desk_id", "service_id", from: "desk_service") {
            qualifications[desk, default: []].insert(service)
        }
        var skills: [Int: Set<Int>] = [:]
        for (helper, service) in try pairs(db, "helper_id", "service_id", from: "helper_skill") {
            skills[helper, default: []].insert(service)
        }
        let helpers = try helpers(db, skills: skills)
        var closures: [Int: Set<LocalDate>] = [:]
        let closedOffice = PostgresColumn("office_id", PostgresText.int), closedDay = PostgresColumn("day") { LocalDate(iso: $0) }
        for (office, day) in try db.select(PostgresSelection(closedOffice, closedDay), "FROM office_closure", [], {
            row throws(PostgresError) in (try row[closedOffice], try row[closedDay])
        }) { closures[office, default: []].insert(day) }
        return Catalog(offices: try offices(db), services: try services(db, combinations: combinations),
                       offers: try offers(db), desks: try desks(db, qualifications: qualifications, helpers: helpers),
                       openingRules: try openingRules(db), closingCalendar: ClosingCalendar(officeClosures: closures),
                       helpers: helpers, helperShifts: try helperShifts(db), sessions: try sessions(db))
    }

    /// Rows of two integer columns.
    private static func pairs(_ db: PostgresConnection, _ first: String, _ second: String, from table: String) throws
        -> [(Int, Int)] {
        let a = PostgresColumn(first, PostgresText.int), b = PostgresColumn(second, PostgresText.int)
        return try db.select(PostgresSelection(a, b), "FROM \(table)", []) { row throws(PostgresError) in (try row[a], try row[b]) }
    }

    private enum ServiceColumns {
        static let id = PostgresColumn("id", PostgresText.int)
        static let nameDE = PostgresColumn("name_de", PostgresText.text)
        static let nameEN = PostgresColumn<String?>.optional("name_en", PostgresText.text)
        static let leika = PostgresColumn<String?>.optional("leika", PostgresText.text)
        static let durationMinutes = PostgresColumn("duration_minutes", PostgresText.int)
        static let maxQuantity = PostgresColumn("max_quantity", PostgresText.int)
        static let isPublic = PostgresColumn("public", PostgresText.bool)
        static let changeCutoffMinutes = PostgresColumn<Int?>.optional("change_cutoff_minutes", PostgresText.int)
        static let selection = PostgresSelection(id, nameDE, nameEN, leika, durationMinutes, maxQuantity, isPublic,
                                                 changeCutoffMinutes)
    }

    private static func services(_ db: PostgresConnection, combinations: [Int: Set<Int>]) throws -> [Service] {
        typealias C = ServiceColumns
        return try db.select(C.selection, "FROM service ORDER BY id", []) { row throws(PostgresError) in
            let id = try row[C.id]
            return Service(id: id, nameDE: try row[C.nameDE], nameEN: try row[C.nameEN], leika: try row[C.leika],
                           durationMinutes: try row[C.durationMinutes], maxQuantity: try row[C.maxQuantity],
                           isPublic: try row[C.isPublic], combinableWith: combinations[id] ?? [],
                           changeCutoffMinutes: try row[C.changeCutoffMinutes])
        }
    }

    private enum OfficeColumns {
        static let id = PostgresColumn("id", PostgresText.int)
        static let nameDE = PostgresColumn("name_de", PostgresText.text)
        static let nameEN = PostgresColumn<String?>.optional("name_en", PostgresText.text)
        static let displayName = PostgresColumn("display_name", PostgresText.text)
        static let organizationUnit = PostgresColumn<String?>.optional("organization_unit", PostgresText.text)
        static let isPublic = PostgresColumn("public", PostgresText.bool)
        static let street = PostgresColumn("street", PostgresText.text)
        static let houseNumber = PostgresColumn("house_number", PostgresText.text)
        static let postalCode = PostgresColumn("postal_code", PostgresText.text)
        static let city = PostgresColumn("city", PostgresText.text)
        static let lat = PostgresColumn("lat", PostgresText.double)
        static let lon = PostgresColumn("lon", PostgresText.double)
        static let slotMinutes = PostgresColumn("slot_minutes", PostgresText.int)
        static let horizonDays = PostgresColumn("horizon_days", PostgresText.int)
        static let minNoticeMinutes = PostgresColumn("min_notice_minutes", PostgresText.int)
        static let onlineWithheldPercent = PostgresColumn("online_withheld_percent", PostgresText.int)
        static let changeCutoffMinutes = PostgresColumn("change_cutoff_minutes", PostgresText.int)
        static let accessibility = PostgresColumn("array_to_string(accessibility, ',')", PostgresText.list(PostgresText.text))
        static let kind = PostgresColumn("kind") { Office.Kind(rawValue: $0) }
        static let route = PostgresColumn<String?>.optional("route", PostgresText.text)
        static let isDemo = PostgresColumn("demo", PostgresText.bool)
        static let selection = PostgresSelection(id, nameDE, nameEN, displayName, organizationUnit, isPublic, street,
                                                 houseNumber, postalCode, city, lat, lon, slotMinutes, horizonDays,
                                                 minNoticeMinutes, onlineWithheldPercent, accessibility, changeCutoffMinutes,
                                                 kind, route, isDemo)
    }

    private static func offices(_ db: PostgresConnection) throws -> [Office] {
        typealias C = OfficeColumns
        return try db.select(C.selection, "FROM office ORDER BY id", []) { row throws(PostgresError) in
            Office(id: try row[C.id], nameDE: try row[C.nameDE], nameEN: try row[C.nameEN],
                   displayName: try row[C.displayName], organizationUnit: try row[C.organizationUnit],
                   isPublic: try row[C.isPublic],
                   address: .init(street: try row[C.street], houseNumber: try row[C.houseNumber],
                                  postalCode: try row[C.postalCode], city: try row[C.city]),
                   geo: .init(lat: try row[C.lat], lon: try row[C.lon]), slotMinutes: try row[C.slotMinutes],
                   horizonDays: try row[C.horizonDays], minNoticeMinutes: try row[C.minNoticeMinutes],
                   onlineWithheldPercent: try row[C.onlineWithheldPercent], accessibility: try row[C.accessibility],
                   changeCutoffMinutes: try row[C.changeCutoffMinutes], kind: try row[C.kind], route: try row[C.route],
                   isDemo: try row[C.isDemo])
        }
    }

    private enum OfferColumns {
        static let officeID = PostgresColumn("office_id", PostgresText.int)
        static let serviceID = PostgresColumn("service_id", PostgresText.int)
        static let slotUnits = PostgresColumn("slot_units", PostgresText.int)
        static let bookableOnline = PostgresColumn("bookable_online", PostgresText.bool)
        static let reservedFor = PostgresColumn<String?>.optional("reserved_for", PostgresText.text)
        static let selection = PostgresSelection(officeID, serviceID, slotUnits, bookableOnline, reservedFor)
    }

    private static func offers(_ db: PostgresConnection) throws -> [Offer] {
        typealias C = OfferColumns
        return try db.select(C.selection, "FROM offer", []) { row throws(PostgresError) in
            Offer(officeID: try row[C.officeID], serviceID: try row[C.serviceID], slotUnits: try row[C.slotUnits],
                  bookableOnline: try row[C.bookableOnline], reservedFor: try row[C.reservedFor])
        }
    }

    private enum DeskColumns {
        static let id = PostgresColumn("id", PostgresText.int)
        static let officeID = PostgresColumn("office_id", PostgresText.int)
        static let number = PostgresColumn("number", PostgresText.int)
        static let isAccessible = PostgresColumn("accessible", PostgresText.bool)
        static let inService = PostgresColumn("in_service", PostgresText.bool)
        static let helperID = PostgresColumn<Int?>.optional("helper_id", PostgresText.int)
        static let seatNumber = PostgresColumn<Int?>.optional("seat_number", PostgresText.int)
        static let selection = PostgresSelection(id, officeID, number, isAccessible, inService, helperID, seatNumber)
    }

    /// Desks; a helper's desk is qualified for the helper's skills and speaks the helper's languages.
    private static func desks(_ db: PostgresConnection, qualifications: [Int: Set<Int>], helpers: [Helper]) throws -> [Desk] {
        typealias C = DeskColumns
        let helpers = Dictionary(uniqueKeysWithValues: helpers.map { ($0.id, $0) })
        return try db.select(C.selection, "FROM desk", []) { row throws(PostgresError) in
            let id = try row[C.id]
            guard let helperID = try row[C.helperID] else {
                return Desk(id: id, officeID: try row[C.officeID], number: try row[C.number],
                            isAccessible: try row[C.isAccessible], serviceIDs: qualifications[id] ?? [],
                            inService: try row[C.inService], seatNumber: try row[C.seatNumber])
            }
            let helper = helpers[helperID]!
            return Desk(id: id, officeID: try row[C.officeID], number: try row[C.number],
                        isAccessible: try row[C.isAccessible], serviceIDs: helper.skills, inService: try row[C.inService],
                        helperID: helperID, languages: helper.languages)
        }
    }

    private enum HelperColumns {
        static let id = PostgresColumn("id", PostgresText.int)
        static let name = PostgresColumn("name", PostgresText.text)
        static let languages = PostgresColumn("array_to_string(languages, ',')",
                                              PostgresText.list { SpokenLanguage(rawValue: $0) })
        static let isDemo = PostgresColumn("demo", PostgresText.bool)
        static let selection = PostgresSelection(id, name, languages, isDemo)
    }

    private static func helpers(_ db: PostgresConnection, skills: [Int: Set<Int>]) throws -> [Helper] {
        typealias C = HelperColumns
        return try db.select(C.selection, "FROM helper ORDER BY id", []) { row throws(PostgresError) in
            let id = try row[C.id]
            return Helper(id: id, name: try row[C.name], languages: Set(try row[C.languages]), skills: skills[id] ?? [],
                          isDemo: try row[C.isDemo])
        }
    }

    private enum OpeningRuleColumns {
        static let officeID = PostgresColumn("office_id", PostgresText.int)
        static let weekdays = PostgresColumn("array_to_string(weekdays, ',')", PostgresText.list(PostgresText.int))
        static let validFrom = PostgresColumn("valid_from") { LocalDate(iso: $0) }
        static let validTo = PostgresColumn<LocalDate?>.optional("valid_to") { LocalDate(iso: $0) }
        static let startMinute = PostgresColumn("start_minute", PostgresText.int)
        static let endMinute = PostgresColumn("end_minute", PostgresText.int)
        static let staffedDesks = PostgresColumn("staffed_desks", PostgresText.int)
        static let selection = PostgresSelection(officeID, weekdays, validFrom, validTo, startMinute, endMinute, staffedDesks)
    }

    private enum SessionColumns {
        static let id = PostgresColumn("id", PostgresText.int)
        static let officeID = PostgresColumn("office_id", PostgresText.int)
        static let serviceID = PostgresColumn("service_id", PostgresText.int)
        static let day = PostgresColumn("day") { LocalDate(iso: $0) }
        static let startMinute = PostgresColumn("start_minute", PostgresText.int)
        static let seats = PostgresColumn("seats", PostgresText.int)
        static let leaderID = PostgresColumn<Int?>.optional("leader_id", PostgresText.int)
        static let selection = PostgresSelection(id, officeID, serviceID, day, startMinute, seats, leaderID)
    }

    private static func sessions(_ db: PostgresConnection) throws -> [GroupSession] {
        typealias C = SessionColumns
        return try db.select(C.selection, "FROM group_session", []) { row throws(PostgresError) in
            GroupSession(id: try row[C.id], officeID: try row[C.officeID], serviceID: try row[C.serviceID],
                         date: try row[C.day], startMinute: try row[C.startMinute], seats: try row[C.seats],
                         leaderID: try row[C.leaderID])
        }
    }

    /// Helpers' shifts, each as an opening rule of the helper's desk's place for that desk alone.
    private static func helperShifts(_ db: PostgresConnection) throws -> [HelperShift] {
        typealias C = OpeningRuleColumns
        let deskID = PostgresColumn("s.desk_id", PostgresText.int)
        let selection = PostgresSelection(deskID, C.officeID, C.weekdays, C.validFrom, C.validTo, C.startMinute, C.endMinute)
        return try db.select(selection, "FROM helper_shift s JOIN desk d ON d.id = s.desk_id", []) { row throws(PostgresError) in
            HelperShift(deskID: try row[deskID],
                        hours: OpeningRule(officeID: try row[C.officeID], weekdays: Set(try row[C.weekdays]),
                                           validFrom: try row[C.validFrom], validTo: try row[C.validTo],
                                           startMinute: try row[C.startMinute], endMinute: try row[C.endMinute],
                                           staffedDesks: 1))
        }
    }

    private static func openingRules(_ db: PostgresConnection) throws -> [OpeningRule] {
        typealias C = OpeningRuleColumns
        return try db.select(C.selection, "FROM opening_rule", []) { row throws(PostgresError) in
            OpeningRule(officeID: try row[C.officeID], weekdays: Set(try row[C.weekdays]), validFrom: try row[C.validFrom],
                        validTo: try row[C.validTo], startMinute: try row[C.startMinute], endMinute: try row[C.endMinute],
                        staffedDesks: try row[C.staffedDesks])
        }
    }
}
