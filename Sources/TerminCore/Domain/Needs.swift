/// What a citizen needs of the desk beyond its services. Carried through availability, holds, bookings and requests.
public struct Needs: OptionSet, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Only desks reachable and usable from a wheelchair (`Desk.isAccessible`).
    public static let wheelchair = Needs(rawValue: 1)

    /// Every need by its name in the API.
    public static let byName: [String: Needs] = ["wheelchair": .wheelchair]

    /// The names of the needs in this set, sorted.
    public var names: [String] { Self.byName.filter { contains($0.value) }.map(\.key).sorted() }

    /// Whether `desk` meets every need.
    public func isMet(by desk: Desk) -> Bool { !contains(.wheelchair) || desk.isAccessible }
}
