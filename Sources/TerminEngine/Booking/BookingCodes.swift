import TerminCore

/// Booking codes, derived from the booking's id under a key the database keeps (HMAC-SHA-256): the database stores only
/// a code's hash, yet a mail written long after the booking (a reminder, an offer of an earlier time) can put the code
/// in its link. Whoever holds the key can derive every code: it is kept as the citizens' contact data are.
public struct BookingCodes: Sendable {
    /// Name of the key in the database's secrets.
    static let keyName = "booking-code-hmac"
    /// Bytes of the authentication code a booking code shows (128 bits, as hex digits).
    static let codeBytes = 16

    private let key: [UInt8]

    public init(key: [UInt8]) {
        precondition(key.count >= 16, "a key of at least 128 bits")
        self.key = key
    }

    /// The code of booking (or waiting-list entry) `id`.
    public func code(for id: String) -> String {
        Hex.encode(Array(HMACSHA256.code(key: key, message: Array("termin booking code \(id)".utf8)).prefix(Self.codeBytes)))
    }

    /// The code of booking `id` when it is the one whose SHA-256 the database holds; `nil` for a code made otherwise
    /// (a seat taken from a waiting list keeps its entry's code).
    public func code(for id: String, hashedAs codeSHA256: [UInt8]) -> String? {
        let code = code(for: id)
        return SHA256.hash(Array(code.utf8)) == codeSHA256 ? code : nil
    }
}
