import TerminCore
import TerminStore

extension CounterEngine {
    /// Runs `body` in one transaction under the office's queue lock (and `alsoLocking`'s: a redirect's target office;
    /// locks are taken in office order, so two redirects between the same offices in opposite directions wait for each
    /// other instead of deadlocking), the appointments that lapsed counted as no-shows. Then, whether the operation committed or was refused, the lapsed are marked as no-shows through the
    /// write pipeline (which gives their time back to the ledger, for walk-ins and the staff channel); should that
    /// fail, the operation's answer stands and the next operation or sweep marks them (unless marking them is the
    /// operation, `markingNoShows`: then it is `unavailable`). After a commit, the office's public status is refreshed;
    /// the operation's calls reach the displays of every instance through the ledger's notifications, sent at the
    /// commit (`LedgerSync.onCalls`).
    @discardableResult
    func inOffice<T>(_ officeID: Int, alsoLocking other: Int? = nil, markingNoShows: Bool = false,
                     _ body: (DatabaseConnection, OfficeDay) throws -> T) throws(EngineError) -> T {
        let now = clock.now()
        var lapsed: [Appointment] = []
        let outcome: Result<T, EngineError>
        do {
            outcome = .success(try pool.transaction { db in
                for locked in Set([officeID, other ?? officeID]).sorted() { try QueueRepository.lockOffice(locked, db) }
                let day = try OfficeDay(officeID: officeID, now: now, scheduler: booking.scheduler, db)
                lapsed = day.lapsedBookings(graceMinutes: configuration.graceMinutes)
                day.markedNoShow(lapsed.map(Self.noShow))
                let result = try body(db, day)
                try QueueRepository.announceCalls(day.calls.map { Self.callEvent($0).notificationLine }, db)
                return result
            })
        } catch let error as EngineError {
            outcome = .failure(error)
        } catch {
            throw EngineError(.unavailable, detail: "The queue could not be changed: \(error)")
        }
        if !lapsed.isEmpty {
            let plan = Decisions.noShows(officeID: officeID, lapsed: lapsed, graceMinutes: configuration.graceMinutes, now: now)
            if case .failed(let reason) = booking.pipeline.commit(.init(plan, in: booking.live)), markingNoShows {
                throw EngineError(.unavailable, detail: "The no-shows could not be marked: \(reason)")
            }
        }
        let result = try outcome.get()
        statusCache.invalidate(officeID: officeID)
        if let other { statusCache.invalidate(officeID: other) }
        return result
    }

    /// A ticket's call, as the display shows it.
    static func callEvent(_ call: QueueTicket) -> CallEvent {
        CallEvent(officeID: call.officeID, number: call.displayNumber, deskNumber: call.deskNumber!, at: call.calledAt!,
                  calls: call.calls)
    }

    /// A booking as a no-show.
    static func noShow(_ booking: Appointment) -> Appointment {
        Appointment(id: booking.id, run: booking.run, channel: booking.channel, status: .noShow, start: booking.start,
                    end: booking.end, services: booking.services, expiresAt: booking.expiresAt, contact: booking.contact)
    }

    /// Marks the lapsed appointments of every office whose counters are at work today (see `inOffice`), so their
    /// time goes to walk-ins even while nobody at that office draws or calls. Run by the housekeeping loop.
    public func sweepNoShows() throws(EngineError) {
        let offices: [Int]
        do {
            offices = try pool.withConnection { try QueueRepository.officesWithTickets(date: BerlinTime.local(clock.now()).date, $0) }
        } catch {
            throw EngineError(.unavailable, detail: "The queues could not be read: \(error)")
        }
        for officeID in offices { try inOffice(officeID, markingNoShows: true) { _, _ in } }
    }

    /// Reads an office's day without changing it.
    func read<T>(_ officeID: Int, _ body: (OfficeDay) throws -> T) throws(EngineError) -> T {
        do {
            return try pool.withConnection { db in
                try body(try OfficeDay(officeID: officeID, now: clock.now(), scheduler: booking.scheduler, db))
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.unavailable, detail: "The queue could not be read: \(error)")
        }
    }
}
