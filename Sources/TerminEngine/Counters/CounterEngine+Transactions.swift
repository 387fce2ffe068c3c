import TerminCore
import TerminPostgres
import TerminStore

extension CounterEngine {
    /// Runs `body` in one transaction under the office's queue lock, after marking the appointments that lapsed as
    /// no-shows. After the commit: their time is given back to the ledger (walk-ins and the staff channel may use
    /// it), the office's public status is refreshed, and the operation's calls go to the displays.
    @discardableResult
    func inOffice<T>(_ officeID: Int, _ body: (PostgresConnection, OfficeDay) throws -> T) throws(EngineError) -> T {
        let now = clock.now()
        var lapsed: [Appointment] = []
        var calls: [QueueTicket] = []
        let result: T
        do {
            result = try pool.transaction { db in
                try QueueRepository.lockOffice(officeID, db)
                let day = try OfficeDay(officeID: officeID, now: now, scheduler: booking.scheduler, db)
                lapsed = try markNoShows(day, db)
                let result = try body(db, day)
                calls = day.calls
                return result
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.unavailable, detail: "The queue could not be changed: \(error)")
        }
        for appointment in lapsed { booking.live.release(appointment.id) }
        statusCache.invalidate(officeID: officeID)
        for call in calls {
            broadcaster.publish(CallEvent(officeID: officeID, number: call.displayNumber, deskNumber: call.deskNumber!,
                                          at: call.calledAt!, calls: call.calls))
        }
        return result
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
        for officeID in offices { try inOffice(officeID) { _, _ in } }
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

    /// Marks bookings not checked in by their start plus the grace time as no-shows, in the audit log too.
    private func markNoShows(_ day: OfficeDay, _ db: PostgresConnection) throws -> [Appointment] {
        let marked = try AppointmentRepository.markNoShows(ids: day.lapsedBookings(graceMinutes: configuration.graceMinutes).map(\.id), db)
        for appointment in marked {
            try AuditRepository.append(at: day.now, officeID: day.officeID, actor: .engine, action: "booking.no-show",
                                       subject: "booking:\(appointment.id)",
                                       detail: "not checked in by \(configuration.graceMinutes) min after its start; time released", db)
        }
        day.markedNoShow(marked)
        return marked
    }
}
