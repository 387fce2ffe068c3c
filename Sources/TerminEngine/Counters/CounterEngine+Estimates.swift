import TerminCore

extension CounterEngine {
    /// Minutes serving `services` is expected to take at the office: today's observed mean for the same services
    /// once `observedServicesMin` were served, the catalogue's duration before.
    func expectedMinutes(_ services: [ServiceRequest], _ day: OfficeDay) -> Int {
        let observed = day.tickets.filter { $0.state == .done && $0.services == services }.compactMap { ticket -> Int64? in
            guard let start = ticket.servingAt, let end = ticket.finishedAt else { return nil }
            return end.secondsSinceEpoch - start.secondsSinceEpoch
        }
        if observed.count >= configuration.observedServicesMin {
            let meanSeconds = observed.reduce(0, +) / Int64(observed.count)
            return max(1, Int((meanSeconds + 59) / 60))
        }
        return catalogueMinutes(services, officeID: day.officeID)
    }

    /// The catalogue's duration of `services` at an office (walk-in channel), in minutes.
    public func catalogueMinutes(_ services: [ServiceRequest], officeID: Int) -> Int {
        guard let office = catalog.offices[officeID],
              let shape = try? catalog.shape(officeID: officeID, services: services, channel: .walkIn) else {
            return 15   // a concern the office no longer offers: a typical service's length
        }
        return shape.slotUnits * office.slotMinutes
    }

    /// The wait of a walk-in drawing a number now for `services` (`nil`: every service), in minutes; `nil` when no
    /// desk can serve it before closing.
    func estimatedWaitMinutes(for services: [ServiceRequest]?, _ day: OfficeDay) -> Int? {
        let plans = deskPlans(day)
        guard !plans.isEmpty else { return nil }
        var queue = day.tickets.filter { $0.kind == .walkIn && $0.state == .waiting }
            .prefix(WaitEstimator.jobsMax - 1)
            .map { WaitEstimator.Job(serviceIDs: Set($0.services.map(\.serviceID)), expectedMinutes: expectedMinutes($0.services, day),
                                     targetDesk: $0.targetDesk) }
        let newcomer = services.map {
            WaitEstimator.Job(serviceIDs: Set($0.map(\.serviceID)), expectedMinutes: expectedMinutes($0, day))
        } ?? WaitEstimator.Job(serviceIDs: [], expectedMinutes: typicalMinutes(queue: queue, officeID: day.officeID))
        queue.append(newcomer)
        guard let start = WaitEstimator.starts(desks: plans, queue: queue).last! else { return nil }
        return Int((start.secondsSinceEpoch - day.now.secondsSinceEpoch + 59) / 60)
    }

    /// A walk-in of no particular concern: the mean of those waiting, or the median of the office's offers.
    private func typicalMinutes(queue: [WaitEstimator.Job], officeID: Int) -> Int {
        if !queue.isEmpty { return max(1, queue.reduce(0) { $0 + $1.expectedMinutes } / queue.count) }
        guard let office = catalog.offices[officeID] else { return 15 }
        let minutes = (catalog.offers[officeID]?.values.map { $0.slotUnits * office.slotMinutes } ?? []).sorted()
        return minutes.isEmpty ? 15 : minutes[minutes.count / 2]
    }

    /// Each desk in service as the estimate sees it: free once its current citizen is done, blocked by its pending
    /// appointments and by the hours it is not staffed, closing after its last staffed unit.
    func deskPlans(_ day: OfficeDay) -> [WaitEstimator.DeskPlan] {
        guard let layout = day.layout else { return [] }
        return day.openDesks.compactMap { open -> WaitEstimator.DeskPlan? in
            guard let closesAt = day.closingTime(of: open), closesAt > day.now else { return nil }
            var blocks = day.pendingBookings(atDeskID: open.desk.id).map { $0.start..<$0.end }
            var unit = 0
            var opensAt: Instant?
            while unit < open.open.count {
                let staffed = open.open[unit]
                var end = unit
                while end < open.open.count && open.open[end] == staffed { end += 1 }
                let from = BerlinTime.instant(date: day.date, minuteOfDay: unit * layout.slotMinutes)
                let to = BerlinTime.instant(date: day.date, minuteOfDay: end * layout.slotMinutes)
                if staffed { opensAt = opensAt ?? from } else if opensAt != nil && to < closesAt { blocks.append(from..<to) }
                unit = end
            }
            var freeAt = max(day.now, opensAt ?? day.now)
            if let current = day.tickets.first(where: { $0.deskNumber == open.desk.number && ($0.state == .called || $0.state == .serving) }) {
                let began = current.servingAt ?? current.calledAt ?? day.now
                freeAt = max(freeAt, began.adding(seconds: Int64(expectedMinutes(current.services, day)) * 60))
            }
            return WaitEstimator.DeskPlan(number: open.desk.number, serviceIDs: open.desk.serviceIDs, freeAt: freeAt,
                                          blocks: blocks, closesAt: closesAt)
        }
    }
}
