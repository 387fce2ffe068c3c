import Foundation
import Synchronization
import TerminCore
import TerminStore

/// The master data this instance schedules over now, with the desk time booked under it: a `LiveLedger` that a
/// change of master data replaces as a whole.
///
/// A change is announced on the ledger's notification channel, in commit order with the appointments' changes, and
/// the ledger sync replaces the ledger on its own thread (`replace`): it reads the catalogue and the live appointments
/// after the announcement, so every notification it applies afterwards is one the new ledger needs or already
/// reflects. A command that reserved in the ledger it replaced settles there (`WritePipeline.Reserved.live`); the new
/// one learns of its commit by that commit's notification, like any other instance's. Nothing here can give a time
/// twice: the database refuses an overlap whatever a ledger believed.
public final class LiveCatalog: Sendable {
    /// Longest wait for this instance to take up a change of master data it committed, in seconds.
    public static let takeUpSecondsMax = 10.0

    private let current: Mutex<LiveLedger>

    /// The ledger of `catalog`, at `revision`, holding the time of `appointments` (the live ones from `today` on).
    public init(catalog: Catalog, revision: Int, appointments: [Appointment], today: LocalDate) {
        current = Mutex(Self.ledger(catalog: catalog, revision: revision, appointments: appointments, today: today))
    }

    /// Reads the catalogue and the live appointments on `db` and builds their ledger.
    public convenience init(reading db: DatabaseConnection, today: LocalDate) throws {
        let (catalog, revision) = try CatalogRepository.loadWithRevision(db)
        self.init(catalog: catalog, revision: revision, appointments: try AppointmentRepository.live(from: today, db), today: today)
    }

    /// The ledger in force. A command takes it once and works in it to the end.
    public var live: LiveLedger { current.withLock { $0 } }

    /// Puts the ledger of a new catalogue in force (the ledger sync's thread only, see the type's comment).
    func replace(catalog: Catalog, revision: Int, appointments: [Appointment], today: LocalDate) {
        let next = Self.ledger(catalog: catalog, revision: revision, appointments: appointments, today: today)
        current.withLock { $0 = next }
    }

    /// Waits until the ledger in force was read at `revision` or later; `false` after `takeUpSecondsMax`.
    func waitForRevision(_ revision: Int) -> Bool {
        let deadline = Date().addingTimeInterval(Self.takeUpSecondsMax)
        while live.catalogRevision < revision {
            guard Date() < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.002)
        }
        return true
    }

    private static func ledger(catalog: Catalog, revision: Int, appointments: [Appointment], today: LocalDate) -> LiveLedger {
        let live = LiveLedger(scheduler: Scheduler(
            catalog: catalog, ledger: LockFreeSlotLedger(officeIDs: catalog.offices.keys, firstDate: today.adding(days: -7))),
            catalogRevision: revision)
        // The database holds no two overlapping live appointments, so every one applies, or lies outside the hours
        // (or before the ledger's first day, a hold about to expire) and holds nothing.
        live.reconcile(appointments)
        return live
    }
}
