/// A language a citizen may ask to be helped in, by its ISO 639-1 code: the languages most spoken in Munich besides
/// German. Each has a bit in `Needs`, so that a language travels with a request as a wheelchair does.
public enum SpokenLanguage: String, Sendable, CaseIterable, Comparable {
    case de, en, tr, uk, ar, ru, pl, ro, hr, bs, sr, it, el, fr, es, pt, bg, hu, sq, fa, ku, vi, zh, so, ti

    /// The language desks without a helper are taken to speak: the offices' working language.
    public static let officeLanguage = SpokenLanguage.de

    /// Every code, sorted, as an error message lists them.
    public static var codes: [String] { allCases.map(\.rawValue).sorted() }

    /// The first of the languages' bits in `Needs`; the bits below are other needs (bit 0: the wheelchair).
    static let firstNeedsBit = 8

    /// The language's bit in `Needs`.
    var needsBit: Int { Self.firstNeedsBit + Self.allCases.firstIndex(of: self)! }

    public static func < (a: SpokenLanguage, b: SpokenLanguage) -> Bool { a.rawValue < b.rawValue }
}
