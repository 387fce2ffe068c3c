import TerminCore

/// How many days ahead the next free online appointment will be, week by week: the figure citizens feel.
///
/// Each day's forecast demand books the earliest free online appointments from the next day on, within the
/// booking horizon (a citizen who wants "the next free appointment" takes it); the bookable window slides a day
/// each day, releasing that day's capacity. The lead time of a day is the distance from it to the first day that
/// still has a free appointment after its demand is booked (`nil`: none within the horizon). A week's figure is
/// the longest lead time of its days.
public struct LeadTimeProjection: Sendable {
    /// One week of the projection.
    public struct Week: Sendable {
        /// Its Monday.
        public let start: LocalDate
        /// Appointments demanded in the week.
        public let demand: Double
        /// Online appointments of the days opening in the week that are bookable.
        public let capacity: Double
        /// Longest days ahead to the next free appointment; `nil` when nothing is free within the horizon.
        public let leadDays: Int?
        /// Whether the week breaks the target (lead time above it, or nothing free).
        public let breaksTarget: Bool
    }

    public let targetDays: Int
    public let weeks: [Week]

    /// Projects from `today` (its demand already counted in `booked`).
    /// - Parameters:
    ///   - demand: forecast appointments booked (created) per day, from the day after `today` on, consecutive.
    ///   - capacity: online appointments an office-day offers (0 or absent: closed).
    ///   - booked: appointments already booked per future day.
    ///   - horizonDays: how far ahead online booking reaches.
    ///   - targetDays: the promise (e.g. 14 days).
    public init(today: LocalDate, demand: [(day: LocalDate, appointments: Double)], capacity: [LocalDate: Double],
                booked: [LocalDate: Double], horizonDays: Int, targetDays: Int) {
        precondition(horizonDays >= 1 && targetDays >= 0)
        var free: [LocalDate: Double] = [:]
        for (day, total) in capacity { free[day] = max(0, total - (booked[day] ?? 0)) }
        var weeks: [Week] = []
        var weekDemand = 0.0, weekCapacity = 0.0, weekLead: Int? = 0, weekStart: LocalDate?
        func closeWeek() {
            guard let start = weekStart else { return }
            weeks.append(Week(start: start, demand: weekDemand, capacity: weekCapacity, leadDays: weekLead,
                              breaksTarget: weekLead.map { $0 > targetDays } ?? true))
        }
        for (day, appointments) in demand {
            let monday = day.adding(days: 1 - day.isoWeekday)
            if monday != weekStart {
                closeWeek()
                (weekStart, weekDemand, weekCapacity, weekLead) = (monday, 0, 0, 0)
            }
            weekDemand += appointments
            weekCapacity += capacity[day.adding(days: horizonDays)] ?? 0
            var left = appointments
            var lead: Int?
            for ahead in 1...horizonDays {
                let target = day.adding(days: ahead)
                let available = free[target] ?? 0
                if left > 0 && available > 0 {
                    let taken = min(left, available)
                    free[target] = available - taken
                    left -= taken
                }
                if (free[target] ?? 0) >= 1 { lead = ahead; break }
            }
            if let current = weekLead { weekLead = lead.map { max(current, $0) } }
        }
        closeWeek()
        self.targetDays = targetDays
        self.weeks = weeks
    }

    /// The first week that breaks the target, if any.
    public var firstBreach: Week? { weeks.first { $0.breaksTarget } }
}
