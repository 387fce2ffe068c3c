/// A service location, a place: a Bürgerbüro, a specialist office, an in-person help desk, a mobile office's stop or a
/// call-back line.
public struct Office: Sendable, Identifiable {
    /// What kind of place an office is.
    public enum Kind: String, Sendable, CaseIterable {
        /// A citizen office (Bürgerbüro) or specialist office, with desks staffed by opening rules.
        case citizenOffice = "citizen_office"
        /// An in-person help desk (e.g. a digital help point in a senior citizens' centre), served by helpers.
        case helpDesk = "help_desk"
        /// One stop of a mobile office on its route: an address, a date and hours.
        case mobile
        /// A call-back line: the helper calls the citizen at the appointment's time.
        case phone
    }

    public let id: Int
    public let kind: Kind
    /// The route a mobile stop belongs to (its stops share it); `nil` for other kinds.
    public let route: String?
    /// Made-up data for demonstrations (a place the city did not publish), shown as such.
    public let isDemo: Bool
    public let nameDE: String
    public let nameEN: String?
    public let displayName: String
    public let organizationUnit: String?
    /// Shown to citizens in the portal.
    public let isPublic: Bool
    public let address: Address
    public let geo: Geo
    /// Length of one grid unit in minutes; appointments start on and last whole units.
    public let slotMinutes: Int
    /// How far ahead citizens may book, in days from today.
    public let horizonDays: Int
    /// How soon an online appointment may start at the earliest, in minutes from now.
    public let minNoticeMinutes: Int
    /// Percentage of each day's desk time withheld from online booking, kept for staff and walk-ins.
    public let onlineWithheldPercent: Int
    /// How late a citizen may cancel a booking, in minutes before its start (staff are not bound).
    public let changeCutoffMinutes: Int
    /// Accessibility features of the building (e.g. `step_free`, `accessible_desk`).
    public let accessibility: [String]

    public init(id: Int, nameDE: String, nameEN: String?, displayName: String, organizationUnit: String?,
                isPublic: Bool, address: Address, geo: Geo, slotMinutes: Int, horizonDays: Int,
                minNoticeMinutes: Int, onlineWithheldPercent: Int, accessibility: [String],
                changeCutoffMinutes: Int = Office.changeCutoffMinutesDefault, kind: Kind = .citizenOffice,
                route: String? = nil, isDemo: Bool = false) {
        precondition((1...1440).contains(slotMinutes), "a grid unit lies within a day")
        precondition((0...100).contains(onlineWithheldPercent), "a share is a percentage")
        precondition(route == nil || kind == .mobile, "only a mobile stop is on a route")
        self.id = id
        self.kind = kind
        self.route = route
        self.isDemo = isDemo
        self.nameDE = nameDE
        self.nameEN = nameEN
        self.displayName = displayName
        self.organizationUnit = organizationUnit
        self.isPublic = isPublic
        self.address = address
        self.geo = geo
        self.slotMinutes = slotMinutes
        self.horizonDays = horizonDays
        self.minNoticeMinutes = minNoticeMinutes
        self.onlineWithheldPercent = onlineWithheldPercent
        self.accessibility = accessibility
        self.changeCutoffMinutes = changeCutoffMinutes
    }

    /// The cut-off an office has unless it sets its own: two hours.
    public static let changeCutoffMinutesDefault = 120

    /// Units in one day of this office's grid. The grid starts at midnight; a unit that would cross midnight
    /// does not exist (a 210-minute grid has 6 units a day).
    public var unitsPerDay: Int { 1440 / slotMinutes }

    /// A postal address.
    public struct Address: Sendable, Equatable {
        public let street: String
        public let houseNumber: String
        public let postalCode: String
        public let city: String
        public init(street: String, houseNumber: String, postalCode: String, city: String) {
            self.street = street
            self.houseNumber = houseNumber
            self.postalCode = postalCode
            self.city = city
        }
    }

    /// WGS84 coordinates.
    public struct Geo: Sendable, Codable, Equatable {
        public let lat: Double
        public let lon: Double
        public init(lat: Double, lon: Double) {
            self.lat = lat
            self.lon = lon
        }
    }
}

/// A catalogue entry: something a citizen comes for.
public struct Service: Sendable, Identifiable {
    public let id: Int
    public let nameDE: String
    public let nameEN: String?
    /// Key in the federal service catalogue (Leistungskatalog).
    public let leika: String?
    public let durationMinutes: Int
    /// How many of this service one appointment may carry (e.g. passports for a family).
    public let maxQuantity: Int
    public let isPublic: Bool
    /// Services that may share one appointment with this one.
    public let combinableWith: Set<Int>
    /// A cut-off for citizens' moves and cancellations longer than the office's, if the service needs one.
    public let changeCutoffMinutes: Int?

    public init(id: Int, nameDE: String, nameEN: String?, leika: String?, durationMinutes: Int, maxQuantity: Int,
                isPublic: Bool, combinableWith: Set<Int>, changeCutoffMinutes: Int? = nil) {
        precondition(durationMinutes > 0 && maxQuantity > 0)
        self.id = id
        self.nameDE = nameDE
        self.nameEN = nameEN
        self.leika = leika
        self.durationMinutes = durationMinutes
        self.maxQuantity = maxQuantity
        self.isPublic = isPublic
        self.combinableWith = combinableWith
        self.changeCutoffMinutes = changeCutoffMinutes
    }
}

