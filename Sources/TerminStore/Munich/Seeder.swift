import Foundation
import TerminCore
import TerminPostgres

/// Loads Munich's master data (shipped with the module) plus the staffing model into the database.
///
/// Idempotent: offices, services and offers are upserted, each office's desk qualifications and opening rules
/// replaced, all in one transaction. Desks already referenced by appointments are kept.
public enum Seeder {
    struct OfficeRecord: Decodable {
        struct AddressRecord: Decodable {
            let street: String
            let house_number: String
            let postal_code: String
            let city: String
        }
        struct GeoRecord: Decodable {
            let lat: Double
            let lon: Double
        }
        struct OfferRecord: Decodable {
            let service_id: String
            let duration_minutes: Int
            let slots: Int
            let bookable_online: Bool
        }
        let id: String
        let name_de: String
        let name_en: String?
        let display_name: String
        let organization_unit: String?
        let `public`: Bool
        let address: AddressRecord
        let geo: GeoRecord
        let slot_minutes: Int
        let services: [OfferRecord]
    }

    struct ServiceRecord: Decodable {
        let id: String
        let name_de: String
        let name_en: String?
        let leika: String?
        let duration_minutes: Int
        let max_quantity: Int
        let `public`: Bool
        let combinable_with: [String]
    }

    /// Counts of what was written.
    public struct Summary: Sendable, CustomStringConvertible {
        public let offices: Int
        public let services: Int
        public let offers: Int
        public let desks: Int
        public let openingRules: Int
        public var description: String {
            "\(offices) offices, \(services) services, \(offers) offers, \(desks) desks, \(openingRules) opening rules"
        }
    }

    static func load<T: Decodable>(_ name: String) throws -> T {
        guard let folder = Bundle.module.url(forResource: "data", withExtension: nil) else {
            throw PostgresError(.migrationFailed, message: "the seed data is missing from the build")
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// Writes the seed data.
    @discardableResult
    public static func seed(_ connection: PostgresConnection) throws -> Summary {
        let offices: [OfficeRecord] = try load("offices.json")
        let services: [ServiceRecord] = try load("services.json")
        let serviceIDs = Set(services.map(\.id))
        let domainServices = Dictionary(uniqueKeysWithValues: services.map {
            (Int($0.id)!, Service(id: Int($0.id)!, nameDE: $0.name_de, nameEN: $0.name_en, leika: $0.leika,
                                  durationMinutes: $0.duration_minutes, maxQuantity: $0.max_quantity,
                                  isPublic: $0.public, combinableWith: []))
        })
        var deskTotal = 0, ruleTotal = 0, offerTotal = 0
        try connection.transaction { db in
            for s in services {
                try db.query("""
                    INSERT INTO service (id, name_de, name_en, leika, duration_minutes, max_quantity, public)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (id) DO UPDATE SET name_de = EXCLUDED.name_de, name_en = EXCLUDED.name_en,
                      leika = EXCLUDED.leika, duration_minutes = EXCLUDED.duration_minutes,
                      max_quantity = EXCLUDED.max_quantity, public = EXCLUDED.public
                    """, [s.id, s.name_de, s.name_en, s.leika, String(s.duration_minutes), String(s.max_quantity),
                          String(s.public)])
            }
            try db.query("DELETE FROM service_combination")
            for s in services {
                // The export names a few services that are not in it; those pairs are dropped.
                for other in Set(s.combinable_with) where serviceIDs.contains(other) {
                    try db.query("INSERT INTO service_combination (service_id, combinable_id) VALUES ($1, $2)", [s.id, other])
                }
            }
            for o in offices {
                let officeID = Int(o.id)!
                let policy = StaffingModel.policy(officeID: officeID)
                try db.query("""
                    INSERT INTO office (id, name_de, name_en, display_name, organization_unit, public, street,
                      house_number, postal_code, city, lat, lon, slot_minutes, horizon_days, min_notice_minutes,
                      online_withheld_percent, accessibility)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, '{accessible_desk}')
                    ON CONFLICT (id) DO UPDATE SET name_de = EXCLUDED.name_de, name_en = EXCLUDED.name_en,
                      display_name = EXCLUDED.display_name, organization_unit = EXCLUDED.organization_unit,
                      public = EXCLUDED.public, street = EXCLUDED.street, house_number = EXCLUDED.house_number,
                      postal_code = EXCLUDED.postal_code, city = EXCLUDED.city, lat = EXCLUDED.lat, lon = EXCLUDED.lon,
                      slot_minutes = EXCLUDED.slot_minutes, horizon_days = EXCLUDED.horizon_days,
                      min_notice_minutes = EXCLUDED.min_notice_minutes,
                      online_withheld_percent = EXCLUDED.online_withheld_percent
                    """, [o.id, o.name_de, o.name_en, o.display_name, o.organization_unit, String(o.public),
                          o.address.street, o.address.house_number, o.address.postal_code, o.address.city,
                          String(o.geo.lat), String(o.geo.lon), String(o.slot_minutes), String(policy.horizonDays),
                          String(policy.minNoticeMinutes), String(policy.onlineWithheldPercent)])
                var offers: [Offer] = []
                for offer in o.services {
                    precondition(offer.slots * o.slot_minutes == offer.duration_minutes, "an offer lasts whole units")
                    try db.query("""
                        INSERT INTO offer (office_id, service_id, slot_units, bookable_online) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (office_id, service_id) DO UPDATE SET slot_units = EXCLUDED.slot_units,
                          bookable_online = EXCLUDED.bookable_online
                        """, [o.id, offer.service_id, String(offer.slots), String(offer.bookable_online)])
                    offers.append(Offer(officeID: officeID, serviceID: Int(offer.service_id)!, slotUnits: offer.slots,
                                        bookableOnline: offer.bookable_online))
                }
                offerTotal += offers.count
                let desks = StaffingModel.desks(officeID: officeID, slotMinutes: o.slot_minutes, offers: offers,
                                                services: domainServices)
                try db.query("DELETE FROM desk_service USING desk WHERE desk.id = desk_service.desk_id AND desk.office_id = $1",
                             [o.id])
                for desk in desks {
                    try db.query("""
                        INSERT INTO desk (id, office_id, number, accessible) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (id) DO UPDATE SET accessible = EXCLUDED.accessible
                        """, [String(desk.id), o.id, String(desk.number), String(desk.isAccessible)])
                    for serviceID in desk.serviceIDs.sorted() {
                        try db.query("INSERT INTO desk_service (desk_id, service_id) VALUES ($1, $2)",
                                     [String(desk.id), String(serviceID)])
                    }
                }
                deskTotal += desks.count
                try db.query("DELETE FROM opening_rule WHERE office_id = $1", [o.id])
                let rules = StaffingModel.openingRules(officeID: officeID, slotMinutes: o.slot_minutes, deskCount: desks.count)
                for rule in rules {
                    try db.query("""
                        INSERT INTO opening_rule (office_id, weekdays, valid_from, valid_to, start_minute, end_minute,
                          staffed_desks) VALUES ($1, $2::int[], $3, $4, $5, $6, $7)
                        """, [o.id, "{" + rule.weekdays.sorted().map(String.init).joined(separator: ",") + "}",
                              rule.validFrom.description, rule.validTo?.description, String(rule.startMinute),
                              String(rule.endMinute), String(rule.staffedDesks)])
                }
                ruleTotal += rules.count
            }
        }
        return Summary(offices: offices.count, services: services.count, offers: offerTotal, desks: deskTotal,
                       openingRules: ruleTotal)
    }
}
