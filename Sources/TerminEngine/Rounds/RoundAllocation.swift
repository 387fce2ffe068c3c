import TerminCore
import TerminSolver

/// How a round's collected requests are allocated: the free online desk time of the round's office-days and the
/// requests become a solver instance (FORMAT.md's), the solver maximises the objective, and the lottery decides
/// among requests it cannot tell apart.
struct RoundAllocation {
    /// What the allocation decided.
    struct Outcome {
        /// Served requests in the order their reservations should be tried (priority, then lottery rank).
        let assignments: [(request: RoundRequestInput, placement: Placement)]
        let ranks: [String: Int]
        let objective: Int
        let bound: Int
        /// The requests that had a place they could take in the round (competing for its places, won or lost).
        let competing: Set<String>
    }

    /// The validator refused an allocation (a defect of the solver or the exchange): the round is not closed.
    struct InvalidAllocation: Error, CustomStringConvertible {
        let faults: [String]
        var description: String { "the allocation breaks rules: \(faults.prefix(3).joined(separator: "; "))" }
    }

    /// A collected request with what the allocation needs.
    struct RoundRequestInput {
        let id: String
        let request: FlexibleRequest
        /// The priority the allocation uses: the request's plus its carry-over boost.
        let priority: Int
    }

    let round: ReleaseRound
    let scheduler: Scheduler
    let now: Instant

    var catalog: Catalog { scheduler.catalog }

    /// The instance: each round office-day that is open, its desks, and every unit not free online as occupied.
    func instance(_ requests: [RoundRequestInput], ranks: [String: Int]) -> SolverInstance {
        let grid = catalog.offices[round.officeIDs[0]]!.slotMinutes
        var offices: [SolverInstance.Office] = []
        var occupied: [SolverInstance.Occupied] = []
        let serviceIDs = Set(requests.flatMap { $0.request.services.map(\.serviceID) })
        for officeID in round.officeIDs {
            guard let office = catalog.offices[officeID] else { continue }
            precondition(office.slotMinutes == grid, "a round's offices share their grid (checked at creation)")
            var durations: [String: Int] = [:]
            for serviceID in serviceIDs {
                if let offer = catalog.offers[officeID]?[serviceID] { durations[String(serviceID)] = offer.slotUnits * grid }
            }
            let desks = catalog.desks[officeID] ?? []
            let earliest = scheduler.earliestStart(office: office, channel: .online, now: now)
            var open: [SolverInstance.Interval] = []
            for dayNumber in round.firstDate.dayNumber...round.lastDate.dayNumber {
                let date = LocalDate(dayNumber: dayNumber)
                guard let layout = scheduler.layout(officeID: officeID, date: date) else { continue }
                let first = layout.desks.compactMap { $0.open.firstSet }.min()!
                let end = layout.desks.compactMap { $0.open.lastSet }.max()! + 1
                let dayStart = dayNumber * 1440
                open.append(.init(from: LocalMinute(dayStart + first * grid), to: LocalMinute(dayStart + end * grid)))
                for desk in desks {
                    let free = layout.desks.contains { $0.deskID == desk.id }
                        ? Set(scheduler.ledger.freeStarts(layout: layout, deskIDs: [desk.id], units: 1, channel: .online))
                        : []
                    var runStart: Int?
                    for unit in first...end {
                        let instant = BerlinTime.instant(date: date, minuteOfDay: unit * grid)
                        let taken = unit < end && (!free.contains(unit) || instant < earliest)
                        if taken, runStart == nil { runStart = unit }
                        if !taken, let start = runStart {
                            occupied.append(.init(desk: String(desk.id), interval: .init(
                                from: LocalMinute(dayStart + start * grid), to: LocalMinute(dayStart + unit * grid))))
                            runStart = nil
                        }
                    }
                }
            }
            offices.append(.init(id: String(officeID), durations: durations,
                                 desks: desks.map { .init(id: String($0.id), services: Set($0.serviceIDs.map(String.init)),
                                                          accessible: $0.isAccessible) },
                                 open: open))
        }
        let ordered = requests.sorted { (ranks[$0.id] ?? .max) < (ranks[$1.id] ?? .max) }
        let solverRequests = ordered.map { input in
            SolverInstance.Request(
                id: input.id, services: input.request.services.map { (String($0.serviceID), $0.quantity) },
                offices: input.request.officeIDs.filter(round.officeIDs.contains).map(String.init),
                windows: input.request.windows.map { .init(from: Self.localMinute($0.from), to: Self.localMinute($0.to)) },
                needsWheelchair: input.request.needs.contains(.wheelchair), priority: input.priority)
        }
        return SolverInstance(gridMinutes: grid, offices: offices, occupied: occupied, requests: solverRequests)
    }

