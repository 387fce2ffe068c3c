/// A fixed-length set of grid units, one bit per unit, 64 units per word.
public struct UnitBitmap: Hashable, Sendable {
    public private(set) var words: [UInt64]
    /// Number of units the bitmap covers.
    public let count: Int

    /// An empty bitmap of `count` units.
    public init(count: Int) {
        precondition(count > 0)
        self.count = count
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    public subscript(unit: Int) -> Bool {
        precondition(unit >= 0 && unit < count)
        return words[unit >> 6] & (1 << UInt64(unit & 63)) != 0
    }

    /// A bitmap over existing words (bits past `count` are ignored by range operations).
    public init(words: [UInt64], count: Int) {
        precondition(words.count == (count + 63) / 64)
        self.words = words
        self.count = count
    }

    /// Whether every unit of `range` is clear.
    public func isClear(_ range: Range<Int>) -> Bool {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        var unit = range.lowerBound
        while unit < range.upperBound {
            let (index, mask, next) = Self.wordMask(unit, range.upperBound)
            if words[index] & mask != 0 { return false }
            unit = next
        }
        return true
    }

    /// Whether every unit of `range` is set.
    public func isSet(_ range: Range<Int>) -> Bool {
        var unit = range.lowerBound
        while unit < range.upperBound {
            let (index, mask, next) = Self.wordMask(unit, range.upperBound)
            if words[index] & mask != mask { return false }
            unit = next
        }
        return true
    }

    /// Sets every unit of `range`.
    public mutating func set(_ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        var unit = range.lowerBound
        while unit < range.upperBound {
            let (index, mask, next) = Self.wordMask(unit, range.upperBound)
            words[index] |= mask
            unit = next
        }
    }

    /// Clears every unit of `range`.
    public mutating func clear(_ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        var unit = range.lowerBound
        while unit < range.upperBound {
            let (index, mask, next) = Self.wordMask(unit, range.upperBound)
            words[index] &= ~mask
            unit = next
        }
    }

    /// Number of set units.
    public var population: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The first set unit, `nil` when none is.
    public var firstSet: Int? { (0..<count).first { self[$0] } }

    /// The last set unit, `nil` when none is.
    public var lastSet: Int? { (0..<count).last { self[$0] } }

    /// The maximal run of clear units containing `range` (which must be clear).
    public func clearRun(around range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        while lower > 0, !self[lower - 1] { lower -= 1 }
        var upper = range.upperBound
        while upper < count, !self[upper] { upper += 1 }
        return lower..<upper
    }

    /// The word index, the mask of `unit ..< end` within that word, and the first unit of the next word.
    static func wordMask(_ unit: Int, _ end: Int) -> (Int, UInt64, Int) {
        let index = unit >> 6
        let wordEnd = min(end, (index + 1) << 6)
        let width = wordEnd - unit
        let mask: UInt64 = width == 64 ? ~0 : ((1 << UInt64(width)) - 1) << UInt64(unit & 63)
        return (index, mask, wordEnd)
    }
}
