import TerminCore
import TerminStore

extension BookingEngine {
    /// Who asks to move or cancel a booking.
    public enum Requester: Sendable, Equatable {
        /// The citizen holding the booking's code, bound by the office's cut-off.
        case citizen(code: String)
        /// A staff member who serves the queue (the caller checks the role) at every office the change touches; not
        /// bound by the cut-off; audited.
        case staff(StaffMember)

        var code: String? {
            if case .citizen(let code) = self { return code }
            return nil
        }

        var actor: AuditRepository.Actor {
            switch self {
            case .citizen: .citizen
            case .staff(let member): .staff(member)
            }
        }
    }
}
