import Foundation
import TerminCore
import TerminPostgres

/// Writes Munich's master data and the staffing model (`MunichCatalog`) into the database, and the demonstration data
/// for in-person help beside it (`HelpDemo`).
///
/// Idempotent: offices, services, offers and helpers are upserted, each office's desk qualifications and opening rules
/// and each demo helper's skills and shifts replaced, all in one transaction. Desks already referenced by appointments
/// are kept.
public enum Seeder {
    /// Counts of what was written.
    public struct Summary: Sendable, CustomStringConvertible {
        public let offices: Int
        public let services: Int
        public let offers: Int
        public let desks: Int
        public let openingRules: Int
        /// Of the above, the demonstration data's places, and its helpers, their shifts and group sessions.
        public let demoPlaces: Int
        public let demoHelpers: Int
        public let demoShifts: Int
        public let demoSessions: Int
        public var description: String {
            "\(offices) offices, \(services) services, \(offers) offers, \(desks) desks, \(openingRules) opening rules; "
                + "demo help: \(demoPlaces) places, \(demoHelpers) helpers, \(demoShifts) shifts, \(demoSessions) group sessions"
        }
    }

    /// Writes the seed data.
    @discardableResult
    public static func seed(_ connection: PostgresConnection) throws -> Summary {
        let munich = try MunichCatalog.load()
        try connection.transaction { db in
            try upsert(services: munich.services + HelpDemo.services, db)
            try db.query("DELETE FROM service_combination")
            for pair in munich.combinations {
                try db.query("INSERT INTO service_combination (service_id, combinable_id) VALUES ($1, $2)",
                             [String(pair.serviceID), String(pair.combinableID)])
            }
            try upsert(helpers: HelpDemo.helpers, db)
            try upsert(offices: munich.offices + HelpDemo.offices, offers: munich.offers + HelpDemo.offers,
                       desks: munich.desks + HelpDemo.desks, openingRules: munich.openingRules, db)
            try replaceShifts(of: HelpDemo.helpers, with: HelpDemo.shifts, db)
            try upsert(sessions: HelpDemo.sessions, db)
        }
        return Summary(offices: munich.offices.count + HelpDemo.offices.count,
                       services: munich.services.count + HelpDemo.services.count,
                       offers: munich.offers.count + HelpDemo.offers.count, desks: munich.desks.count + HelpDemo.desks.count,
                       openingRules: munich.openingRules.count, demoPlaces: HelpDemo.offices.count,
                       demoHelpers: HelpDemo.helpers.count, demoShifts: HelpDemo.shifts.count,
                       demoSessions: HelpDemo.sessions.count)
    }

    private static func upsert(services: [Service], _ db: PostgresConnection) throws {
        for s in services {
            try db.query("""
                INSERT INTO service (id, name_de, name_en, leika, duration_minutes, max_quantity, public)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (id) DO UPDATE SET name_de = EXCLUDED.name_de, name_en = EXCLUDED.name_en,
                  leika = EXCLUDED.leika, duration_minutes = EXCLUDED.duration_minutes,
                  max_quantity = EXCLUDED.max_quantity, public = EXCLUDED.public
                """, [String(s.id), s.nameDE, s.nameEN, s.leika, String(s.durationMinutes), String(s.maxQuantity),
                      String(s.isPublic)])
        }
    }

    /// Helpers with their languages and skills (replaced).
    private static func upsert(helpers: [Helper], _ db: PostgresConnection) throws {
        for helper in helpers {
            try db.query("""
                INSERT INTO helper (id, name, languages, demo) VALUES ($1, $2, $3::text[], $4)
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, languages = EXCLUDED.languages, demo = EXCLUDED.demo
                """, [String(helper.id), helper.name, PostgresArray.literal(helper.languages.sorted().map(\.rawValue)),
                      String(helper.isDemo)])
            try db.query("DELETE FROM helper_skill WHERE helper_id = $1", [String(helper.id)])
            for serviceID in helper.skills.sorted() {
                try db.query("INSERT INTO helper_skill (helper_id, service_id) VALUES ($1, $2)",
                             [String(helper.id), String(serviceID)])
            }
        }
    }

