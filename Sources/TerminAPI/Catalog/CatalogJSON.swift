import TerminCore

/// The JSON shapes of the catalogue routes. Keys are snake_case.

struct ServiceJSON: Encodable {
    let id: Int
    let name_de: String
    let name_en: String?
    let leika: String?
    let duration_minutes: Int
    let max_quantity: Int
    let `public`: Bool
    let combinable_with: [Int]
    /// A cut-off longer than the office's, when the service has one.
    let change_cutoff_minutes: Int?

    init(_ service: Service) {
        id = service.id
        name_de = service.nameDE
        name_en = service.nameEN
        leika = service.leika
        duration_minutes = service.durationMinutes
        max_quantity = service.maxQuantity
        self.public = service.isPublic
        combinable_with = service.combinableWith.sorted()
        change_cutoff_minutes = service.changeCutoffMinutes
    }
}

struct OfficeJSON: Encodable {
    struct OfferJSON: Encodable {
        let id: Int
        let duration_minutes: Int
        let slot_units: Int
        let bookable_online: Bool
        /// Whom the offer is reserved for: only a helper or an intermediary books it for them.
        let reserved_for: String?
    }
    let id: Int
    let name_de: String
    let name_en: String?
    let display_name: String
    let organization_unit: String?
    let `public`: Bool
    let address: AddressJSON
    let geo: Office.Geo
    let time_zone: String
    let slot_minutes: Int
    let horizon_days: Int
    let min_notice_minutes: Int
    let online_withheld_percent: Int
    /// How late a citizen may cancel, in minutes before the start.
    let change_cutoff_minutes: Int
    let accessibility: [String]
    let kind: String
    /// The route of a mobile stop.
    let route: String?
    /// Made-up data for demonstrations.
    let demo: Bool
    let services: [OfferJSON]

    init(_ office: Office, offers: [Offer]) {
        id = office.id
        kind = office.kind.rawValue
        route = office.route
        demo = office.isDemo
        name_de = office.nameDE
        name_en = office.nameEN
        display_name = office.displayName
        organization_unit = office.organizationUnit
        self.public = office.isPublic
        address = AddressJSON(office.address)
        geo = office.geo
        time_zone = BerlinTime.zoneIdentifier
        slot_minutes = office.slotMinutes
        horizon_days = office.horizonDays
        min_notice_minutes = office.minNoticeMinutes
        online_withheld_percent = office.onlineWithheldPercent
        change_cutoff_minutes = office.changeCutoffMinutes
        accessibility = office.accessibility
        services = offers.sorted { $0.serviceID < $1.serviceID }.map {
            OfferJSON(id: $0.serviceID, duration_minutes: $0.slotUnits * office.slotMinutes, slot_units: $0.slotUnits,
                      bookable_online: $0.bookableOnline, reserved_for: $0.reservedFor)
        }
    }
}

struct AddressJSON: Encodable {
    let street: String
    let house_number: String
    let postal_code: String
    let city: String

    init(_ address: Office.Address) {
        street = address.street
        house_number = address.houseNumber
        postal_code = address.postalCode
        city = address.city
    }
}