/// An office offers a service, taking `slotUnits` units of the office's grid for one quantity.
public struct Offer: Sendable, Hashable {
    public let officeID: Int
    public let serviceID: Int
    public let slotUnits: Int
    public let bookableOnline: Bool
    /// Whom the offer is reserved for (e.g. the residents of a care home a mobile stop serves): only a helper or an
    /// intermediary books it, on their behalf; `nil`: anyone.
    public let reservedFor: String?

    public init(officeID: Int, serviceID: Int, slotUnits: Int, bookableOnline: Bool, reservedFor: String? = nil) {
        precondition(slotUnits > 0 && reservedFor?.isEmpty != true)
        self.officeID = officeID
        self.serviceID = serviceID
        self.slotUnits = slotUnits
        self.bookableOnline = bookableOnline
        self.reservedFor = reservedFor
    }

    /// Whether `role` may book this offer on a citizen's behalf (anyone may book an offer reserved for nobody).
    public func mayBeBooked(by role: StaffRole?) -> Bool {
        reservedFor == nil || role == .helper || role == .intermediary || role == .admin
    }
}

/// A counter or workstation of an office, qualified for some of the office's services.
public struct Desk: Sendable, Identifiable, Hashable {
    public let id: Int
    public let officeID: Int
    /// 1-based number within the office; opening rules staff desks 1…n.
    public let number: Int
    /// Reachable and usable from a wheelchair.
    public let isAccessible: Bool
    public let serviceIDs: Set<Int>
    /// Whether the desk is in service at all; a desk out of service is staffed by no opening rule and takes no
    /// bookings (the counters' closing of a desk for one day is a different thing, see `CounterEngine`).
    public let inService: Bool
    /// The helper whose desk this is at its place: open during the helper's shifts, not by opening rules.
    public let helperID: Int?
    /// The languages spoken at the desk: its helper's, else the offices' working language.
    public let languages: Set<SpokenLanguage>
    /// A seat of the place's group sessions (1, 2, …): open only during sessions with at least that many seats.
    public let seatNumber: Int?

    public init(id: Int, officeID: Int, number: Int, isAccessible: Bool, serviceIDs: Set<Int>, inService: Bool = true,
                helperID: Int? = nil, languages: Set<SpokenLanguage> = [SpokenLanguage.officeLanguage], seatNumber: Int? = nil) {
        precondition(number >= 1)
        precondition(!languages.isEmpty, "a desk speaks some language")
        precondition(seatNumber.map { $0 >= 1 && helperID == nil } ?? true, "a seat is numbered from 1 and has no helper")
        self.seatNumber = seatNumber
        self.helperID = helperID
        self.languages = languages
        self.id = id
        self.officeID = officeID
        self.number = number
        self.isAccessible = isAccessible
        self.serviceIDs = serviceIDs
        self.inService = inService
    }
}

/// When an office is open: on some weekdays, within a validity range, during one time window, with desks 1…n staffed.
public struct OpeningRule: Sendable, Hashable {
    public let officeID: Int
    /// ISO weekdays (1 = Monday … 7 = Sunday).
    public let weekdays: Set<Int>
    public let validFrom: LocalDate
    /// Last day the rule applies; `nil` for open-ended.
    public let validTo: LocalDate?
    public let startMinute: Int
    public let endMinute: Int
    public let staffedDesks: Int

    public init(officeID: Int, weekdays: Set<Int>, validFrom: LocalDate, validTo: LocalDate?,
                startMinute: Int, endMinute: Int, staffedDesks: Int) {
        precondition(0 <= startMinute && startMinute < endMinute && endMinute <= 1440, "a window lies inside one day")
        precondition(weekdays.allSatisfy { (1...7).contains($0) } && staffedDesks >= 1)
        self.officeID = officeID
        self.weekdays = weekdays
        self.validFrom = validFrom
        self.validTo = validTo
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.staffedDesks = staffedDesks
    }

    /// Whether the rule applies on `date`.
    public func applies(on date: LocalDate) -> Bool {
        weekdays.contains(date.isoWeekday) && date >= validFrom && (validTo.map { date <= $0 } ?? true)
    }

    /// Whether both rules could open the office at the same minute: a weekday in common, a day of validity in common
    /// and windows that intersect. One office's rules may not overlap (a desk would be counted twice).
    public func overlaps(_ other: OpeningRule) -> Bool {
        officeID == other.officeID && coincides(with: other)
    }

    /// Whether both rules, at whichever offices, cover a minute in common: one helper's shifts may not.
    public func coincides(with other: OpeningRule) -> Bool {
        guard !weekdays.isDisjoint(with: other.weekdays),
              startMinute < other.endMinute, other.startMinute < endMinute else { return false }
        let lastOfBoth = [validTo, other.validTo].compactMap { $0 }.min()
        return lastOfBoth.map { max(validFrom, other.validFrom) <= $0 } ?? true
    }
}
