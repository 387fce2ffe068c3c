import TerminCore
import TerminJSON
import TerminSolver
import TerminStore

/// The close of a round: allocate, reserve, write, all or nothing, through the write pipeline.
extension RoundEngine {
    /// Closes the round if it is due and no other transaction is closing it; `false` when there was nothing to do.
    ///
    /// Reads the due round and its collected requests, allocates them against the ledger's free online time, reserves
    /// each winner in the ledger (in priority, then lottery order: where the day's online share runs out, the lottery
    /// decides who loses), and commits one plan: claim the round (its row lock), insert the winners' bookings, record
    /// every outcome (carrying unserved requests over to a later round that touches them), write the report and mark
    /// the round closed. If any of it is refused or fails, nothing is written and the reservations are given back;
    /// the round stays due.
    @discardableResult
    public func close(roundID: Int) throws -> Bool {
        let now = clock.now()
        let read: (round: ReleaseRound, seed: [UInt8], collected: [RoundRequest])? = try pool.withConnection { db in
            guard let (round, seed) = try RoundRepository.due(id: roundID, now: now, db) else { return nil }
            return (round, seed, try RoundRepository.collected(roundID: roundID, db))
        }
        guard let (round, seed, collected) = read else { return false }
        let inputs = collected.map {
            RoundAllocation.RoundRequestInput(id: $0.id, request: $0.request, priority: $0.request.priority + $0.boost)
        }
        let live = booking.live
        let allocation = RoundAllocation(round: round, scheduler: live.scheduler, now: now)
        let outcome = try allocation.allocate(inputs, seed: seed, limits: Solver.Limits(
            seconds: configuration.solverSecondsMax, iterations: configuration.solverIterationsMax, workers: 1))
        var runs: [(run: SlotRun, channel: Channel)] = []
        var won: [AppointmentRepository.NewRow] = []
        var winners: [String: String] = [:]
        let byID = Dictionary(uniqueKeysWithValues: collected.map { ($0.id, $0) })
        for (input, placement) in outcome.assignments {
            guard let run = live.scheduler.ledger.reserve(layout: placement.layout, deskIDs: placement.shape.deskIDs,
                                                          startUnit: placement.startUnit, units: placement.shape.slotUnits,
                                                          channel: .online) else { continue }
            let record = Appointment(id: Secret.newID(), run: run, channel: .online, status: .confirmed,
                                     start: placement.start, end: placement.end, services: input.request.services,
                                     expiresAt: nil, contact: byID[input.id]!.contact)
            runs.append((run, .online))
            // A placeholder code: the booking answers to its request's code (`settleRound` copies the hash). The won
            // booking counts against its citizen's caps from now on (it is not refused by them: the request was
            // checked as it was collected).
            won.append(AppointmentRepository.NewRow(record, code: Secret.hex(bits: 128), now: now,
                                                    identityHash: byID[input.id]!.identityHash))
            winners[input.id] = record.id
        }
        let (settlements, carried) = carryOver(collected, won: winners, ranks: outcome.ranks, competing: outcome.competing,
                                               closing: round, now: now)
        let report = Self.report(round, seed: seed, collected: collected, settlements: settlements,
                                 objective: outcome.objective, bound: outcome.bound)
        let closing = WritePlan.RoundClosing(roundID: roundID, settlements: settlements, carried: carried, report: report)
        switch booking.pipeline.commit(.init(Decisions.roundClose(closing, won: won, now: now), runs: runs, in: live)) {
        case .committed:
            gate.update(ReleaseRound(id: round.id, name: round.name, officeIDs: round.officeIDs, serviceIDs: round.serviceIDs,
                                     firstDate: round.firstDate, lastDate: round.lastDate, opensAt: round.opensAt,
                                     closesAt: round.closesAt, commitment: round.commitment, closedAt: now))
            // What the round left over is open to everyone now, the earlier-time list first.
            for officeID in round.officeIDs { live.noteFreed(officeID) }
            return true
        case .refused(.roundNotDue):
            return false
        case let refused:
            throw EngineError(.unavailable, detail: "The round \(roundID) could not be closed: \(refused)")
        }
    }

