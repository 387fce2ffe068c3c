/// What a staff member may do. Roles are scoped to offices: an account acts only at the offices it names (an admin
/// or planner naming none acts at every office).
public enum StaffRole: String, Sendable, CaseIterable, Codable {
    /// Serves the queue at the counter: tickets, check-ins, calls, bookings on a citizen's behalf.
    case clerk
    /// A clerk who also runs the day: closes and opens desks, reads the audit log, defines release rounds.
    case lead
    /// Reads statistics and the queue; serves nobody.
    case planner
    /// Everything, at every office it names: accounts, rounds, the audit log.
    case admin
    /// Helps citizens at the help places it names: serves their drop-in queue and books on a citizen's behalf.
    case helper
    /// Social services or the 115 hotline: books on a citizen's behalf at every help place (not at citizen offices),
    /// within a daily quota.
    case intermediary

    /// Whether this role may do `action`.
    public func allows(_ action: StaffAction) -> Bool {
        switch action {
        case .serveQueue: self == .clerk || self == .lead || self == .admin || self == .helper
        case .bookOnBehalf: self != .planner
        case .manageDay, .readAudit, .manageRounds: self == .lead || self == .admin
        case .readStatistics: self == .planner || self == .lead || self == .admin
        case .manageAccounts, .operateDelivery, .manageBookingRules, .manageHelpers: self == .admin
        case .manageClosuresAndDesks, .manageSessions: self == .lead || self == .admin
        }
    }

    /// Whether accounts of this role must name their offices.
    public var needsOffices: Bool { self == .clerk || self == .lead || self == .helper }

    /// Bookings on a citizen's behalf an intermediary makes a day unless its account says otherwise.
    public static let intermediaryDailyQuotaDefault = 20
}

/// The kinds of things a staff route does, checked against a role.
public enum StaffAction: String, Sendable {
    case serveQueue = "serve the queue"
    /// Holds and bookings in the staff and walk-in channels, for a citizen.
    case bookOnBehalf = "book on a citizen's behalf"
    case manageDay = "manage the office's day"
    case readAudit = "read the audit log"
    case readStatistics = "read statistics"
    case manageAccounts = "manage accounts"
    case manageRounds = "define release rounds"
    case operateDelivery = "see and retry undeliverable messages"
    /// Opening rules, online share, horizon and minimum notice: the office's policy.
    case manageBookingRules = "change opening rules and booking rules"
    /// Closing days and desks, which a lead runs for the office.
    case manageClosuresAndDesks = "change closing days and desks"
    /// Helpers (languages, skills) and their shifts at help places.
    case manageHelpers = "manage helpers and their shifts"
    /// A place's group sessions, which a lead runs as its days.
    case manageSessions = "add and remove group sessions"
}

/// A staff member as authenticated: who, in which role, where.
public struct StaffMember: Sendable, Equatable {
    public let id: Int
    public let name: String
    public let role: StaffRole
    /// The offices the account acts at; empty means every office (an intermediary's: every help place).
    public let officeIDs: Set<Int>
    /// Most bookings on a citizen's behalf a day (intermediaries only); `nil` for no limit.
    public let dailyQuota: Int?

    public init(id: Int, name: String, role: StaffRole, officeIDs: Set<Int>, dailyQuota: Int? = nil) {
        precondition(!role.needsOffices || !officeIDs.isEmpty, "clerks, leads and helpers name their offices")
        precondition(dailyQuota.map { $0 >= 1 && role == .intermediary } ?? true, "a quota is an intermediary's")
        self.id = id
        self.name = name
        self.role = role
        self.officeIDs = officeIDs
        self.dailyQuota = dailyQuota
    }

    /// Whether the account acts at `officeID`.
    public func worksAt(_ officeID: Int) -> Bool { officeIDs.isEmpty || officeIDs.contains(officeID) }
}
