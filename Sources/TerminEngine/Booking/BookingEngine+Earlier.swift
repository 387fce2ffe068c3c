import Synchronization
import TerminCore
import TerminStore

/// The earlier-time list: a citizen whose online booking is more than `leadDays` away asks for an earlier time (no
/// later than a start of their choosing, at a desk meeting their needs). Whenever time is given back at the booking's
/// office (a cancellation, a move, a no-show, an expired hold, a round's close leaving time over), the sweeper's next
/// pass holds the first fitting start for the first opted-in booking it fits, for `offerHoldSeconds`, for that booking
/// alone, and mails the offer; taking it is a move onto the hold. Offers are online holds: never from the share
/// withheld from the online channel, never inside a release round, under the booking rules of any online hold.
extension BookingEngine {
    /// The earlier-time list's rules.
    public struct EarlierListRules: Sendable {
        /// A booking may join while it is more than this many days away.
        public var leadDays = 3
        /// How long an offered time is held for its booking, in seconds.
        public var offerHoldSeconds: Int64 = 900
        /// Most offers a booking is made, over all its wishes.
        public var offersMax = 3
        /// Most waiting wishes one pass looks at (the rest wait for the pass over every office, each minute).
        public var passLimit = 1_000
        /// Free starts one offer tries before it gives up (another command may take a start between reading and
        /// reserving it).
        public var startsTriedMax = 3
        public init() {}
    }

    /// A wish as it stands for its booking now.
    public struct EarlierStanding: Sendable, Equatable {
        public let wish: EarlierWish
        public let state: EarlierWish.State
    }

    /// Puts booking `id` on the list for its citizen (or staff of its office, on the citizen's behalf), or changes its
    /// `latestStart` and `needs` (keeping its place). Returns the wish as it stands, and whether the booking joined now
    /// (`false`: it was waiting already).
    public func joinEarlierList(id: String, by requester: Requester, latestStart: Instant?, needs: Needs) throws(EngineError)
        -> (standing: EarlierStanding, joined: Bool) {
        let now = clock.now()
        let rules = configuration.earlierList
        let booking = try booking(id, by: requester)
        guard booking.status == .confirmed else { throw Self.ended(booking, "it cannot wait for an earlier time.") }
        guard booking.channel == .online else {
            throw EngineError(.earlierListRefused, field: "id", detail: "Only bookings made online wait for an earlier time; "
                              + "please ask the office.")
        }
        guard booking.contact?.email != nil else {
            throw EngineError(.earlierListRefused, field: "id", detail: "The booking has no e-mail address to send an offer to.")
        }
        guard booking.start > now.adding(seconds: Int64(rules.leadDays) * 86_400) else {
            throw EngineError(.earlierListRefused, field: "id", detail: "Only a booking more than \(rules.leadDays) days "
                              + "away waits for an earlier time.")
        }
        if let latestStart, latestStart <= now || latestStart >= booking.start {
            throw EngineError(.invalid, field: "latest", detail: "The latest acceptable start lies after now and before the "
                              + "booking's start, \(BerlinTime.format(booking.start)).")
        }
        do {
            _ = try catalog.shape(officeID: booking.run.officeID, services: booking.services, channel: .online, needs: needs)
        } catch {
            throw EngineError(SchedulingError(error.code, field: "needs", detail: error.detail))
        }
        let joined = try withDatabase("earlier-time list") { db -> (wish: EarlierWish, joined: Bool)? in
            if try EarlierListRepository.offersMade(bookingID: id, db) >= rules.offersMax {
                throw EngineError(.earlierListRefused, field: "id", detail: "The booking had the \(rules.offersMax) offers "
                                  + "of an earlier time a booking may have.")
            }
            return try EarlierListRepository.join(bookingID: id, revision: booking.revision, latestStart: latestStart,
                                                  needs: needs, now: now, db)
        }
        guard let joined else {
            throw EngineError(.bookingState, field: "id", detail: "The booking was changed meanwhile; read it and try again.")
        }
        live.noteFreed(booking.run.officeID)   // the next pass looks for a time for it
        return (EarlierStanding(wish: joined.wish, state: joined.wish.state(of: booking, offersMax: rules.offersMax, now: now)),
                joined.joined)
    }

    /// Booking `id`'s wish, as it stands now, for its citizen or staff of its office.
    public func earlierStanding(id: String, by requester: Requester) throws(EngineError) -> EarlierStanding {
        let now = clock.now()
        let booking = try booking(id, by: requester)
        guard let wish = try withDatabase("earlier-time list", { try EarlierListRepository.wish(bookingID: id, $0) }) else {
            throw EngineError(.notOnEarlierList, detail: "Booking \(id) is not on the earlier-time list.")
        }
        return EarlierStanding(wish: wish, state: wish.state(of: booking, offersMax: configuration.earlierList.offersMax, now: now))
    }

