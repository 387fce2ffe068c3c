/// A person who helps citizens at help desks, mobile stops and call-back lines: a member of staff or a volunteer.
///
/// A helper serves at a place through a desk of that place that is theirs (`Desk.helperID`): appointments with the
/// helper are appointments on that desk, open during the helper's shifts there and qualified for the helper's skills.
public struct Helper: Sendable, Identifiable, Equatable {
    public let id: Int
    public let name: String
    /// The languages the helper helps in; never empty.
    public let languages: Set<SpokenLanguage>
    /// The services the helper helps with.
    public let skills: Set<Int>
    /// Made-up data for demonstrations, shown as such.
    public let isDemo: Bool

    public init(id: Int, name: String, languages: Set<SpokenLanguage>, skills: Set<Int>, isDemo: Bool = false) {
        precondition(!languages.isEmpty, "a helper speaks some language")
        self.id = id
        self.name = name
        self.languages = languages
        self.skills = skills
        self.isDemo = isDemo
    }
}

/// When a helper's desk at a place is open: the hours of an opening rule, for that desk alone (its `staffedDesks` is
/// 1, the helper). One helper's shifts never overlap, at one place or two (the database refuses it).
public struct HelperShift: Sendable, Hashable {
    public let deskID: Int
    public let hours: OpeningRule

    public init(deskID: Int, hours: OpeningRule) {
        precondition(hours.staffedDesks == 1, "a shift staffs one desk")
        self.deskID = deskID
        self.hours = hours
    }
}
