import Synchronization
import TerminCore

/// Which appointments the ledger holds time for, by id. The one arbiter of releases: time is given back only by
/// whoever removes the id here, so an appointment is released once however many paths learn that it ended (this
/// instance's cancel or sweep, another instance's notification). Not on the reserve path: entries are added after
/// a commit.
final class Occupancy: Sendable {
    struct Entry: Sendable {
        let run: SlotRun
        let channel: Channel
        /// Its services, when known (this instance's own appointments and those read from the database; not those
        /// learnt from another instance's notification).
        let services: [ServiceRequest]?
        /// When it was recorded, as a count of records (see `mark`).
        let recorded: UInt64
    }

    private struct Records {
        var entries: [String: Entry] = [:]
        /// Records made so far.
        var count: UInt64 = 0
        /// Appointments this instance ended, at the time they ended, whose `-` notification has not come yet: a `+`
        /// of theirs arriving late (its notification lagging behind the end this instance settled at once) must not
        /// take their time again.
        var ended: [String: SlotRun] = [:]
    }

    /// Most ended appointments remembered until their `-` comes (each one's comes within moments; the bound only
    /// keeps memory finite should one not).
    static let endedMax = 100_000

    private let records = Mutex(Records())

    /// Records an appointment; `false` when it was recorded already.
    @discardableResult
    func insert(_ id: String, run: SlotRun, channel: Channel, services: [ServiceRequest]?) -> Bool {
        records.withLock { records in
            guard records.entries[id] == nil, records.ended[id] == nil else { return false }
            records.count += 1
            records.entries[id] = Entry(run: run, channel: channel, services: services, recorded: records.count)
            return true
        }
    }

    /// Records an appointment at `run`, returning what it held before when it was recorded at another time (a move:
    /// the caller gives that time back); an appointment recorded at `run` already is left as it is.
    func record(_ id: String, run: SlotRun, channel: Channel, services: [ServiceRequest]) -> Entry? {
        records.withLock { records in
            let previous = records.entries[id]
            guard previous?.run != run else { return nil }
            records.count += 1
            records.entries[id] = Entry(run: run, channel: channel, services: services, recorded: records.count)
            return previous
        }
    }

    /// The records made so far: entries recorded later have a larger `recorded`.
    var mark: UInt64 { records.withLock { $0.count } }

    /// The appointments recorded at or before `mark` that `runs` (live appointments' times, by id) does not hold at
    /// the time they were recorded at: ended, or moved.
    func recorded(atOrBefore mark: UInt64, notAt runs: [String: SlotRun]) -> [String] {
        records.withLock { records in
            records.entries.compactMap { $0.value.recorded <= mark && runs[$0.key] != $0.value.run ? $0.key : nil }
        }
    }

    /// Whether the appointment is recorded, or was ended here and its `-` has not come yet.
    func knows(_ id: String) -> Bool { records.withLock { $0.entries[id] != nil || $0.ended[id] != nil } }

    /// A recorded appointment.
    func entry(_ id: String) -> Entry? { records.withLock { $0.entries[id] } }

    /// The channel of a recorded appointment.
    func channel(_ id: String) -> Channel? { records.withLock { $0.entries[id]?.channel } }

    /// Forgets an appointment and returns what it held, if it was recorded (and, given `run`, recorded at that time).
    func remove(_ id: String, at run: SlotRun? = nil) -> Entry? {
        records.withLock { records in
            guard let entry = records.entries[id], run == nil || entry.run == run else { return nil }
            records.entries[id] = nil
            return entry
        }
    }

    /// Forgets an appointment this instance ended at `run`, remembering the end until its `-` comes (`heardEnd`);
    /// returns what it held, if it was recorded.
    func end(_ id: String, at run: SlotRun) -> Entry? {
        records.withLock { records in
            if records.ended.count >= Self.endedMax { records.ended = [:] }
            records.ended[id] = run
            return records.entries.removeValue(forKey: id)
        }
    }

    /// The `-` of an appointment ended at `run` came: nothing of it can come after.
    func heardEnd(_ id: String, at run: SlotRun) {
        records.withLock { records in
            if records.ended[id] == run { records.ended[id] = nil }
        }
    }

    /// Forgets every remembered end (a listener that starts anew hears nothing older).
    func forgetEnds() { records.withLock { $0.ended = [:] } }

    var count: Int { records.withLock { $0.entries.count } }
}