    /// Takes booking `id` off the list, for its citizen or staff of its office; an offer held for it runs out as any hold.
    public func leaveEarlierList(id: String, by requester: Requester) throws(EngineError) {
        _ = try booking(id, by: requester)
        let now = clock.now()
        guard try withDatabase("earlier-time list", { try EarlierListRepository.leave(bookingID: id, now: now, $0) }) else {
            throw EngineError(.notOnEarlierList, detail: "Booking \(id) is not on the earlier-time list.")
        }
    }

    /// One pass over the time given back: seats the waiting of full group sessions whose seats freed (see
    /// `seatWaitingCitizens`), then offers the bookings on the earlier-time list, first opted in first, the first fitting
    /// start each. `everywhere` looks at every waiting booking (at most `passLimit`) and session; otherwise only those
    /// at offices where time was given back since the last pass (or someone joined). Returns how many earlier times it
    /// offered.
    @discardableResult
    public func offerFreedTime(everywhere: Bool) throws(EngineError) -> Int {
        let now = clock.now()
        let live = self.live
        let rules = configuration.earlierList
        let freed = live.takeFreedOffices()
        guard everywhere || !freed.isEmpty else { return 0 }
        // Seats freed at a full session go to its waiting list first (they are not earlier times).
        _ = try seatWaitingCitizens(at: everywhere ? Array(live.scheduler.catalog.sessionsByDay.keys) : freed, now: now, in: live)
        let waiting = try withDatabase("earlier-time list") { db in
            try EarlierListRepository.waiting(officeIDs: everywhere ? nil : freed, offersMax: rules.offersMax, now: now,
                                              limit: rules.passLimit, db)
        }
        var offered = 0
        for (wish, booking) in waiting where try offerEarlier(to: booking, wish, now: now, in: live) {
            offered += 1
            earlierOffers.add(1, ordering: .relaxed)
        }
        return offered
    }

    /// Earlier times this instance has held for bookings on the list since it started.
    public var earlierOffersMade: Int { earlierOffers.load(ordering: .relaxed) }

    /// Holds the first free online start before `booking`'s (and no later than the wish's latest) for it and mails the
    /// offer; `false` when none fits, or the wish no longer waits.
    private func offerEarlier(to booking: Appointment, _ wish: EarlierWish, now: Instant, in live: LiveLedger)
        throws(EngineError) -> Bool {
        let rules = configuration.earlierList
        let catalog = live.scheduler.catalog
        let officeID = booking.run.officeID
        // Past its cut-off a booking cannot move onto an offer.
        let cutoffMinutes = catalog.changeCutoffMinutes(officeID: officeID, services: booking.services)
        guard booking.start > now.adding(seconds: Int64(cutoffMinutes) * 60),
              let shape = try? catalog.shape(officeID: officeID, services: booking.services, channel: .online, needs: wish.needs)
        else { return false }
        let latest = min(wish.latestStart ?? booking.start, booking.start)
        let days = live.scheduler.availability(shape: shape, from: BerlinTime.local(now).date, to: BerlinTime.local(latest).date,
                                               channel: .online, now: now)
        // Earlier than the booking, no later than the citizen's latest, not on a day a release round allocates; the time
        // last offered (and left) is not offered to the same booking again at once.
        let serviceIDs = booking.services.map(\.serviceID)
        let starts = days.lazy.flatMap(\.starts).filter { [rounds] in
            $0 < booking.start && $0 <= latest && $0 != wish.lastOffer?.start
                && rounds.round(covering: officeID, date: BerlinTime.local($0).date, serviceIDs: serviceIDs) == nil
        }
        for start in starts.prefix(rules.startsTriedMax) {
            guard let (placement, run) = try? reserve(officeID: officeID, start: start, services: booking.services,
                                                      channel: .online, needs: wish.needs, now: now, in: live) else { continue }
            let expiresAt = now.adding(seconds: rules.offerHoldSeconds)
            let hold = Appointment(id: Self.newID(), run: run, channel: .online, status: .held, start: placement.start,
                                   end: placement.end, services: booking.services, expiresAt: expiresAt, contact: nil)
            let offer = EarlierListRepository.Offer(bookingID: booking.id, revision: booking.revision,
                                                    offer: .init(holdID: hold.id, start: hold.start, expiresAt: expiresAt),
                                                    offersMax: rules.offersMax)
            switch pipeline.commit(.init(Decisions.earlierOffer(hold, offer, now: now), runs: [(run, .online)], in: live)) {
            case .committed: return true
            case .refused(.deskTaken): continue
            case .failed(let reason): throw EngineError(.unavailable, detail: "An earlier time could not be offered: \(reason)")
            default: return false
            }
        }
        return false
    }
}
