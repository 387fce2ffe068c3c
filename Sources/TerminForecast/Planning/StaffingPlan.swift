/// Desks and staff an office needs per hour for a service-level target, beside the desks its opening rules staff.
///
/// Appointments are scheduled, not random: their hour's workload (`appointments × handling ÷ 60`) needs that
/// many desks, rounded up. Walk-ins arrive at random and queue: their desks come from Erlang C, or Erlang A when a
/// mean patience is given (walk-ins who give up). Staff is desks over `1 − shrinkage` (breaks, training, absence),
/// rounded up.
public struct StaffingPlan: Sendable {
    /// What the office promises.
    public struct Targets: Sendable {
        /// Share of walk-ins served within `withinMinutes` (e.g. 0.8).
        public var serviceLevel: Double
        public var withinMinutes: Double
        /// Mean patience of a waiting walk-in; `nil`: they wait as long as it takes (Erlang C).
        public var patienceMinutes: Double?
        /// Share of paid time not at a desk (0 ≤ shrinkage < 1).
        public var shrinkage: Double
        public init(serviceLevel: Double = 0.8, withinMinutes: Double = 20, patienceMinutes: Double? = nil, shrinkage: Double = 0.3) {
            precondition(serviceLevel > 0 && serviceLevel < 1 && withinMinutes >= 0 && (0..<1).contains(shrinkage))
            self.serviceLevel = serviceLevel
            self.withinMinutes = withinMinutes
            self.patienceMinutes = patienceMinutes
            self.shrinkage = shrinkage
        }
    }

    /// Demand of one open hour.
    public struct Demand: Sendable {
        public let period: Period
        public let walkIns: Double
        public let appointments: Double
        /// Desks the opening rules staff in this hour.
        public let desksProvided: Int
        public init(period: Period, walkIns: Double, appointments: Double, desksProvided: Int) {
            self.period = period; self.walkIns = walkIns; self.appointments = appointments; self.desksProvided = desksProvided
        }
    }

    /// One hour's plan.
    public struct Hour: Sendable {
        public let demand: Demand
        public let appointmentDesks: Int
        public let walkInDesks: Int
        public var desksNeeded: Int { appointmentDesks + walkInDesks }
        /// Busy desks over desks needed (0 with none needed).
        public let occupancy: Double
        public let staffNeeded: Int
        /// Desks missing against the opening rules (0 when enough).
        public var desksShort: Int { max(0, desksNeeded - demand.desksProvided) }
    }

    public let targets: Targets
    public let hours: [Hour]

    /// Plans each hour of `demand` with the mean handling minutes of walk-ins and appointments.
    public init(demand: [Demand], walkInHandlingMinutes: Double, appointmentHandlingMinutes: Double, targets: Targets) {
        precondition(walkInHandlingMinutes > 0 && appointmentHandlingMinutes > 0)
        self.targets = targets
        hours = demand.map { hour in
            let appointmentLoad = hour.appointments * appointmentHandlingMinutes / 60
            let appointmentDesks = Int((appointmentLoad - 1e-9).rounded(.up))
            var walkInDesks = 0, walkInLoadCarried = 0.0
            if hour.walkIns > 0 {
                if let patience = targets.patienceMinutes {
                    let model = ErlangA(arrivalsPerHour: hour.walkIns, handlingMinutes: walkInHandlingMinutes, patienceMinutes: patience)
                    walkInDesks = model.desksNeeded(serviceLevel: targets.serviceLevel, withinMinutes: targets.withinMinutes)
                    let outcome = model.outcome(desks: walkInDesks, withinMinutes: targets.withinMinutes)
                    walkInLoadCarried = outcome.occupancy * Double(walkInDesks)
                } else {
                    let model = ErlangC(arrivalsPerHour: hour.walkIns, handlingMinutes: walkInHandlingMinutes)
                    walkInDesks = model.desksNeeded(serviceLevel: targets.serviceLevel, withinMinutes: targets.withinMinutes)
                    walkInLoadCarried = model.load
                }
            }
            let needed = max(0, appointmentDesks + walkInDesks)
            let occupancy = needed == 0 ? 0 : (appointmentLoad + walkInLoadCarried) / Double(needed)
            let staff = Int((Double(needed) / (1 - targets.shrinkage) - 1e-9).rounded(.up))
            return Hour(demand: hour, appointmentDesks: max(0, appointmentDesks), walkInDesks: walkInDesks,
                        occupancy: occupancy, staffNeeded: max(0, staff))
        }
    }

    /// The hours that need more desks than the opening rules staff.
    public var shortHours: [Hour] { hours.filter { $0.desksShort > 0 } }
}
