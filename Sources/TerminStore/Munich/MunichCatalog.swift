import Foundation
import TerminCore
import TerminPostgres

/// Munich's master data (shipped with the module: 109 offices, 287 services, 526 offers) with the staffing model's
/// desks and opening rules, in memory: what the seeder writes, and what a generator or a test builds on without a
/// database.
public struct MunichCatalog: Sendable {
    public let services: [Service]
    public let offices: [Office]
    public let offers: [Offer]
    public let desks: [Desk]
    public let openingRules: [OpeningRule]
    /// Pairs of services that combine, both known.
    public let combinations: [(serviceID: Int, combinableID: Int)]

    /// The catalogue the engine would load after seeding (no per-office closures).
    public var catalog: Catalog {
        let combinable = Dictionary(grouping: combinations, by: \.serviceID).mapValues { Set($0.map(\.combinableID)) }
        return Catalog(offices: offices,
                       services: services.map { Service(id: $0.id, nameDE: $0.nameDE, nameEN: $0.nameEN, leika: $0.leika,
                                                        durationMinutes: $0.durationMinutes, maxQuantity: $0.maxQuantity,
                                                        isPublic: $0.isPublic, combinableWith: combinable[$0.id] ?? []) },
                       offers: offers, desks: desks, openingRules: openingRules,
                       closingCalendar: ClosingCalendar(officeClosures: [:]))
    }

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

    /// One of the shipped JSON files.
    static func load<T: Decodable>(_ name: String) throws -> T {
        guard let folder = Bundle.module.url(forResource: "data", withExtension: nil) else {
            throw PostgresError(.migrationFailed, message: "the seed data is missing from the build")
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// Reads the shipped data and applies the staffing model.
    public static func load() throws -> MunichCatalog {
        let officeRecords: [OfficeRecord] = try load("offices.json")
        let serviceRecords: [ServiceRecord] = try load("services.json")
        let serviceIDs = Set(serviceRecords.map(\.id))
        let services = serviceRecords.map {
            Service(id: Int($0.id)!, nameDE: $0.name_de, nameEN: $0.name_en, leika: $0.leika, durationMinutes: $0.duration_minutes,
                    maxQuantity: $0.max_quantity, isPublic: $0.public, combinableWith: [])
        }
        let byID = Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0) })
        // The export names a few services that are not in it; those pairs are dropped.
        let combinations = serviceRecords.flatMap { record in
            Set(record.combinable_with).filter(serviceIDs.contains).sorted().map { (Int(record.id)!, Int($0)!) }
        }
        var offices: [Office] = [], offers: [Offer] = [], desks: [Desk] = [], rules: [OpeningRule] = []
        for record in officeRecords {
            let officeID = Int(record.id)!
            let policy = StaffingModel.policy(officeID: officeID)
            offices.append(Office(id: officeID, nameDE: record.name_de, nameEN: record.name_en, displayName: record.display_name,
                                  organizationUnit: record.organization_unit, isPublic: record.public,
                                  address: .init(street: record.address.street, houseNumber: record.address.house_number,
                                                 postalCode: record.address.postal_code, city: record.address.city),
                                  geo: .init(lat: record.geo.lat, lon: record.geo.lon), slotMinutes: record.slot_minutes,
                                  horizonDays: policy.horizonDays, minNoticeMinutes: policy.minNoticeMinutes,
                                  onlineWithheldPercent: policy.onlineWithheldPercent, accessibility: ["accessible_desk"]))
            let officeOffers = record.services.map { offer in
                precondition(offer.slots * record.slot_minutes == offer.duration_minutes, "an offer lasts whole units")
                return Offer(officeID: officeID, serviceID: Int(offer.service_id)!, slotUnits: offer.slots,
                             bookableOnline: offer.bookable_online)
            }
            offers += officeOffers
            let officeDesks = StaffingModel.desks(officeID: officeID, slotMinutes: record.slot_minutes, offers: officeOffers,
                                                  services: byID)
            desks += officeDesks
            rules += StaffingModel.openingRules(officeID: officeID, slotMinutes: record.slot_minutes, deskCount: officeDesks.count)
        }
        return MunichCatalog(services: services, offices: offices, offers: offers, desks: desks, openingRules: rules,
                             combinations: combinations)
    }
}
