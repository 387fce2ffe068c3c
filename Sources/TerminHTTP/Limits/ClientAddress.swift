import Glibc

/// A client's IP address. Trust (`--trusted-proxy`) is decided on the whole address; the rate limits count by
/// `budgetHolder`: IPv4 whole (/32), IPv6 by its /64 (one household or host usually holds a whole /64, so counting
/// single IPv6 addresses would give it billions of budgets).
public struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes (IPv4), 16 (IPv6), or the first 8 of an IPv6 address (a `budgetHolder`).
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: self.bytes = bytes
        case 16:
            // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is that IPv4 address.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                self.bytes = Array(bytes[12..<16])
            } else {
                self.bytes = bytes
            }
        default: return nil
        }
    }

    private init(prefix: ArraySlice<UInt8>) { bytes = Array(prefix) }

    /// Whom a rate budget belongs to: an IPv4 address, or an IPv6 address's /64.
    public var budgetHolder: ClientAddress { bytes.count == 16 ? ClientAddress(prefix: bytes[0..<8]) : self }

    /// Parses `203.0.113.7` or `2001:db8::1`; `nil` for anything else.
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: " \t")
        var v4 = in_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 {
            self.init(bytes: withUnsafeBytes(of: v4.s_addr) { Array($0) })
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, trimmed, &v6) == 1 else { return nil }
        self.init(bytes: withUnsafeBytes(of: v6) { Array($0) })
    }

    /// The address of an accepted connection (IPv4 or IPv6); `nil` for other families.
    init?(socketAddress address: sockaddr_storage) {
        let family = Int32(address.ss_family)
        let bytes: [UInt8]? = withUnsafeBytes(of: address) { raw in
            switch family {
            case AF_INET: withUnsafeBytes(of: raw.load(as: sockaddr_in.self).sin_addr.s_addr) { Array($0) }
            case AF_INET6: withUnsafeBytes(of: raw.load(as: sockaddr_in6.self).sin6_addr) { Array($0) }
            default: nil
            }
        }
        guard let bytes else { return nil }
        self.init(bytes: bytes)
    }

    public var description: String {
        guard bytes.count != 4 else { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: bytes.count, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + (bytes.count == 8 ? "::/64" : "")
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String { self[...].trimmingCharacters(in: set) }
}
