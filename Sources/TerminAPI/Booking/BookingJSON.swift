import TerminCore

/// The JSON shapes of the hold and booking routes. Keys are snake_case.

struct ServiceQuantityJSON: Codable, Equatable {
    let id: Int
    let quantity: Int?

    var request: ServiceRequest { ServiceRequest(serviceID: id, quantity: quantity ?? 1) }
}

struct ContactJSON: Codable {
    let name: String?
    let email: String?
}

/// `POST /v1/holds`.
struct HoldRequestJSON: Decodable {
    let office: Int
    let start: String
    let services: [ServiceQuantityJSON]
    let channel: String?
    /// `["wheelchair"]`: only desks that meet these needs.
    let needs: [String]?
}

/// `POST /v1/bookings`: `hold`, or `office` + `start` + `services`.
struct BookingRequestJSON: Decodable {
    let hold: String?
    let office: Int?
    let start: String?
    let services: [ServiceQuantityJSON]?
    let channel: String?
    let needs: [String]?
    let contact: ContactJSON?
}

struct HoldJSON: Encodable {
    let id: String
    let office: Int
    let start: String
    let end: String
    let expires_at: String
    let services: [ServiceQuantityJSON]

    init(_ record: Appointment) {
        id = record.id
        office = record.run.officeID
        start = BerlinTime.format(record.start)
        end = BerlinTime.format(record.end)
        expires_at = BerlinTime.format(record.expiresAt!)
        services = record.services.map { ServiceQuantityJSON(id: $0.serviceID, quantity: $0.quantity) }
    }
}

struct BookingJSON: Encodable {
    let id: String
    /// Only in the answer that creates the booking.
    let code: String?
    let status: String
    let office: Int
    let start: String
    let end: String
    let channel: String
    let services: [ServiceQuantityJSON]
    let contact: ContactJSON?

    init(_ record: Appointment, code: String?) {
        id = record.id
        self.code = code
        status = record.status.rawValue
        office = record.run.officeID
        start = BerlinTime.format(record.start)
        end = BerlinTime.format(record.end)
        channel = record.channel.rawValue
        services = record.services.map { ServiceQuantityJSON(id: $0.serviceID, quantity: $0.quantity) }
        contact = record.contact.map { ContactJSON(name: $0.name, email: $0.email) }
    }
}
