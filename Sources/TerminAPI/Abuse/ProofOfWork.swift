import Foundation
import Synchronization
import TerminCore
import TerminJSON

/// A proof-of-work challenge in ALTCHA's v1 protocol, as ALTCHA's own libraries implement it (1.4.1 and later):
/// `GET /v1/challenge` hands out `{algorithm: "SHA-256", challenge, maxnumber, salt, signature}` where the salt is
/// random hex, its expiry and a closing `&` (`…?expires=UNIX&`), `challenge = hex(SHA-256(salt + number))` for a
/// secret random `number ≤ maxnumber`, and `signature = hex(HMAC-SHA-256(key, challenge))` with the key string's
/// UTF-8 bytes as the HMAC key, as given, never decoded. The client finds `number` by trying, and sends
/// `Altcha: base64(JSON{algorithm, challenge, number, salt, signature})` with its hold, booking or request.
///
/// A portal that shares the key string issues challenges Termin accepts, and verifies Termin's with its own library.
/// Termin asks more than ALTCHA's verifier does: the salt must carry an `expires` no further ahead than
/// `lifetimeMaxSeconds`, and each solution is accepted once (remembered until it expires). Under load the challenges
/// get harder: `maxnumber` grows with the solutions verified in the last ten seconds.
public final class ProofOfWork: Sendable {
    public struct Configuration: Sendable {
        /// The HMAC key's bytes; instances behind one portal, and the portal's ALTCHA, share it (`TERMIN_POW_KEY`).
        public var key: [UInt8]
        /// How long a challenge Termin issues may be solved and used, in seconds.
        public var lifetimeSeconds: Int64 = 300
        /// The furthest ahead a challenge's `expires` may lie, in seconds (a portal's challenges too): solutions are
        /// remembered against replay until they expire, so none may be remembered for long.
        public var lifetimeMaxSeconds: Int64 = 3_600
        /// `maxnumber` when quiet: about a tenth of a second of hashing in a browser.
        public var baseMaxNumber = 50_000
        /// The hardest challenge handed out.
        public var maxNumberCeiling = 2_000_000
        /// Solutions per second (over the last ten seconds) that double `maxnumber`.
        public var doublingSolutionsPerSecond = 50.0
        /// Most solutions remembered against replay (they are forgotten when they expire).
        public var rememberedMax = 1_000_000
        /// The shortest key accepted, in bytes.
        public static let keyBytesMin = 16

        /// A configuration with the HMAC key's bytes (at least `keyBytesMin`).
        public init(key: [UInt8]) {
            precondition(key.count >= Self.keyBytesMin, "an HMAC key of at least 128 bits")
            self.key = key
        }

        /// A configuration with a key string shared with ALTCHA's libraries: its UTF-8 bytes are the HMAC key, as
        /// ALTCHA uses them (the string is never hex- or base64-decoded).
        public init(keyString: String) {
            self.init(key: Array(keyString.utf8))
        }
    }

    /// Why a solution is refused.
    public enum Refusal: String, Error, Sendable {
        case missing, malformed, wrongSignature, wrongNumber, expired, lifetimeTooLong, replayed, tooBusy
    }

    public let configuration: Configuration
    private let used = Mutex<[String: Int64]>([:])
    /// Verified solutions per second of the last ten (ring by second).
    private let recent = Mutex<(second: Int64, counts: [Int])>((0, Array(repeating: 0, count: 10)))

    public init(configuration: Configuration) { self.configuration = configuration }

    /// The current `maxnumber`: doubles for every `doublingSolutionsPerSecond` of recent load.
    public func maxNumber(now: Instant) -> Int {
        let perSecond = Double(recentCount(now: now)) / 10
        let factor = pow(2, perSecond / configuration.doublingSolutionsPerSecond)
        // Bounded before it becomes an Int: under a heavy rush the product outgrows Int (and would trap).
        return Int(min(Double(configuration.maxNumberCeiling), Double(configuration.baseMaxNumber) * factor))
    }