    static func localMinute(_ instant: Instant) -> LocalMinute {
        let (date, minute) = BerlinTime.local(instant)
        return LocalMinute(date.dayNumber * 1440 + minute)
    }

    /// Allocates `requests`: solve, then hand each group of interchangeable requests' places to its best lottery ranks.
    func allocate(_ requests: [RoundRequestInput], seed: [UInt8], limits: Solver.Limits) throws -> Outcome {
        let ranks = Lottery.ranks(seed: seed, requestIDs: requests.map(\.id))
        let instance = instance(requests, ranks: ranks)
        let solverSeed = seed.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let solver = Solver(instance)
        let result = solver.solve(limits: limits, seed: solverSeed)
        let fair = Self.lotteryExchange(result.allocation, instance: instance, ranks: ranks)
        let report = Validator.check(fair, instance)
        guard report.isValid && report.objective == result.objective else {
            throw InvalidAllocation(faults: report.faults)
        }
        let byID = Dictionary(uniqueKeysWithValues: requests.map { ($0.id, $0) })
        var assignments: [(request: RoundRequestInput, placement: Placement)] = []
        for assignment in fair.assignments {
            let input = byID[assignment.request]!
            let deskID = Int(assignment.desk)!
            let officeID = catalog.desks.first { $0.value.contains { $0.id == deskID } }!.key
            let date = LocalDate(dayNumber: assignment.start.dayNumber)
            // The validator passed it, so the day is open and the desk qualified for the services and a wheelchair. The
            // solver knows no other needs (languages): a place on a desk that does not meet them is left unplaced.
            guard let layout = scheduler.layout(officeID: officeID, date: date),
                  let shape = try? catalog.shape(officeID: officeID, services: input.request.services, channel: .online,
                                                 needs: input.request.needs),
                  shape.deskIDs.contains(deskID) else { continue }
            assignments.append((input, Placement(layout: layout, startUnit: assignment.start.minuteOfDay / layout.slotMinutes,
                                                 shape: shape.onDesk(deskID))))
        }
        assignments.sort { ($1.request.priority, ranks[$0.request.id]!) < ($0.request.priority, ranks[$1.request.id]!) }
        return Outcome(assignments: assignments, ranks: ranks, objective: result.objective, bound: result.bound,
                       competing: solver.requestsWithOptions)
    }

    /// Within each group of requests that ask for exactly the same (services, offices, windows, needs, priority), the
    /// places the group won go to its best lottery ranks, the best place (highest value, then earliest) to the best
    /// rank. Such requests value every place alike, so the objective and validity are unchanged.
    static func lotteryExchange(_ allocation: Allocation, instance: SolverInstance, ranks: [String: Int]) -> Allocation {
        struct Signature: Hashable {
            let services: [String], quantities: [Int], offices: [String], windows: [Int], wheelchair: Bool, priority: Int
        }
        var groups: [Signature: [String]] = [:]
        for request in instance.requests {
            let signature = Signature(services: request.services.map(\.id), quantities: request.services.map(\.quantity),
                                      offices: request.offices, windows: request.windows.flatMap { [$0.from.value, $0.to.value] },
                                      wheelchair: request.needsWheelchair, priority: request.priority)
            groups[signature, default: []].append(request.id)
        }
        let placed = Dictionary(uniqueKeysWithValues: allocation.assignments.map { ($0.request, $0) })
        var assignments: [Allocation.Assignment] = []
        for members in groups.values {
            let places = members.compactMap { placed[$0] }.sorted { ($0.start, $0.desk) < ($1.start, $1.desk) }
            let best = members.sorted { ranks[$0]! < ranks[$1]! }.prefix(places.count)
            for (member, place) in zip(best, places) {
                assignments.append(Allocation.Assignment(request: member, desk: place.desk, start: place.start))
            }
        }
        return Allocation(assignments: assignments.sorted { $0.request < $1.request })
    }
}
