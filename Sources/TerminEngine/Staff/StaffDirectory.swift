import TerminCore
import TerminStore

/// Staff accounts and who may do what: authenticates tokens, checks roles against offices, reads the audit log.
public final class StaffDirectory: Sendable {
    /// Most audit lines one read returns.
    public static let auditLinesMax = 5_000
    /// Longest account name, in characters.
    public static let nameMax = 200

    let pool: DatabasePool
    let clock: any WallClock

    public init(pool: DatabasePool, clock: any WallClock) {
        self.pool = pool
        self.clock = clock
    }

    /// A new account; its token (256 random bits as 64 hex digits) is returned this once and stored only hashed. An
    /// intermediary's daily quota is `StaffRole.intermediaryDailyQuotaDefault` unless given.
    public func add(name: String, role: StaffRole, officeIDs: [Int], dailyQuota: Int? = nil) throws
        -> (member: StaffMember, token: String) {
        precondition(dailyQuota == nil || role == .intermediary, "a quota is an intermediary's")
        let token = Secret.hex(bits: 256)
        let quota = role == .intermediary ? dailyQuota ?? StaffRole.intermediaryDailyQuotaDefault : nil
        let member = try pool.withConnection {
            try StaffRepository.create(name: name, role: role, officeIDs: officeIDs, dailyQuota: quota, token: token,
                                       now: clock.now(), $0)
        }
        return (member, token)
    }

    /// Every account, oldest first.
    public func accounts() throws -> [StaffRepository.Account] { try pool.withConnection { try StaffRepository.all($0) } }

    /// Revokes an account at once; `false` when there is none or it was revoked before.
    public func revoke(id: Int) throws -> Bool { try pool.withConnection { try StaffRepository.revoke(id: id, now: clock.now(), $0) } }

    /// The member a bearer token belongs to: 401 for a missing, unknown or revoked token.
    public func authenticate(token: String?) throws(EngineError) -> StaffMember {
        guard let token else {
            throw EngineError(.unauthorized, detail: "This needs a staff token: send Authorization: Bearer <token>.")
        }
        let member: StaffMember?
        do { member = try pool.withConnection { try StaffRepository.member(token: token, $0) } } catch {
            throw EngineError(.unavailable, detail: "Staff accounts could not be read: \(error)")
        }
        guard let member else { throw EngineError(.unauthorized, detail: "This staff token is unknown or revoked.") }
        return member
    }

    /// 403 unless `member`'s role allows `action` at `officeID` (`nil`: no office in question).
    public func authorize(_ member: StaffMember, _ action: StaffAction, officeID: Int?) throws(EngineError) {
        guard member.role.allows(action) else {
            throw EngineError(.forbidden, detail: "A \(member.role.rawValue) may not \(action.rawValue).")
        }
        if let officeID, !member.worksAt(officeID) {
            throw EngineError(.forbidden, detail: "\(member.name) does not work at office \(officeID).")
        }
    }

    /// 403 unless `member` may book on a citizen's behalf at `office`: a clerk, lead, admin or helper where it works;
    /// an intermediary at help places only (where it works, if it names places).
    public func authorizeBooking(_ member: StaffMember, at office: Office) throws(EngineError) {
        try authorize(member, .bookOnBehalf, officeID: office.id)
        guard member.role != .intermediary || office.kind != .citizenOffice else {
            throw EngineError(.forbidden, detail: "An intermediary books at help desks, mobile stops and call-back lines, "
                              + "not at \(office.displayName).")
        }
    }

    /// The audit log of an office's day, for leads and admins of that office.
    public func audit(by member: StaffMember, officeID: Int, date: LocalDate) throws(EngineError) -> [AuditEntry] {
        try authorize(member, .readAudit, officeID: officeID)
        do {
            return try pool.withConnection {
                try AuditRepository.entries(officeID: officeID, date: date, limit: Self.auditLinesMax, $0)
            }
        } catch {
            throw EngineError(.unavailable, detail: "The audit log could not be read: \(error)")
        }
    }
}