    /// A new challenge (a JSON object, the ALTCHA widget's `challengeurl` answer).
    public func challenge(now: Instant) -> JSONValue {
        var generator = SystemRandomNumberGenerator()
        let saltBytes = (0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // The closing `&` keeps the number from being spliced into the salt's parameters (CVE-2025-68113).
        let salt = Hex.encode(saltBytes) + "?expires=\(now.secondsSinceEpoch + configuration.lifetimeSeconds)&"
        let maxNumber = maxNumber(now: now)
        let number = Int.random(in: 0...maxNumber, using: &generator)
        let challenge = Hex.encode(SHA256.hash(salt + String(number)))
        return .object(["algorithm": .string("SHA-256"), "challenge": .string(challenge), "maxnumber": .int(maxNumber),
                        "salt": .string(salt),
                        "signature": .string(Hex.encode(HMACSHA256.code(key: configuration.key, message: Array(challenge.utf8))))])
    }

    /// Checks a solution (the `Altcha` header's value) and marks it used.
    public func verify(_ payload: String?, now: Instant) throws(Refusal) {
        guard let payload, !payload.isEmpty else { throw .missing }
        guard let data = Data(base64Encoded: payload), let object = try? JSONReader.parse(Array(data)),
              object["algorithm"]?.string == "SHA-256",
              let challenge = object["challenge"]?.string, let salt = object["salt"]?.string,
              let signature = object["signature"]?.string, let number = object["number"].flatMap(Self.number) else { throw .malformed }
        let expected = Hex.encode(HMACSHA256.code(key: configuration.key, message: Array(challenge.utf8)))
        guard Self.constantTimeEqual(expected, signature.lowercased()) else { throw .wrongSignature }
        guard Hex.encode(SHA256.hash(Self.delimited(salt) + String(number))) == challenge else { throw .wrongNumber }
        guard let expires = Self.expiry(salt), now.secondsSinceEpoch < expires else { throw .expired }
        guard expires - now.secondsSinceEpoch <= configuration.lifetimeMaxSeconds else { throw .lifetimeTooLong }
        let fresh = used.withLock { used -> Bool? in
            if used.count >= configuration.rememberedMax {
                used = used.filter { $0.value > now.secondsSinceEpoch }
                guard used.count < configuration.rememberedMax else { return nil }
            }
            return used.updateValue(expires, forKey: challenge) == nil
        }
        guard let fresh else { throw .tooBusy }
        guard fresh else { throw .replayed }
        recent.withLock { recent in
            let second = now.secondsSinceEpoch
            if recent.second - second >= 10 {
                recent = (second, Array(repeating: 0, count: 10))   // the clock stepped back past the window
            } else if second > recent.second {
                for skipped in max(recent.second + 1, second - 9)...second { recent.counts[Int(skipped % 10)] = 0 }
                recent.second = second
            }
            // A solution whose `now` was read just before the last one's counts in its own second (threads race here).
            recent.counts[Int(second % 10)] += 1
        }
    }

    private func recentCount(now: Instant) -> Int {
        recent.withLock { recent in now.secondsSinceEpoch - recent.second >= 10 ? 0 : recent.counts.reduce(0, +) }
    }

    /// The salt as it is hashed: ending in `&`, which ALTCHA's verifiers append when it is missing, so that a
    /// number's digits moved into the salt (`expires=1` + `23` as `expires=12` + `3`) no longer hash alike.
    static func delimited(_ salt: String) -> String {
        salt.hasSuffix("&") ? salt : salt + "&"
    }

    /// The first non-empty `expires` parameter between a salt's first and second `?` (`…?expires=1767225600&`), as
    /// ALTCHA's verifier reads it; `nil` when there is none or it is not a whole number.
    static func expiry(_ salt: String) -> Int64? {
        let parts = salt.split(separator: "?", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return nil }
        for pair in parts[1].split(separator: "&") where pair.hasPrefix("expires=") && pair.count > 8 {
            return Int64(pair.dropFirst(8))
        }
        return nil
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The solution's `number`: a whole number, written `42` or (as some clients write numbers) `42.0`.
    static func number(_ value: JSONValue) -> Int? {
        guard case .number(let text) = value else { return nil }
        return JSONNumber.integer(text, as: Int.self)
    }

    /// Solves a challenge by trying every number (what the widget does; for tests and the load scenario).
    public static func solve(_ challenge: JSONValue) -> String? {
        guard let salt = challenge["salt"]?.string, let target = challenge["challenge"]?.string,
              let maxNumber = challenge["maxnumber"]?.int, let targetBytes = Hex.decode(target) else { return nil }
        let prefix = Array(salt.utf8)
        for number in 0...maxNumber where SHA256.hash(prefix + Array(String(number).utf8)) == targetBytes {
            let solution = JSONValue.object(["algorithm": .string("SHA-256"), "challenge": .string(target), "number": .int(number),
                                             "salt": .string(salt), "signature": .string(challenge["signature"]?.string ?? "")])
            return Data(solution.bytes).base64EncodedString()
        }
        return nil
    }
}
