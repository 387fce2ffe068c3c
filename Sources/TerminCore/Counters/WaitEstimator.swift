/// Estimates when waiting walk-ins will be served: each in arrival order takes the qualified desk where it can
/// start soonest, starting only where its expected service fits before the desk's next appointment block and
/// before the desk closes. Appointment holders are served in their blocks. Pure: the engine feeds it the desks'
/// state, the queue and the service times.
public enum WaitEstimator {
    /// Most queued walk-ins simulated ahead of the one estimated.
    public static let jobsMax = 2_000

    /// One open desk as the estimate sees it.
    public struct DeskPlan: Sendable, Equatable {
        public let number: Int
        public let serviceIDs: Set<Int>
        /// When the desk is next free (the end of what it serves now, or now).
        public let freeAt: Instant
        /// Appointment blocks still to come, as half-open intervals, in start order.
        public let blocks: [Range<Instant>]
        /// When the desk closes today.
        public let closesAt: Instant

        public init(number: Int, serviceIDs: Set<Int>, freeAt: Instant, blocks: [Range<Instant>], closesAt: Instant) {
            self.number = number
            self.serviceIDs = serviceIDs
            self.freeAt = freeAt
            self.blocks = blocks.sorted { $0.lowerBound < $1.lowerBound }
            self.closesAt = closesAt
        }
    }

    /// A walk-in to place.
    public struct Job: Sendable, Equatable {
        public let serviceIDs: Set<Int>
        public let expectedMinutes: Int
        /// The desk it was sent to, if any.
        public let targetDesk: Int?

        public init(serviceIDs: Set<Int>, expectedMinutes: Int, targetDesk: Int? = nil) {
            precondition(expectedMinutes > 0, "serving takes time")
            self.serviceIDs = serviceIDs
            self.expectedMinutes = expectedMinutes
            self.targetDesk = targetDesk
        }
    }

    /// The expected start of each job in order; `nil` for one no desk can serve before closing.
    public static func starts(desks: [DeskPlan], queue: [Job]) -> [Instant?] {
        precondition(queue.count <= jobsMax, "the estimate is bounded")
        var freeAt = desks.map(\.freeAt)
        var starts: [Instant?] = []
        starts.reserveCapacity(queue.count)
        for job in queue {
            var best: (desk: Int, start: Instant)?
            for (index, desk) in desks.enumerated()
            where (job.targetDesk == nil || job.targetDesk == desk.number) && job.serviceIDs.isSubset(of: desk.serviceIDs) {
                guard let start = earliestStart(desk, from: freeAt[index], minutes: job.expectedMinutes) else { continue }
                if best == nil || start < best!.start { best = (index, start) }
            }
            if let best {
                freeAt[best.desk] = best.start.adding(seconds: Int64(job.expectedMinutes) * 60)
                starts.append(best.start)
            } else {
                starts.append(nil)
            }
        }
        return starts
    }

    /// The earliest start at `desk` from `from` on with `minutes` free before a block and before closing.
    static func earliestStart(_ desk: DeskPlan, from: Instant, minutes: Int) -> Instant? {
        var start = from
        let length = Int64(minutes) * 60
        for block in desk.blocks where block.upperBound > start {
            if start.adding(seconds: length) <= block.lowerBound { break }
            start = max(start, block.upperBound)
        }
        return start.adding(seconds: length) <= desk.closesAt ? start : nil
    }
}
