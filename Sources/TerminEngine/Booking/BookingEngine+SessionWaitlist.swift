import TerminCore
import TerminStore

/// A full group session's waiting list: a citizen with an e-mail address joins and gets a code; when a seat frees (a
/// seat cancelled, moved away or given back), the sweeper's next pass books it for the first waiting, with that code,
/// and the booking is mailed as any booking is. A seat is offered only while the session is still bookable online.
extension BookingEngine {
    /// Joins the waiting list of session `sessionID`, full now, for the citizen of `contact` (an e-mail address to be
    /// told by). Returns the entry and its code (shown this once).
    /// - Throws: `sessionNotFound`; `insideMinimumNotice` (field `id`) once the session is too close to be booked online,
    ///   or past: no seat would be given from the list; `seatsFree` (409) while a seat is free; `invalid` (field
    ///   `contact.email`) without an e-mail address.
    public func joinSessionWaitlist(sessionID: Int, contact: Appointment.Contact?) throws(EngineError)
        -> (entry: SessionWait, code: String) {
        let standing = try session(sessionID)
        let office = live.scheduler.catalog.offices[standing.session.officeID]!
        guard standing.start >= live.scheduler.earliestStart(office: office, channel: .online, now: clock.now()) else {
            throw EngineError(SchedulingError(.insideMinimumNotice, field: "id", detail:
                "Group session \(sessionID) starts too soon to be booked online, or has begun: no seat is given from its waiting list."))
        }
        guard standing.seatsFree == 0 else {
            throw EngineError(.seatsFree, field: "id", detail: "\(standing.seatsFree) seats of group session \(sessionID) are free: take one.")
        }
        guard let contact, contact.email != nil else {
            throw EngineError(.invalid, field: "contact.email", detail: "The waiting list tells by e-mail: give contact.email.")
        }
        let id = Self.newID(), code = codes.code(for: id)
        let entry = try withDatabase("session waiting list") {
            try SessionWaitlistRepository.join(id: id, sessionID: sessionID, code: code, contact: contact,
                                               now: clock.now(), $0)
        }
        live.noteFreed(standing.session.officeID)   // a seat may have freed meanwhile
        return (entry, code)
    }

    /// Entry `id` of session `sessionID`'s waiting list, for the holder of its code.
    public func sessionWait(id: String, sessionID: Int, code: String) throws(EngineError) -> SessionWait {
        guard let entry = try withDatabase("session waiting list", {
            try SessionWaitlistRepository.entry(id: id, sessionID: sessionID, code: code, $0)
        }) else {
            throw EngineError(.notFound, detail: "There is no entry \(id) on the waiting list of group session \(sessionID) for this code.")
        }
        return entry
    }

    /// Takes a waiting entry off the list, for the holder of its code; one seated or gone already is left as it is.
    public func leaveSessionWaitlist(id: String, sessionID: Int, code: String) throws(EngineError) -> SessionWait {
        let entry = try sessionWait(id: id, sessionID: sessionID, code: code)
        guard entry.state == .waiting else { return entry }
        _ = try withDatabase("session waiting list") { try SessionWaitlistRepository.leave(id: id, now: clock.now(), $0) }
        return try sessionWait(id: id, sessionID: sessionID, code: code)
    }

    /// Entries of a session a pass reads beyond its free seats, for those it passes over (a citizen cooling down after
    /// cancelling the same course, or taken off the list at a cap): the seat goes to the next in the same pass.
    static let waitlistPassedOverMax = 8

    /// Seats the first waiting of the sessions at `officeIDs` (to come, still bookable online) while seats are free:
    /// of each session with free seats, its first waiting, within their caps. Returns how many were seated.
    func seatWaitingCitizens(at officeIDs: [Int], now: Instant, in live: LiveLedger) throws(EngineError) -> Int {
        let catalog = live.scheduler.catalog
        let today = BerlinTime.local(now).date
        var sessions: [Int: (session: GroupSession, start: Instant, seatsFree: Int)] = [:]
        for officeID in officeIDs {
            guard let office = catalog.offices[officeID], let byDay = catalog.sessionsByDay[officeID] else { continue }
            let earliest = live.scheduler.earliestStart(office: office, channel: .online, now: now)
            for (day, daySessions) in byDay where day >= today {
                for session in daySessions {
                    guard let minutes = session.minutes(in: catalog) else { continue }
                    let start = BerlinTime.instant(date: day, minuteOfDay: minutes.lowerBound)
                    guard start >= earliest else { continue }
                    let free = seatsFree(session, minutes: minutes, channel: .online, in: live)
                    if free > 0 { sessions[session.id] = (session, start, free) }
                }
            }
        }
        let waiting = try withDatabase("session waiting list") {
            try SessionWaitlistRepository.waiting(firstOf: sessions.map { ($0.key, $0.value.seatsFree + Self.waitlistPassedOverMax) }, $0)
        }
        var seated = 0
        for entry in waiting {
            let (session, start, _) = sessions[entry.sessionID]!
            // A seat is an online booking of the entry's citizen, named by the e-mail address every waiting entry has
            // (erased only after its session), within their caps.
            let caps: WritePlan.Caps?
            do {
                caps = try cappedIdentity(pseudonym: nil, contact: entry.contact, channel: .online)
                    .map { WritePlan.Caps(identity: $0.identity, limits: $0.limits, serviceIDs: [session.serviceID]) }
            } catch {
                continue
            }
            let services = [ServiceRequest(serviceID: session.serviceID, quantity: 1)]
            guard let (placement, run) = try? reserve(officeID: session.officeID, start: start, services: services,
                                                      channel: .online, needs: [], seatsOf: session, now: now, in: live)
            else { continue }
            let record = Appointment(id: Self.newID(), run: run, channel: .online, status: .confirmed, start: placement.start,
                                     end: placement.end, services: services, expiresAt: nil, contact: entry.contact)
            switch pipeline.commit(.init(Decisions.seatFromWaitlist(record, entryID: entry.id, caps: caps, now: now),
                                         runs: [(run, .online)], in: live)) {
            case .committed: seated += 1
            case .limited(.liveBookingsMax):   // holds as many bookings as a citizen may: off the list
                _ = try withDatabase("session waiting list") { try SessionWaitlistRepository.leave(id: entry.id, now: now, $0) }
            case .failed(let reason): throw EngineError(.unavailable, detail: "A waiting citizen could not be seated: \(reason)")
            default: continue
            }
        }
        return seated
    }

    /// Session `id` as it stands for the online channel.
    private func session(_ id: Int) throws(EngineError) -> SessionStanding {
        guard let session = live.scheduler.catalog.sessions[id] else {
            throw EngineError(.sessionNotFound, detail: "There is no group session \(id).")
        }
        return try sessions(officeID: session.officeID, from: session.date, to: session.date, channel: .online)
            .first { $0.session.id == id }!
    }
}
