/// Who a citizen is for the per-identity caps: a keyed hash of the pseudonym the portal passes (it authenticates
/// citizens) or else of the normalised contact e-mail. Only the hash is ever stored; without the key it cannot be
/// recomputed from a list of addresses.
public struct CitizenIdentity: Sendable, Hashable, CustomStringConvertible {
    /// HMAC-SHA-256 of `pseudonym:<p>` or `email:<normalised address>`: 32 bytes.
    public let hash: [UInt8]
    /// The request field it was taken from (`Citizen-Pseudonym` or `contact.email`): where a refusal points.
    public let field: String

    public init(hash: [UInt8], field: String) {
        precondition(hash.count == 32, "an identity is a SHA-256-sized code")
        self.hash = hash
        self.field = field
    }

    /// The hash in hex (64 digits), as the store takes it.
    public var hex: String { Hex.encode(hash) }
    public var description: String { "identity \(hex.prefix(12))… from \(field)" }

    /// A 64-bit number of the hash: the key of the database's advisory lock that orders writes for one identity.
    public var lockKey: Int64 {
        hash.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    /// The field a portal's pseudonym arrives in.
    public static let pseudonymField = "Citizen-Pseudonym"
    /// The field a contact e-mail arrives in.
    public static let emailField = "contact.email"
}

/// Turns what a request says about its citizen into a `CitizenIdentity`, under a key the deployment keeps.
public struct IdentityHasher: Sendable {
    /// Fewest key bytes accepted.
    public static let keyBytesMin = 16
    private let key: [UInt8]

    public init(key: [UInt8]) {
        precondition(key.count >= Self.keyBytesMin, "an identity key has at least \(Self.keyBytesMin) bytes")
        self.key = key
    }

    /// The pseudonym's identity when there is one, else the e-mail's; `nil` when the request names neither.
    public func identity(pseudonym: String?, email: String?) -> CitizenIdentity? {
        if let pseudonym {
            return CitizenIdentity(hash: HMACSHA256.code(key: key, message: Array("pseudonym:\(pseudonym)".utf8)),
                                   field: CitizenIdentity.pseudonymField)
        }
        guard let email else { return nil }
        return CitizenIdentity(hash: HMACSHA256.code(key: key, message: Array("email:\(Self.normalised(email: email))".utf8)),
                               field: CitizenIdentity.emailField)
    }

    /// An address as one mailbox: trimmed, lower case, and without a `+tag` after the local part (RFC 5233
    /// sub-addressing: `Anna+1@Example.org` and `anna@example.org` reach the same person). Provider rules beyond that
    /// (dots in some providers' local parts) are not guessed at.
    public static func normalised(email: String) -> String {
        let lowered = email.trimmingWhitespace().lowercased()
        guard let at = lowered.lastIndex(of: "@") else { return lowered }
        let local = lowered[..<at], domain = lowered[lowered.index(after: at)...]
        let mailbox = local.firstIndex(of: "+").map { local[..<$0] } ?? local
        return "\(mailbox)@\(domain)"
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks (no Foundation in the core).
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
