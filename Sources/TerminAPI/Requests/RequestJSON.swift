import TerminCore
import TerminEngine

/// The JSON shapes of `POST /v1/requests` and `GET /v1/requests/{id}`. Keys are snake_case.

/// `POST /v1/requests`: `offices` (ranked) or `near`, one or more windows.
struct FlexibleRequestJSON: Decodable {
    struct Near: Decodable {
        let lat: Double
        let lon: Double
        let km: Double
    }

    struct Window: Decodable {
        let from: String
        let to: String
    }

    let services: [ServiceQuantityJSON]
    let offices: [Int]?
    let near: Near?
    let windows: [Window]
    let needs: [String]?
    /// Help in any of these languages (ISO 639-1).
    let languages: [String]?
    /// With `near`: only places of these kinds (`citizen_office`, `help_desk`, `mobile`, `phone`).
    let kinds: [String]?
    let contact: ContactJSON?
}

/// A round as published: never the seed before the close.
struct RoundJSON: Encodable {
    let id: Int
    let name: String
    let offices: [Int]
    let services: [Int]
    let first_date: String
    let last_date: String
    let opens_at: String
    let closes_at: String
    let phase: String
    /// SHA-256 of the seed, hex.
    let commitment: String

    init(_ round: ReleaseRound, now: Instant) {
        id = round.id
        name = round.name
        offices = round.officeIDs
        services = round.serviceIDs.sorted()
        first_date = round.firstDate.description
        last_date = round.lastDate.description
        opens_at = BerlinTime.format(round.opensAt)
        closes_at = BerlinTime.format(round.closesAt)
        phase = round.phase(at: now).rawValue
        commitment = Hex.encode(round.commitment)
    }
}

/// `202` to a collected request: its id and code (shown this once) and the round.
struct CollectedJSON: Encodable {
    let id: String
    let code: String
    let state = "collected"
    let round: RoundJSON
}

/// `GET /v1/requests/{id}`.
struct RequestStateJSON: Encodable {
    let id: String
    /// collected, served, unserved, carried.
    let state: String
    let round: RoundJSON
    let lottery_rank: Int?
    /// The request it continues as in a later round (same code).
    let carried_to: String?
    /// The booking won (its code is the request's code).
    let booking: BookingJSON?
}
