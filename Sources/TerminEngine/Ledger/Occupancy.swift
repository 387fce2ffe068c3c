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
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Records an appointment; `false` when it was recorded already.
    @discardableResult
    func insert(_ id: String, run: SlotRun, channel: Channel) -> Bool {
        entries.withLock { entries in
            guard entries[id] == nil else { return false }
            entries[id] = Entry(run: run, channel: channel)
            return true
        }
    }

    func contains(_ id: String) -> Bool { entries.withLock { $0[id] != nil } }

    /// The channel of a recorded appointment.
    func channel(_ id: String) -> Channel? { entries.withLock { $0[id]?.channel } }

    /// Forgets an appointment and returns what it held, if it was recorded.
    func remove(_ id: String) -> Entry? { entries.withLock { $0.removeValue(forKey: id) } }

    var count: Int { entries.withLock { $0.count } }
}
