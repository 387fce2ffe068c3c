/// Where a flexible request may go now: every free start at its accepted offices inside its windows, best first.
extension Scheduler {
    /// A start the ledger showed free for a request, with the request's objective there.
    public struct Candidate: Sendable, Equatable {
        public let placement: Placement
        /// Position of the office in the request's ranking (0 = first choice).
        public let rank: Int
        public let score: Int
    }

    /// The free starts for `request` in `channel`, best objective first (then earlier, then the preferred office),
    /// at most `limit` of them. Offices that cannot serve the request's services and needs are passed over; if none
    /// can, the first office's reason is thrown (its field prefixed with `offices[i]` where it names the office).
    /// - Parameter isOpenToFirstCome: office-days for which first come first served is suspended (a release round
    ///   is gathering requests for them) answer `false` and are passed over.
    public func candidates(for request: FlexibleRequest, channel: Channel, now: Instant, limit: Int,
                           isOpenToFirstCome: (Int, LocalDate) -> Bool = { _, _ in true }) throws(SchedulingError)
        -> [Candidate] {
        precondition(limit > 0, "at least one candidate")
        var found: [Candidate] = []
        var firstError: SchedulingError?
        var shapes = 0
        for (rank, officeID) in request.officeIDs.enumerated() {
            let shape: AppointmentShape
            do {
                shape = try catalog.shape(officeID: officeID, services: request.services, channel: channel, needs: request.needs)
            } catch {
                if firstError == nil {
                    firstError = error.field == "office" ? SchedulingError(error.code, field: "offices[\(rank)]", detail: error.detail)
                        : error
                }
                continue
            }
            shapes += 1
            let office = catalog.offices[officeID]!
            for window in request.windows {
                let from = BerlinTime.local(window.from).date, to = BerlinTime.local(window.to).date
                for day in availability(shape: shape, from: from, to: to, channel: channel, now: now)
                where isOpenToFirstCome(officeID, day.date) {
                    for start in day.starts where start >= window.from {
                        let end = start.adding(seconds: Int64(shape.slotUnits * office.slotMinutes * 60))
                        guard end <= window.to, let score = request.score(rank: rank, start: start, end: end) else { continue }
                        let minute = BerlinTime.local(start).minuteOfDay
                        guard let layout = layout(officeID: officeID, date: day.date) else { continue }
                        found.append(Candidate(placement: Placement(layout: layout, startUnit: minute / office.slotMinutes,
                                                                    shape: shape),
                                               rank: rank, score: score))
                    }
                }
            }
        }
        if shapes == 0, let firstError { throw firstError }
        found.sort { ($0.score, $1.placement.start, $1.rank) > ($1.score, $0.placement.start, $0.rank) }
        // Windows may overlap: the same start once.
        var seen = Set<Int64>()
        var unique: [Candidate] = []
        for candidate in found where unique.count < limit {
            let key = Int64(candidate.placement.shape.officeID) << 40 | candidate.placement.start.secondsSinceEpoch
            if seen.insert(key).inserted { unique.append(candidate) }
        }
        return unique
    }
}
