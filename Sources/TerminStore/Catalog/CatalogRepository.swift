import TerminCore
import TerminPostgres

/// Reads the master data into a `Catalog`.
public enum CatalogRepository {
    /// Whether any office is stored (a fresh database needs seeding).
    public static func isEmpty(_ db: PostgresConnection) throws -> Bool {
        try db.query("SELECT count(*) FROM office").rows[0].int(0) == 0
    }

    /// Loads the whole catalogue.
    public static func load(_ db: PostgresConnection) throws -> Catalog {
        var combinations: [Int: Set<Int>] = [:]
        for row in try db.query("SELECT service_id, combinable_id FROM service_combination").rows {
            combinations[row.int(0), default: []].insert(row.int(1))
        }
        let services = try db.query("""
            SELECT id, name_de, name_en, leika, duration_minutes, max_quantity, public FROM service ORDER BY id
            """).rows.map { row in
            Service(id: row.int(0), nameDE: row.text(1), nameEN: row[2], leika: row[3], durationMinutes: row.int(4),
                    maxQuantity: row.int(5), isPublic: row.bool(6), combinableWith: combinations[row.int(0)] ?? [])
        }
        let offices = try db.query("""
            SELECT id, name_de, name_en, display_name, organization_unit, public, street, house_number, postal_code,
                   city, lat, lon, slot_minutes, horizon_days, min_notice_minutes, online_withheld_percent,
                   array_to_string(accessibility, ',')
            FROM office ORDER BY id
            """).rows.map { row in
            Office(id: row.int(0), nameDE: row.text(1), nameEN: row[2], displayName: row.text(3),
                   organizationUnit: row[4], isPublic: row.bool(5),
                   address: .init(street: row.text(6), houseNumber: row.text(7), postalCode: row.text(8), city: row.text(9)),
                   geo: .init(lat: Double(row.text(10))!, lon: Double(row.text(11))!), slotMinutes: row.int(12),
                   horizonDays: row.int(13), minNoticeMinutes: row.int(14), onlineWithheldPercent: row.int(15),
                   accessibility: row.text(16).split(separator: ",").map(String.init))
        }
        let offers = try db.query("SELECT office_id, service_id, slot_units, bookable_online FROM offer").rows.map { row in
            Offer(officeID: row.int(0), serviceID: row.int(1), slotUnits: row.int(2), bookableOnline: row.bool(3))
        }
        var qualifications: [Int: Set<Int>] = [:]
        for row in try db.query("SELECT desk_id, service_id FROM desk_service").rows {
            qualifications[row.int(0), default: []].insert(row.int(1))
        }
        let desks = try db.query("SELECT id, office_id, number, accessible FROM desk").rows.map { row in
            Desk(id: row.int(0), officeID: row.int(1), number: row.int(2), isAccessible: row.bool(3),
                 serviceIDs: qualifications[row.int(0)] ?? [])
        }
        let rules = try db.query("""
            SELECT office_id, array_to_string(weekdays, ','), valid_from, valid_to, start_minute, end_minute, staffed_desks
            FROM opening_rule
            """).rows.map { row in
            OpeningRule(officeID: row.int(0), weekdays: Set(row.text(1).split(separator: ",").map { Int($0)! }),
                        validFrom: LocalDate(iso: row.text(2))!, validTo: row[3].flatMap { LocalDate(iso: $0) },
                        startMinute: row.int(4), endMinute: row.int(5), staffedDesks: row.int(6))
        }
        var closures: [Int: Set<LocalDate>] = [:]
        for row in try db.query("SELECT office_id, day FROM office_closure").rows {
            closures[row.int(0), default: []].insert(LocalDate(iso: row.text(1))!)
        }
        return Catalog(offices: offices, services: services, offers: offers, desks: desks, openingRules: rules,
                       closingCalendar: ClosingCalendar(officeClosures: closures))
    }
}
