/// A booking's place on the earlier-time list: its citizen asked to be offered an earlier time, and the engine holds
/// one that frees for that booking alone and mails the offer; taking it is a move onto the hold.
public struct EarlierWish: Sendable, Equatable {
    /// The latest offer made: a hold only this booking may take, until `expiresAt`.
    public struct Offer: Sendable, Equatable {
        public let holdID: String
        public let start: Instant
        public let expiresAt: Instant
        public init(holdID: String, start: Instant, expiresAt: Instant) {
            self.holdID = holdID
            self.start = start
            self.expiresAt = expiresAt
        }
    }

    /// Where a wish stands.
    public enum State: String, Sendable {
        /// On the list, waiting for an earlier time that fits.
        case waiting
        /// An offer is held for the booking now.
        case offered
        /// Every offer a booking may have was made; none is held now.
        case exhausted
        /// The booking moved (an offer taken, or another move), ended, or its time came: the wish is over.
        case ended
    }

    public let bookingID: String
    /// The booking's revision the wish was made for: a move ends it.
    public let revision: Int
    /// When the citizen opted in: first opted in, first offered.
    public let optedAt: Instant
    /// The latest start the citizen accepts; `nil`: any start before the booking's.
    public let latestStart: Instant?
    /// What the offered desk must meet.
    public let needs: Needs
    /// Offers made to the booking so far.
    public let offersMade: Int
    public let lastOffer: Offer?

    public init(bookingID: String, revision: Int, optedAt: Instant, latestStart: Instant?, needs: Needs, offersMade: Int,
                lastOffer: Offer?) {
        precondition((offersMade == 0) == (lastOffer == nil), "an offer made is the last one")
        self.bookingID = bookingID
        self.revision = revision
        self.optedAt = optedAt
        self.latestStart = latestStart
        self.needs = needs
        self.offersMade = offersMade
        self.lastOffer = lastOffer
    }

    /// The offer held for the booking at `now`, if one is.
    public func liveOffer(now: Instant) -> Offer? {
        lastOffer.flatMap { $0.expiresAt > now ? $0 : nil }
    }

    /// Where the wish stands for `booking` (as it stands now) at `now`, with at most `offersMax` offers a booking.
    public func state(of booking: Appointment, offersMax: Int, now: Instant) -> State {
        precondition(booking.id == bookingID, "a wish is read with its booking")
        if booking.status != .confirmed || booking.revision != revision || booking.start <= now { return .ended }
        if liveOffer(now: now) != nil { return .offered }
        return offersMade >= offersMax ? .exhausted : .waiting
    }
}