    /// Offices with their offers, desks (a helper's desk is qualified by the helper's skills, not `desk_service`) and
    /// opening rules.
    private static func upsert(offices: [Office], offers: [Offer], desks: [Desk], openingRules: [OpeningRule],
                               _ db: PostgresConnection) throws {
        let offersByOffice = Dictionary(grouping: offers, by: \.officeID)
        let desksByOffice = Dictionary(grouping: desks, by: \.officeID)
        let rulesByOffice = Dictionary(grouping: openingRules, by: \.officeID)
        for o in offices {
            try db.query("""
                INSERT INTO office (id, name_de, name_en, display_name, organization_unit, public, street,
                  house_number, postal_code, city, lat, lon, slot_minutes, horizon_days, min_notice_minutes,
                  online_withheld_percent, accessibility, kind, route, demo)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::text[], $18, $19, $20)
                ON CONFLICT (id) DO UPDATE SET name_de = EXCLUDED.name_de, name_en = EXCLUDED.name_en,
                  display_name = EXCLUDED.display_name, organization_unit = EXCLUDED.organization_unit,
                  public = EXCLUDED.public, street = EXCLUDED.street, house_number = EXCLUDED.house_number,
                  postal_code = EXCLUDED.postal_code, city = EXCLUDED.city, lat = EXCLUDED.lat, lon = EXCLUDED.lon,
                  slot_minutes = EXCLUDED.slot_minutes, horizon_days = EXCLUDED.horizon_days,
                  min_notice_minutes = EXCLUDED.min_notice_minutes,
                  online_withheld_percent = EXCLUDED.online_withheld_percent, kind = EXCLUDED.kind,
                  route = EXCLUDED.route, demo = EXCLUDED.demo
                """, [String(o.id), o.nameDE, o.nameEN, o.displayName, o.organizationUnit, String(o.isPublic),
                      o.address.street, o.address.houseNumber, o.address.postalCode, o.address.city,
                      String(o.geo.lat), String(o.geo.lon), String(o.slotMinutes), String(o.horizonDays),
                      String(o.minNoticeMinutes), String(o.onlineWithheldPercent), PostgresArray.literal(o.accessibility),
                      o.kind.rawValue, o.route, String(o.isDemo)])
            for offer in offersByOffice[o.id] ?? [] {
                try db.query("""
                    INSERT INTO offer (office_id, service_id, slot_units, bookable_online, reserved_for) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (office_id, service_id) DO UPDATE SET slot_units = EXCLUDED.slot_units,
                      bookable_online = EXCLUDED.bookable_online, reserved_for = EXCLUDED.reserved_for
                    """, [String(o.id), String(offer.serviceID), String(offer.slotUnits), String(offer.bookableOnline),
                          offer.reservedFor])
            }
            try db.query("DELETE FROM desk_service USING desk WHERE desk.id = desk_service.desk_id AND desk.office_id = $1",
                         [String(o.id)])
            for desk in desksByOffice[o.id] ?? [] {
                try db.query("""
                    INSERT INTO desk (id, office_id, number, accessible, helper_id, seat_number) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (id) DO UPDATE SET accessible = EXCLUDED.accessible
                    """, [String(desk.id), String(o.id), String(desk.number), String(desk.isAccessible),
                          desk.helperID.map(String.init), desk.seatNumber.map(String.init)])
                for serviceID in desk.serviceIDs.sorted() where desk.helperID == nil {
                    try db.query("INSERT INTO desk_service (desk_id, service_id) VALUES ($1, $2)",
                                 [String(desk.id), String(serviceID)])
                }
            }
            try MasterDataRepository.replaceOpeningRules(officeID: o.id, rules: rulesByOffice[o.id] ?? [], db)
        }
    }

    /// Group sessions (their seats and leader may change; a session is never taken away here).
    private static func upsert(sessions: [GroupSession], _ db: PostgresConnection) throws {
        for session in sessions {
            try db.query("""
                INSERT INTO group_session (id, office_id, service_id, day, start_minute, seats, leader_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (id) DO UPDATE SET seats = EXCLUDED.seats, leader_id = EXCLUDED.leader_id
                """, [String(session.id), String(session.officeID), String(session.serviceID), session.date.description,
                      String(session.startMinute), String(session.seats), session.leaderID.map(String.init)])
        }
    }

    /// Replaces every shift of `helpers` with `shifts` (all gone first: the database refuses overlapping shifts).
    private static func replaceShifts(of helpers: [Helper], with shifts: [HelperShift], _ db: PostgresConnection) throws {
        try db.query("DELETE FROM helper_shift s USING desk d WHERE d.id = s.desk_id AND d.helper_id = ANY($1::bigint[])",
                     [PostgresArray.literal(helpers.map { String($0.id) })])
        for shift in shifts {
            let hours = shift.hours
            try db.query("""
                INSERT INTO helper_shift (desk_id, weekdays, valid_from, valid_to, start_minute, end_minute)
                VALUES ($1, $2::int[], $3, $4, $5, $6)
                """, [String(shift.deskID), PostgresArray.literal(hours.weekdays.sorted().map(String.init)),
                      hours.validFrom.description, hours.validTo?.description, String(hours.startMinute),
                      String(hours.endMinute)])
        }
    }
}
