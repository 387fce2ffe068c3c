import Foundation
import TerminCore
import TerminPostgres

/// Writes Munich's master data and the staffing model (`MunichCatalog`) into the database.
///
/// Idempotent: offices, services and offers are upserted, each office's desk qualifications and opening rules
/// replaced, all in one transaction. Desks already referenced by appointments are kept.
public enum Seeder {
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

    /// Writes the seed data.
    @discardableResult
    public static func seed(_ connection: PostgresConnection) throws -> Summary {
        let munich = try MunichCatalog.load()
        try connection.transaction { db in
            for s in munich.services {
                try db.query("""
                    INSERT INTO service (id, name_de, name_en, leika, duration_minutes, max_quantity, public)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (id) DO UPDATE SET name_de = EXCLUDED.name_de, name_en = EXCLUDED.name_en,
                      leika = EXCLUDED.leika, duration_minutes = EXCLUDED.duration_minutes,
                      max_quantity = EXCLUDED.max_quantity, public = EXCLUDED.public
                    """, [String(s.id), s.nameDE, s.nameEN, s.leika, String(s.durationMinutes), String(s.maxQuantity),
                          String(s.isPublic)])
            }
            try db.query("DELETE FROM service_combination")
            for pair in munich.combinations {
                try db.query("INSERT INTO service_combination (service_id, combinable_id) VALUES ($1, $2)",
                             [String(pair.serviceID), String(pair.combinableID)])
            }
            let offersByOffice = Dictionary(grouping: munich.offers, by: \.officeID)
            let desksByOffice = Dictionary(grouping: munich.desks, by: \.officeID)
            let rulesByOffice = Dictionary(grouping: munich.openingRules, by: \.officeID)
            for o in munich.offices {
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
                    """, [String(o.id), o.nameDE, o.nameEN, o.displayName, o.organizationUnit, String(o.isPublic),
                          o.address.street, o.address.houseNumber, o.address.postalCode, o.address.city,
                          String(o.geo.lat), String(o.geo.lon), String(o.slotMinutes), String(o.horizonDays),
                          String(o.minNoticeMinutes), String(o.onlineWithheldPercent)])
                for offer in offersByOffice[o.id] ?? [] {
                    try db.query("""
                        INSERT INTO offer (office_id, service_id, slot_units, bookable_online) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (office_id, service_id) DO UPDATE SET slot_units = EXCLUDED.slot_units,
                          bookable_online = EXCLUDED.bookable_online
                        """, [String(o.id), String(offer.serviceID), String(offer.slotUnits), String(offer.bookableOnline)])
                }
                try db.query("DELETE FROM desk_service USING desk WHERE desk.id = desk_service.desk_id AND desk.office_id = $1",
                             [String(o.id)])
                for desk in desksByOffice[o.id] ?? [] {
                    try db.query("""
                        INSERT INTO desk (id, office_id, number, accessible) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (id) DO UPDATE SET accessible = EXCLUDED.accessible
                        """, [String(desk.id), String(o.id), String(desk.number), String(desk.isAccessible)])
                    for serviceID in desk.serviceIDs.sorted() {
                        try db.query("INSERT INTO desk_service (desk_id, service_id) VALUES ($1, $2)",
                                     [String(desk.id), String(serviceID)])
                    }
                }
                try MasterDataRepository.replaceOpeningRules(officeID: o.id, rules: rulesByOffice[o.id] ?? [], db)
            }
        }
        return Summary(offices: munich.offices.count, services: munich.services.count, offers: munich.offers.count,
                       desks: munich.desks.count, openingRules: munich.openingRules.count)
    }
}
