/// What a citizen needs of the desk beyond its services: a desk usable from a wheelchair, and help in one of some
/// languages. Carried through availability, holds, bookings and requests.
public struct Needs: OptionSet, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Only desks reachable and usable from a wheelchair (`Desk.isAccessible`).
    public static let wheelchair = Needs(rawValue: 1)

    /// Help in `language`. Several languages mean any of them: the citizen speaks each.
    public static func speaking(_ language: SpokenLanguage) -> Needs { Needs(rawValue: 1 << language.needsBit) }

    /// The needs in this set other than languages, by their names in the API.
    public static let byName: [String: Needs] = ["wheelchair": .wheelchair]

    /// The names of the needs in this set other than languages, sorted.
    public var names: [String] { Self.byName.filter { contains($0.value) }.map(\.key).sorted() }

    /// The languages asked for, sorted by code.
    public var languages: [SpokenLanguage] { SpokenLanguage.allCases.filter { contains(.speaking($0)) }.sorted() }

    /// The same needs without the languages.
    public var withoutLanguages: Needs { Needs(rawValue: rawValue & (1 << SpokenLanguage.firstNeedsBit - 1)) }

    /// The needs and the languages, as one list of tokens (`wheelchair`, `language:tr`): how a stored request or a
    /// fingerprint spells them. `init(tokens:)` reads it back.
    public var tokens: [String] { names + languages.map { "language:" + $0.rawValue } }

    /// The needs `tokens` spells; `nil` for an unknown token.
    public init?(tokens: [String]) {
        var needs: Needs = []
        for token in tokens {
            if token.hasPrefix("language:") {
                guard let language = SpokenLanguage(rawValue: String(token.dropFirst("language:".count))) else { return nil }
                needs.insert(.speaking(language))
            } else {
                guard let need = Self.byName[token] else { return nil }
                needs.insert(need)
            }
        }
        self = needs
    }

    /// Whether `desk` meets every need: accessible if asked, and speaking one of the languages asked for, if any.
    public func isMet(by desk: Desk) -> Bool {
        guard !contains(.wheelchair) || desk.isAccessible else { return false }
        let asked = languages
        return asked.isEmpty || asked.contains { desk.languages.contains($0) }
    }
}