    /// Every collected request's outcome, and the copies of the unserved ones: an unserved request moves to the next
    /// unclosed round that touches it (the earliest closing), keeping its code, with one more point of boost up to
    /// `boostMax` if it lost: had a place it could take in this round (`competing`). One that had none (its windows
    /// here fall where the offices are closed) moves on with the boost it had: else a window at 22:00 in each round
    /// would buy priority over every citizen in the next.
    private func carryOver(_ collected: [RoundRequest], won: [String: String], ranks: [String: Int], competing: Set<String>,
                           closing round: ReleaseRound, now: Instant)
        -> ([RoundRepository.Settlement], [RoundRepository.CarriedRequest]) {
        let later = gate.rounds.filter { $0.id != round.id && $0.closesAt > now }.sorted { $0.closesAt < $1.closesAt }
        var settlements: [RoundRepository.Settlement] = []
        var carried: [RoundRepository.CarriedRequest] = []
        for stored in collected {
            let rank = ranks[stored.id]!
            if let appointmentID = won[stored.id] {
                settlements.append(.init(requestID: stored.id, outcome: .served, lotteryRank: rank, appointmentID: appointmentID,
                                         carriedTo: nil))
            } else if let next = later.first(where: { $0.touches(stored.request) }) {
                let boost = competing.contains(stored.id) ? min(stored.boost + 1, Self.boostMax) : stored.boost
                let copy = RoundRepository.CarriedRequest(id: Secret.newID(), fromID: stored.id, roundID: next.id,
                                                          request: stored.request, boost: boost, contact: stored.contact)
                carried.append(copy)
                settlements.append(.init(requestID: stored.id, outcome: .carried, lotteryRank: rank, appointmentID: nil,
                                         carriedTo: copy.id))
            } else {
                settlements.append(.init(requestID: stored.id, outcome: .unserved, lotteryRank: rank, appointmentID: nil,
                                         carriedTo: nil))
            }
        }
        return (settlements, carried)
    }

    /// The public report: the seed and its commitment, the lottery rule, counts requested and served by service,
    /// first-choice office and need, and the urgent share. No personal data.
    static func report(_ round: ReleaseRound, seed: [UInt8], collected: [RoundRequest],
                       settlements: [RoundRepository.Settlement], objective: Int, bound: Int) -> String {
        let served = Set(settlements.filter { $0.outcome == .served }.map(\.requestID))
        func counts(_ key: (RoundRequest) -> [String]) -> JSONValue {
            var requested: [String: Int] = [:], won: [String: Int] = [:]
            for stored in collected {
                for name in key(stored) {
                    requested[name, default: 0] += 1
                    if served.contains(stored.id) { won[name, default: 0] += 1 }
                }
            }
            return .array(requested.keys.sorted().map {
                .object(["key": .string($0), "requested": .int(requested[$0]!), "served": .int(won[$0] ?? 0)])
            })
        }
        let urgent = collected.filter { $0.request.priority >= 3 }
        let urgentServed = urgent.filter { served.contains($0.id) }.count
        let report = JSONValue.object([
            "seed": .string(Hex.encode(seed)),
            "lottery_rule": .string("rank by SHA-256(seed bytes || UTF-8 of the lowercase request id) as a big-endian number, smallest = rank 1"),
            "requested": .int(collected.count),
            "served": .int(served.count),
            "carried_over": .int(settlements.filter { $0.outcome == .carried }.count),
            "by_service": counts { $0.request.services.map { String($0.serviceID) } },
            "by_office": counts { [String($0.request.officeIDs.first { round.officeIDs.contains($0) } ?? 0)] },
            "by_need": counts { $0.request.needs.isEmpty ? ["none"] : $0.request.needs.tokens },
            "urgent": .object(["requested": .int(urgent.count), "served": .int(urgentServed),
                               "share_served": .double(urgent.isEmpty ? 1.0 : Double(urgentServed) / Double(urgent.count))]),
            "objective": .int(objective),
            "upper_bound": .int(bound),
        ])
        // Written with sorted keys, as JSONSerialization wrote it before; PostgreSQL keeps it as jsonb.
        return String(decoding: report.bytes, as: UTF8.self)
    }
}
