import TerminCore
import TerminJSON

/// The JSON shapes of the hold and booking routes. Keys are snake_case.

struct ServiceQuantityJSON: Codable, Equatable {
    let id: Int
    let quantity: Int?

    var request: ServiceRequest { ServiceRequest(serviceID: id, quantity: quantity ?? 1) }
}

struct ContactJSON: Codable {
    let name: String?
    let email: String?
    /// `de` or `en`: the language of the citizen's mails.
    var language: String? = nil
    /// The number a call-back line calls.
    var phone: String? = nil
}

/// `POST /v1/holds`.
struct HoldRequestJSON: Decodable {
    let office: Int
    let start: String
    let services: [ServiceQuantityJSON]
    let channel: String?
    /// `["wheelchair"]`: only desks that meet these needs.
    let needs: [String]?
    /// `["tr"]`: only desks that help in one of these languages.
    let languages: [String]?
}

/// `POST /v1/bookings/{id}/move`: a new `start`, at the booking's office or at `office`; or a `hold`'s time.
struct MoveRequestJSON: Decodable {
    let hold: String?
    let office: Int?
    let start: String?
    /// `["wheelchair"]`: only desks that meet these needs (as when booking).
    let needs: [String]?
    let languages: [String]?
}

/// `POST /v1/bookings`: `hold`, or `office` + `start` + `services`. Read with `JSONReader` (the booking route is the
/// hot one), each field's mistake named as `Decodable` bodies name it.
struct BookingRequestJSON {
    let hold: String?
    let office: Int?
    let start: String?
    let services: [ServiceQuantityJSON]?
    let channel: String?
    let needs: [String]?
    let languages: [String]?
    let contact: ContactJSON?

    init(_ body: JSONFields) throws(APIFailure) {
        hold = try body.string("hold")
        office = try body.int("office")
        start = try body.string("start")
        services = try body.array("services") { value, path throws(APIFailure) in
            try ServiceQuantityJSON(try JSONFields(value, path: path))
        }
        channel = try body.string("channel")
        needs = try body.array("needs", JSONFields.string)
        languages = try body.array("languages", JSONFields.string)
        contact = try body.object("contact").map { fields throws(APIFailure) in try ContactJSON(fields) }
    }
}

extension ServiceQuantityJSON {
    init(_ fields: JSONFields) throws(APIFailure) {
        self.init(id: try fields.required("id", fields.int), quantity: try fields.int("quantity"))
    }
}

extension ContactJSON {
    init(_ fields: JSONFields) throws(APIFailure) {
        self.init(name: try fields.string("name"), email: try fields.string("email"), language: try fields.string("language"),
                  phone: try fields.string("phone"))
    }
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
        contact = record.contact.map { ContactJSON(name: $0.name, email: $0.email, language: $0.language?.rawValue, phone: $0.phone) }
    }
}

extension BookingJSON {
    /// The bytes `JSONBody.encoder` writes for this answer (keys sorted, absent ones left out), written directly:
    /// every booking's 201 is one, and Foundation's encoder cost about as much as the rest of the route.
    var json: [UInt8] {
        var object = JSONObjectWriter(capacity: 384)
        object.string("channel", channel)
        object.string("code", code)
        if let contact {
            var nested = JSONObjectWriter(capacity: 64)
            nested.string("email", contact.email)
            nested.string("language", contact.language)
            nested.string("name", contact.name)
            nested.string("phone", contact.phone)
            object.json("contact", nested.finish())
        }
        object.string("end", end)
        object.string("id", id)
        object.int("office", office)
        object.array("services", services.map { service in
            var nested = JSONObjectWriter(capacity: 40)
            nested.int("id", service.id)
            nested.int("quantity", service.quantity)
            return nested.finish()
        })
        object.string("start", start)
        object.string("status", status)
        return object.finish()
    }
}

/// `POST /v1/bookings/{id}/earlier`: the latest acceptable start, and what the desk must meet.
struct EarlierRequestJSON: Decodable {
    let latest: String?
    let needs: [String]?
    let languages: [String]?
}

/// A booking's wish for an earlier time, as it stands.
struct EarlierWishJSON: Encodable {
    struct OfferJSON: Encodable {
        let hold: String
        let start: String
        let expires_at: String
    }

    let booking: String
    let state: String
    let joined_at: String
    let latest: String?
    let needs: [String]
    let languages: [String]
    let offers_made: Int
    let offers_max: Int
    /// The offer held for the booking now: take it by moving onto its hold.
    let offer: OfferJSON?

    init(_ wish: EarlierWish, state: EarlierWish.State, offersMax: Int) {
        booking = wish.bookingID
        self.state = state.rawValue
        joined_at = BerlinTime.format(wish.optedAt)
        latest = wish.latestStart.map(BerlinTime.format)
        needs = wish.needs.names
        languages = wish.needs.languages.map(\.rawValue)
        offers_made = wish.offersMade
        offers_max = offersMax
        offer = state == .offered ? wish.lastOffer.map {
            OfferJSON(hold: $0.holdID, start: BerlinTime.format($0.start), expires_at: BerlinTime.format($0.expiresAt))
        } : nil
    }
}
