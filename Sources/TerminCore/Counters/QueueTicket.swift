/// One citizen in an office's queue of one day: a walk-in who drew a number, or an appointment holder who checked in.
public struct QueueTicket: Sendable, Equatable {
    /// Walk-ins draw `W` numbers, appointment holders `T` numbers.
    public enum Kind: String, Sendable, Codable {
        case walkIn = "walk_in"
        case appointment

        /// The letter before the number on the display.
        public var letter: String { self == .walkIn ? "W" : "T" }
    }

    /// Where a ticket is in its day. Transitions are decided by `QueueTicket.State.allows`.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// In the queue.
        case waiting
        /// Called to a desk, not yet there (may be called again).
        case called
        /// At the desk.
        case serving
        /// Served.
        case done
        /// Called too often without coming, or marked so by the clerk.
        case noShow = "no_show"
        /// Set aside (a document is missing, the citizen stepped out); resumes where it was in the queue.
        case parked
        /// Sent on to another office; the ticket it became there is `redirectedTo`.
        case redirected

        /// Whether the ticket is finished for the day.
        public var isFinal: Bool { self == .done || self == .noShow || self == .redirected }
    }

    public let id: String
    public let officeID: Int
    public let date: LocalDate
    public let kind: Kind
    /// 1…999 within the office, day and kind.
    public let number: Int
    public let services: [ServiceRequest]
    public let appointmentID: String?
    public let appointmentStart: Instant?
    public let state: State
    /// The desk that called or serves it.
    public let deskNumber: Int?
    /// A desk it was sent to: only that desk calls it.
    public let targetDesk: Int?
    public let calls: Int
    public let arrivedAt: Instant
    public let calledAt: Instant?
    public let servingAt: Instant?
    public let finishedAt: Instant?
    /// The wait announced when the ticket was drawn, in minutes (`nil`: not estimable then).
    public let estimatedWaitMinutes: Int?
    public let redirectedTo: String?

    public init(id: String, officeID: Int, date: LocalDate, kind: Kind, number: Int, services: [ServiceRequest],
                appointmentID: String?, appointmentStart: Instant?, state: State, deskNumber: Int?, targetDesk: Int?,
                calls: Int, arrivedAt: Instant, calledAt: Instant?, servingAt: Instant?, finishedAt: Instant?,
                estimatedWaitMinutes: Int?, redirectedTo: String?) {
        precondition((1...999).contains(number), "display numbers have three digits")
        precondition((kind == .appointment) == (appointmentID != nil && appointmentStart != nil),
                     "appointment tickets, and only they, name their appointment")
        precondition(!(state == .called || state == .serving) || deskNumber != nil, "a called ticket has a desk")
        self.id = id
        self.officeID = officeID
        self.date = date
        self.kind = kind
        self.number = number
        self.services = services
        self.appointmentID = appointmentID
        self.appointmentStart = appointmentStart
        self.state = state
        self.deskNumber = deskNumber
        self.targetDesk = targetDesk
        self.calls = calls
        self.arrivedAt = arrivedAt
        self.calledAt = calledAt
        self.servingAt = servingAt
        self.finishedAt = finishedAt
        self.estimatedWaitMinutes = estimatedWaitMinutes
        self.redirectedTo = redirectedTo
    }

    /// `W 042`, `T 007`: what the display and the printed ticket show.
    public var displayNumber: String {
        let digits = String(number)
        return kind.letter + " " + String(repeating: "0", count: 3 - digits.count) + digits
    }
}

/// What a clerk does with a ticket, and which states each is allowed from.
public enum TicketAction: String, Sendable, CaseIterable {
    /// Call a called ticket again (the citizen did not come yet).
    case recall
    /// The citizen is at the desk.
    case serve
    /// Served.
    case done
    /// The citizen did not come.
    case noShow = "no-show"
    /// Set aside; `resume` puts it back in the queue where it was.
    case park
    case resume
    /// Back into the queue for another desk, or on to another office.
    case redirect

    /// The states this action may be taken from.
    public var allowedFrom: Set<QueueTicket.State> {
        switch self {
        case .recall: [.called]
        case .serve: [.called]
        case .done: [.serving]
        case .noShow: [.called]
        case .park: [.waiting, .called, .serving]
        case .resume: [.parked]
        case .redirect: [.waiting, .called, .serving, .parked]
        }
    }
}

extension QueueTicket {
    /// This ticket with some fields changed (`nil`: unchanged); `keepingDesk: false` clears the calling desk.
    public func with(state: State? = nil, deskNumber: Int? = nil, targetDesk: Int? = nil, calls: Int? = nil,
                     calledAt: Instant? = nil, servingAt: Instant? = nil, finishedAt: Instant? = nil,
                     redirectedTo: String? = nil, keepingDesk: Bool = true) -> QueueTicket {
        QueueTicket(id: id, officeID: officeID, date: date, kind: kind, number: number, services: services,
                    appointmentID: appointmentID, appointmentStart: appointmentStart, state: state ?? self.state,
                    deskNumber: keepingDesk ? deskNumber ?? self.deskNumber : nil, targetDesk: targetDesk ?? self.targetDesk,
                    calls: calls ?? self.calls, arrivedAt: arrivedAt, calledAt: calledAt ?? self.calledAt,
                    servingAt: servingAt ?? self.servingAt, finishedAt: finishedAt ?? self.finishedAt,
                    estimatedWaitMinutes: estimatedWaitMinutes, redirectedTo: redirectedTo ?? self.redirectedTo)
    }
}
