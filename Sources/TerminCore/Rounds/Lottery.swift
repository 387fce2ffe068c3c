/// The round lottery anyone can check. The rule, as published with every round report:
///
///   key(request) = SHA-256(seed ‖ UTF-8 bytes of the request id in lowercase), the seed being the 32 bytes whose hex
///   is the report's `seed`; requests ordered by key as a 256-bit big-endian number, smallest first; rank 1 is the first.
///
/// At the round's creation `SHA-256(seed)` is published (the commitment), the seed at its close: anyone can check the
/// seed against the commitment and recompute every rank. Among allocations of equal objective the better rank wins.
public enum Lottery {
    /// The key of one request.
    public static func key(seed: [UInt8], requestID: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(seed)
        hasher.update(requestID.lowercased().utf8)
        return hasher.finalize()
    }

    /// Each request id's rank, 1 for the best.
    public static func ranks(seed: [UInt8], requestIDs: [String]) -> [String: Int] {
        let ordered = requestIDs.map { (id: $0, key: key(seed: seed, requestID: $0)) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var ranks: [String: Int] = [:]
        for (index, entry) in ordered.enumerated() { ranks[entry.id] = index + 1 }
        return ranks
    }
}
