import TerminCore
import TerminStore

/// The one way the engine writes: a command, once decided into a `WritePlan` and its desk time reserved in the
/// ledger (all or none), is committed by the `CommitWriter` in a batch with others, and then settled here: the
/// ledger learns what the commit changed (a new or confirmed appointment holds its time, a cancelled or expired one
/// gives it back), and on anything but a commit the reserved time is given back.
final class WritePipeline: Sendable {
    /// A decided command: the desk time it reserved, given back unless its plan commits, the plan, and the ledger
    /// the command took at its start, which it settles in (if master data changed meanwhile, the ledger in force
    /// learns of the commit from its notification).
    struct Reserved: Sendable {
        let runs: [(run: SlotRun, channel: Channel)]
        let plan: WritePlan
        let live: LiveLedger

        init(_ plan: WritePlan, runs: [(run: SlotRun, channel: Channel)] = [], in live: LiveLedger) {
            self.runs = runs
            self.plan = plan
            self.live = live
        }
    }

    let writer: CommitWriter

    init(writer: CommitWriter) {
        self.writer = writer
    }

    /// Commits and settles, waiting for the batch.
    func commit(_ reserved: Reserved) -> WritePlan.Outcome {
        settle(reserved, writer.submit(reserved.plan))
    }

    /// Commits and settles without waiting: `completion` hears the outcome on the writer's thread (it must not block).
    func commit(_ reserved: Reserved, completion: @escaping @Sendable (WritePlan.Outcome) -> Void) {
        writer.submit(reserved.plan) { [self] outcome in completion(settle(reserved, outcome)) }
    }

    /// Applies an outcome to the ledger and passes it on.
    private func settle(_ reserved: Reserved, _ outcome: WritePlan.Outcome) -> WritePlan.Outcome {
        let live = reserved.live
        guard case .committed(let changed) = outcome else {
            for (run, channel) in reserved.runs { live.scheduler.ledger.release(run, channel: channel) }
            return outcome
        }
        // A hold a booking moved onto hands its time over to the booking, not back to the ledger; a confirmed hold
        // keeps the hold's time, which this command did not reserve.
        let movedOnto = reserved.plan.holdsMovedOnto
        for appointment in changed {
            if let holdID = movedOnto[appointment.id] {
                live.recordMovedOntoHold(holdID, booking: appointment)
            } else if appointment.id == reserved.plan.confirmedHoldID {
                live.recordConfirmed(appointment)
            } else if appointment.status.isLive {
                live.recordCommitted(appointment)
            } else {
                live.ended(appointment)
            }
        }
        return outcome
    }
}
