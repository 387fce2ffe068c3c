import TerminCore
import TerminStore

/// The decide step of every write: a command, with the desk time it reserved, becomes its `WritePlan`. Pure: no
/// ledger, no database, so each is tested on its own (`DecisionTests`).
enum Decisions {
    /// A hold: its row, running out after the hold's time.
    static func hold(_ record: Appointment, now: Instant) -> WritePlan {
        precondition(record.status == .held && record.expiresAt != nil, "a hold runs out")
        return WritePlan([.insert(AppointmentRepository.NewRow(record, code: nil, now: now))], now: now)
    }

    /// A booking of a reserved time (direct, a placed request, a staff or walk-in booking): its row with the citizen's
    /// code, the caps it must keep and its idempotency key, stored with the row; made on the citizen's behalf, the
    /// record of who booked it (within that member's quota) first.
    static func booking(_ record: Appointment, code: String, caps: WritePlan.Caps?, idempotency: WritePlan.Idempotency?,
                        onBehalf: WritePlan.OnBehalf? = nil, now: Instant) -> WritePlan {
        precondition(record.status == .confirmed, "a booking is confirmed")
        precondition(onBehalf.map { $0.bookingID == record.id && $0.officeID == record.run.officeID } ?? true,
                     "who booked it books this booking")
        let row = AppointmentRepository.NewRow(record, code: code, now: now, identityHash: caps?.identity.hash,
                                               idempotency: idempotency)
        return WritePlan((onBehalf.map { [.onBehalf($0)] } ?? []) + [.insert(row)], code: code, idempotency: idempotency,
                         caps: caps, now: now)
    }

    /// A hold's confirmation: the hold becomes a booking with the code and contact, checked against the caps (when it
    /// was made online) and keyed.
    static func confirmation(holdID: String, code: String, contact: Appointment.Contact?, caps: WritePlan.Caps?,
                             idempotency: WritePlan.Idempotency?, onBehalf: WritePlan.OnBehalf? = nil, now: Instant) -> WritePlan {
        precondition(onBehalf.map { $0.bookingID == holdID } ?? true, "who booked it confirms this hold")
        return WritePlan((onBehalf.map { [.onBehalf($0)] } ?? [])
                         + [.confirmHold(id: holdID, code: code, contact: contact, identity: caps?.identity)], code: code,
                         idempotency: idempotency, caps: caps, now: now)
    }

    /// A repeat whose time its first request took: answered from the key's first answer, writing nothing.
    static func replay(_ idempotency: WritePlan.Idempotency, now: Instant) -> WritePlan { .replay(idempotency, now: now) }

    /// A cancellation by the holder of the booking's code (until its cut-off before the start), or by staff.
    static func cancellation(id: String, code: String?, by actor: AuditRepository.Actor, now: Instant) -> WritePlan {
        precondition((code == nil) == (actor != .citizen), "a citizen cancels with the code, staff without")
        return WritePlan([.cancel(id: id, code: code, by: actor)], now: now)
    }

    /// A move of a booking onto the desk time reserved for it, by its citizen (bound by the cut-off) or staff.
    static func move(_ move: AppointmentRepository.Move, by actor: AuditRepository.Actor, now: Instant) -> WritePlan {
        precondition((move.code == nil) == (actor != .citizen), "a citizen moves with the code, staff without")
        return WritePlan([.move(move, by: actor)], now: now)
    }

    /// An earlier time offered to a booking on the earlier-time list: the hold that keeps it for that booking alone, and
    /// the offer recorded on the booking's wish with its mail; neither stands without the other.
    static func earlierOffer(_ hold: Appointment, _ offer: EarlierListRepository.Offer, now: Instant) -> WritePlan {
        precondition(hold.status == .held && hold.channel == .online && hold.expiresAt == offer.offer.expiresAt
                     && hold.id == offer.offer.holdID && hold.start == offer.offer.start, "the offer is its hold, online")
        return WritePlan([.insert(AppointmentRepository.NewRow(hold, code: nil, now: now)), .offerEarlier(offer)], now: now)
    }

    /// A seat of a full session for the first waiting on its list: the booking (with a code of its own, replaced by the
    /// entry's) and the entry seated; neither stands without the other; within the caps of the entry's citizen.
    static func seatFromWaitlist(_ record: Appointment, entryID: String, caps: WritePlan.Caps?, now: Instant) -> WritePlan {
        precondition(record.status == .confirmed && record.channel == .online, "a seat, booked online")
        return WritePlan([.insert(AppointmentRepository.NewRow(record, code: Secret.hex(bits: 128), now: now,
                                                               identityHash: caps?.identity.hash)),
                          .seatWaiting(entryID: entryID, appointmentID: record.id)], caps: caps, now: now)
    }

    /// The expiry of holds that are over (`AppointmentRepository.dueHolds`; the writer leaves any that is no longer
    /// held, or not over).
    static func expiry(holdIDs: [String], now: Instant) -> WritePlan {
        WritePlan([.expireHolds(ids: holdIDs)], now: now)
    }

    /// The housekeeping: contact data erased `contactRetentionDays` after the appointment's day, idempotency keys
    /// forgotten `keyTTLSeconds` after their appointment was made (at most `limit` of each).
    static func housekeeping(contactRetentionDays: Int, keyTTLSeconds: Int64, limit: Int, now: Instant) -> WritePlan {
        WritePlan([.eraseContacts(before: BerlinTime.local(now).date.adding(days: -contactRetentionDays), limit: limit),
                   .forgetKeys(before: now.adding(seconds: -keyTTLSeconds), limit: limit)], now: now)
    }

    /// The no-shows of an office's day: bookings not checked in by their start plus the grace time.
    static func noShows(officeID: Int, lapsed: [Appointment], graceMinutes: Int, now: Instant) -> WritePlan {
        precondition(lapsed.allSatisfy { $0.run.officeID == officeID && $0.start.adding(seconds: Int64(graceMinutes) * 60) <= now },
                     "only lapsed bookings of the office")
        return WritePlan([.markNoShows(officeID: officeID, ids: lapsed.map(\.id),
                                       startedBy: now.adding(seconds: -Int64(graceMinutes) * 60),
                                       detail: "not checked in by \(graceMinutes) min after its start; time released")],
                         now: now)
    }

    /// A round's close: claim the round, insert every won booking, settle the requests and close it; all or nothing.
    static func roundClose(_ closing: WritePlan.RoundClosing, won: [AppointmentRepository.NewRow], now: Instant) -> WritePlan {
        precondition(won.allSatisfy { $0.appointment.channel == .online && $0.appointment.status == .confirmed },
                     "a round's winners are online bookings")
        return WritePlan([.claimRound(id: closing.roundID)] + won.map { .insert($0) } + [.settleRound(closing)], now: now)
    }
}
