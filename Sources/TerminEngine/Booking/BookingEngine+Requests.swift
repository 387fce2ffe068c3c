import TerminCore
import TerminStore

/// Flexible requests placed at once: "the earliest appointment at any of these offices" as one call.
extension BookingEngine {
    /// Most free starts tried for one request before it is answered `nothingFree` (each try that loses a race to
    /// another booking moves to the next best).
    public static let placementAttemptsMax = 64

    /// Books the best free start for `request` (the solver's objective: served, then the preferred office, then the
    /// earliest) through the ledger and the write pipeline, like a direct booking.
    /// - Throws: what the request gets wrong (its fields), `nothingFree` when no accepted office has room in any
    ///   window, `unavailable` when the store fails.
    public func place(_ request: FlexibleRequest, channel: Channel, contact: Appointment.Contact?, pseudonym: String? = nil)
        throws(EngineError) -> IssuedBooking {
        let now = clock.now()
        let capped = try cappedIdentity(pseudonym: pseudonym, contact: contact, channel: channel)
        let caps = capped.map { WritePlan.Caps(identity: $0.identity, limits: $0.limits, serviceIDs: request.services.map(\.serviceID)) }
        let live = self.live
        let scheduler = live.scheduler
        let candidates: [Scheduler.Candidate]
        do {
            candidates = try scheduler.candidates(for: request, channel: channel, now: now, limit: Self.placementAttemptsMax,
                                                  isOpenToFirstCome: { [rounds] officeID, date in
                channel != .online
                    || rounds.round(covering: officeID, date: date, serviceIDs: request.services.map(\.serviceID)) == nil
            })
        } catch {
            throw EngineError(error)
        }
        for candidate in candidates {
            let placement = candidate.placement
            guard let run = scheduler.ledger.reserve(layout: placement.layout, deskIDs: placement.shape.deskIDs,
                                                     startUnit: placement.startUnit, units: placement.shape.slotUnits,
                                                     channel: channel) else { continue }
            let id = Self.newID(), code = codes.code(for: id)
            let record = Appointment(id: id, run: run, channel: channel, status: .confirmed, start: placement.start,
                                     end: placement.end, services: request.services, expiresAt: nil, contact: contact)
            let outcome = pipeline.commit(.init(Decisions.booking(record, code: code, caps: caps, idempotency: nil, now: now),
                                                runs: [(run, channel)], in: live))
            if outcome == .refused(.deskTaken) { continue }
            return try Self.answer(outcome, booked: record, code: code, caps: caps, now: now)
        }
        throw EngineError(SchedulingError(.nothingFree, field: "windows",
                                          detail: "No accepted office has a free time in these windows."))
    }
}
