import Foundation
import TerminCore
import TerminPostgres
import TerminSolver
import TerminStore

/// The close of a round: allocate, reserve, write, all or nothing.
extension RoundEngine {
    /// Closes the round if it is due and no other transaction is closing it; `false` when there was nothing to do.
    ///
    /// In one transaction holding the round's row lock: read the collected requests, allocate them against the
    /// ledger's free online time, reserve each winner in the ledger (in priority, then lottery order: where the day's
    /// online share runs out, the lottery decides who loses), insert the winners' bookings, record every outcome
    /// (carrying unserved requests over to a later round that touches them), write the report and mark the round
    /// closed. If anything fails, the transaction rolls back and the reservations are given back; the round stays due.
    @discardableResult
    public func close(roundID: Int) throws -> Bool {
        let now = clock.now()
        var reserved: [(record: Appointment, channel: Channel)] = []
        do {
            let closedRound: ReleaseRound? = try pool.transaction { db in
                guard let (round, seed) = try RoundRepository.lockDue(id: roundID, now: now, db) else { return nil }
                let collected = try RoundRepository.collected(roundID: roundID, db)
                let inputs = collected.map {
                    RoundAllocation.RoundRequestInput(id: $0.id, request: $0.request,
                                                      priority: $0.request.priority + $0.boost)
                }
                let allocation = RoundAllocation(round: round, scheduler: booking.scheduler, now: now)
                let outcome = try allocation.allocate(inputs, seed: seed, limits: Solver.Limits(
                    seconds: configuration.solverSecondsMax, iterations: configuration.solverIterationsMax, workers: 1))
                var rows: [AppointmentRepository.NewRow] = []
                var won: [String: String] = [:]
                let byID = Dictionary(uniqueKeysWithValues: collected.map { ($0.id, $0) })
                for (input, placement) in outcome.assignments {
                    let ledger = booking.scheduler.ledger
                    guard let run = ledger.reserve(layout: placement.layout, deskIDs: placement.shape.deskIDs,
                                                   startUnit: placement.startUnit, units: placement.shape.slotUnits,
                                                   channel: .online) else { continue }
                    let record = Appointment(id: Secret.newID(), run: run, channel: .online, status: .confirmed,
                                             start: placement.start, end: placement.end, services: input.request.services,
                                             expiresAt: nil, contact: byID[input.id]!.contact)
                    reserved.append((record, .online))
                    // A placeholder code: the booking answers to its request's code (`settle` copies the hash).
                    // The won booking counts against its citizen's caps from now on (it is not refused by them: the
                    // request was checked as it was collected).
                    rows.append(AppointmentRepository.NewRow(record, code: Secret.hex(bits: 128), now: now,
                                                             identityHash: byID[input.id]!.identityHash))
                    won[input.id] = record.id
                }
                let inserted = try AppointmentRepository.insert(rows, db)
                guard inserted.count == rows.count else {
                    throw PostgresError(.decodingFailed, message: "\(rows.count - inserted.count) won bookings collided in the database")
                }
                let settlements = try carryOver(collected, won: won, ranks: outcome.ranks, closing: round, now: now, db)
                let report = Self.report(round, seed: seed, collected: collected, settlements: settlements,
                                         objective: outcome.objective, bound: outcome.bound)
                try RoundRepository.settle(roundID: roundID, settlements, report: report, now: now, db)
                return round
            }
            guard let closedRound else { return false }
            for (record, _) in reserved { booking.live.recordCommitted(record) }
            gate.update(ReleaseRound(id: closedRound.id, name: closedRound.name, officeIDs: closedRound.officeIDs,
                                     serviceIDs: closedRound.serviceIDs, firstDate: closedRound.firstDate,
                                     lastDate: closedRound.lastDate, opensAt: closedRound.opensAt,
                                     closesAt: closedRound.closesAt, commitment: closedRound.commitment, closedAt: now))
            return true
        } catch {
            for (record, channel) in reserved { booking.scheduler.ledger.release(record.run, channel: channel) }
            throw error
        }
    }

    /// Every collected request's outcome. An unserved one moves to the next unclosed round that touches it (the
    /// earliest closing), with one more point of boost up to `boostMax`, keeping its code.
    private func carryOver(_ collected: [RoundRepository.StoredRequest], won: [String: String], ranks: [String: Int],
                           closing round: ReleaseRound, now: Instant, _ db: PostgresConnection) throws -> [RoundRepository.Settlement] {
        let later = gate.rounds.filter { $0.id != round.id && $0.closesAt > now }.sorted { $0.closesAt < $1.closesAt }
        var settlements: [RoundRepository.Settlement] = []
        for stored in collected {
            let rank = ranks[stored.id]!
            if let appointmentID = won[stored.id] {
                settlements.append(.init(requestID: stored.id, outcome: .served, lotteryRank: rank, appointmentID: appointmentID,
                                         carriedTo: nil))
            } else if let next = later.first(where: { $0.touches(stored.request) }) {
                let copy = Secret.newID()
                try RoundRepository.insertRequest(id: copy, roundID: next.id, request: stored.request,
                                                  boost: min(stored.boost + 1, Self.boostMax), code: nil, codeHashFrom: stored.id,
                                                  contact: stored.contact, now: now, db)
                settlements.append(.init(requestID: stored.id, outcome: .carried, lotteryRank: rank, appointmentID: nil,
                                         carriedTo: copy))
            } else {
                settlements.append(.init(requestID: stored.id, outcome: .unserved, lotteryRank: rank, appointmentID: nil,
                                         carriedTo: nil))
            }
        }
        return settlements
    }

    /// The public report: the seed and its commitment, the lottery rule, counts requested and served by service,
    /// first-choice office and need, and the urgent share. No personal data.
    static func report(_ round: ReleaseRound, seed: [UInt8], collected: [RoundRepository.StoredRequest],
                       settlements: [RoundRepository.Settlement], objective: Int, bound: Int) -> String {
        let served = Set(settlements.filter { $0.outcome == .served }.map(\.requestID))
        func counts(_ key: (RoundRepository.StoredRequest) -> [String]) -> [[String: Any]] {
            var requested: [String: Int] = [:], won: [String: Int] = [:]
            for stored in collected {
                for name in key(stored) {
                    requested[name, default: 0] += 1
                    if served.contains(stored.id) { won[name, default: 0] += 1 }
                }
            }
            return requested.keys.sorted().map { ["key": $0, "requested": requested[$0]!, "served": won[$0] ?? 0] }
        }
        let urgent = collected.filter { $0.request.priority >= 3 }
        let urgentServed = urgent.filter { served.contains($0.id) }.count
        let report: [String: Any] = [
            "seed": Hex.encode(seed),
            "lottery_rule": "rank by SHA-256(seed bytes || UTF-8 of the lowercase request id) as a big-endian number, smallest = rank 1",
            "requested": collected.count,
            "served": served.count,
            "carried_over": settlements.filter { $0.outcome == .carried }.count,
            "by_service": counts { $0.request.services.map { String($0.serviceID) } },
            "by_office": counts { [String($0.request.officeIDs.first { round.officeIDs.contains($0) } ?? 0)] },
            "by_need": counts { $0.request.needs.isEmpty ? ["none"] : $0.request.needs.names },
            "urgent": ["requested": urgent.count, "served": urgentServed,
                       "share_served": urgent.isEmpty ? 1.0 : Double(urgentServed) / Double(urgent.count)],
            "objective": objective,
            "upper_bound": bound,
        ]
        let data = try! JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
