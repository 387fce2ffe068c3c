import Dispatch
import Synchronization
import TerminCore

/// An office's queue as the public sees it: no personal data, only numbers.
public struct QueueStatus: Sendable, Equatable {
    /// A number called or at a desk.
    public struct AtDesk: Sendable, Equatable {
        public let number: String
        public let deskNumber: Int
        public let serving: Bool
    }

    public let officeID: Int
    public let date: LocalDate
    public let atDesks: [AtDesk]
    public let waitingWalkIns: Int
    public let waitingAppointments: Int
    /// Desks in service today.
    public let desksInService: Int
    /// The wait of a walk-in drawing a number now, in minutes; `nil` when none could be served before closing.
    public let estimatedWaitMinutes: Int?
    /// Whether the kiosk gives out numbers now.
    public let takesWalkIns: Bool
    /// The latest calls, newest first.
    public let recentCalls: [CallEvent]
}

extension CounterEngine {
    /// The public status of an office's queue, for a walk-in with `services` (`nil`: any concern). Cached for up to
    /// `QueueStatusCache.maxAgeSeconds` and refreshed at once by this instance's own changes.
    public func status(officeID: Int, services: [ServiceRequest]?) throws(EngineError) -> QueueStatus {
        _ = try office(officeID)
        if let services {
            do { _ = try catalog.shape(officeID: officeID, services: services, channel: .walkIn) } catch {
                throw EngineError(SchedulingError(error.code, field: "service", detail: error.detail))
            }
        }
        let key = QueueStatusCache.Key(officeID: officeID, serviceIDs: services?.map(\.serviceID))
        if let cached = statusCache.lookUp(key) { return cached }
        let status = try read(officeID) { day in
            QueueStatus(
                officeID: officeID, date: day.date,
                atDesks: day.tickets.filter { $0.state == .called || $0.state == .serving }
                    .sorted { $0.deskNumber! < $1.deskNumber! }
                    .map { QueueStatus.AtDesk(number: $0.displayNumber, deskNumber: $0.deskNumber!, serving: $0.state == .serving) },
                waitingWalkIns: day.tickets.filter { $0.kind == .walkIn && $0.state == .waiting }.count,
                waitingAppointments: day.tickets.filter { $0.kind == .appointment && $0.state == .waiting }.count,
                desksInService: day.openDesks.count,
                estimatedWaitMinutes: estimatedWaitMinutes(for: services, day),
                takesWalkIns: day.takesWalkIns,
                recentCalls: day.tickets.filter { $0.calledAt != nil && $0.deskNumber != nil }
                    .sorted { $0.calledAt! > $1.calledAt! }.prefix(configuration.recentCallsMax)
                    .map { CallEvent(officeID: officeID, number: $0.displayNumber, deskNumber: $0.deskNumber!, at: $0.calledAt!, calls: $0.calls) })
        }
        statusCache.store(key, status)
        return status
    }
}

/// Public statuses by office and concern, kept for a short while: displays and portals poll them.
final class QueueStatusCache: Sendable {
    /// How long a status is served from memory, in seconds (another instance's change shows within this).
    static let maxAgeSeconds: UInt64 = 2
    /// Most statuses kept; the cache is emptied when full.
    static let entriesMax = 4_096

    struct Key: Hashable {
        let officeID: Int
        let serviceIDs: [Int]?
    }

    private let entries = Mutex<[Key: (storedAt: UInt64, status: QueueStatus)]>([:])

    func lookUp(_ key: Key) -> QueueStatus? {
        let now = DispatchTime.now().uptimeNanoseconds
        return entries.withLock { entries in
            guard let entry = entries[key], now - entry.storedAt < Self.maxAgeSeconds * 1_000_000_000 else { return nil }
            return entry.status
        }
    }

    func store(_ key: Key, _ status: QueueStatus) {
        let now = DispatchTime.now().uptimeNanoseconds
        entries.withLock { entries in
            if entries.count >= Self.entriesMax { entries.removeAll() }
            entries[key] = (now, status)
        }
    }

    func invalidate(officeID: Int) {
        entries.withLock { entries in entries = entries.filter { $0.key.officeID != officeID } }
    }
}
