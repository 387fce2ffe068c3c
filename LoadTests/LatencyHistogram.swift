/// A log-linear latency histogram in microseconds: exact below 1,024 µs, then 64 sub-buckets per power of two
/// (relative error below 1.6 %), up to about 35 minutes. Not thread-safe: one per client thread, merged at the end.
struct LatencyHistogram {
    static let subBuckets = 64
    static let linearMax = 1024
    /// Powers of two above `linearMax` that are tracked (2^10 … 2^31 µs).
    static let powers = 21

    private(set) var counts = [Int](repeating: 0, count: linearMax + powers * subBuckets)
    private(set) var total = 0
    private(set) var maxMicroseconds = 0

    mutating func record(microseconds: Int) {
        let value = max(0, microseconds)
        counts[Self.bucket(value)] += 1
        total += 1
        maxMicroseconds = max(maxMicroseconds, value)
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        total += other.total
        maxMicroseconds = max(maxMicroseconds, other.maxMicroseconds)
    }

    /// The value at quantile `q` (0…1), as the upper edge of its bucket, in microseconds.
    func percentile(_ q: Double) -> Int {
        guard total > 0 else { return 0 }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() {
            seen += count
            if seen >= rank { return min(Self.upperEdge(index), maxMicroseconds) }
        }
        return maxMicroseconds
    }

    static func bucket(_ value: Int) -> Int {
        if value < linearMax { return value }
        let power = min(Int.bitWidth - 1 - value.leadingZeroBitCount, 10 + powers - 1)   // ≥ 10
        let step = (1 << power) / subBuckets
        let sub = min(subBuckets - 1, (value - (1 << power)) / step)
        return linearMax + (power - 10) * subBuckets + sub
    }

    static func upperEdge(_ index: Int) -> Int {
        if index < linearMax { return index }
        let power = 10 + (index - linearMax) / subBuckets
        let sub = (index - linearMax) % subBuckets
        return (1 << power) + (sub + 1) * ((1 << power) / subBuckets) - 1
    }
}
