import Dispatch
import Foundation
import Synchronization

/// The bridge between event loops and blocking work (handlers that wait on PostgreSQL): a fixed set of worker
/// loops taking jobs from a bounded queue. A full queue refuses new jobs instead of growing. The composition root
/// runs each of `loops` on a thread of its own.
public final class WorkerPool: Sendable {
    public typealias Job = @Sendable () -> Void

    struct Queue {
        var jobs: [Job?] = []
        var head = 0
        var stopped = false
        /// Jobs taken and still running.
        var running = 0
        /// Whether `shutdown` waits for the last job.
        var awaitingDrain = false
        var count: Int { jobs.count - head }
    }

    public let threadCount: Int
    public let queueCapacity: Int
    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let drained = DispatchSemaphore(value: 0)

    /// A pool of `threadCount` workers sharing a queue of at most `queueCapacity` jobs.
    public init(threadCount: Int, queueCapacity: Int) {
        precondition(threadCount >= 1 && queueCapacity >= 1)
        self.threadCount = threadCount
        self.queueCapacity = queueCapacity
    }

    /// The worker loops, each to run on a thread of its own until `shutdown`.
    public var loops: [(name: String, run: @Sendable () -> Void)] {
        (0..<threadCount).map { index in ("termin-worker-\(index)", { [self] in run() }) }
    }

    /// Queues a job; `false` when the queue is full or the pool is stopping.
    public func submit(_ job: @escaping Job) -> Bool {
        let accepted = queue.withLock { queue -> Bool in
            guard !queue.stopped, queue.count < queueCapacity else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Jobs waiting, not yet running.
    public var pending: Int { queue.withLock { $0.count } }

    /// Refuses new jobs and waits until every accepted job has run; the workers then end by themselves.
    public func shutdown() {
        let mustWait = queue.withLock { queue -> Bool in
            queue.stopped = true
            queue.awaitingDrain = queue.count > 0 || queue.running > 0
            return queue.awaitingDrain
        }
        for _ in 0..<threadCount { available.signal() }
        if mustWait { drained.wait() }
    }

    private func run() {
        while true {
            available.wait()
            let job: Job? = queue.withLock { queue in
                guard queue.count > 0 else { return nil }
                let job = queue.jobs[queue.head]
                queue.jobs[queue.head] = nil
                queue.head += 1
                queue.running += 1
                if queue.head > 1024 && queue.head * 2 > queue.jobs.count {
                    queue.jobs.removeFirst(queue.head)
                    queue.head = 0
                }
                return job
            }
            if let job {
                job()
                let drainedNow = queue.withLock { queue -> Bool in
                    queue.running -= 1
                    guard queue.awaitingDrain, queue.count == 0, queue.running == 0 else { return false }
                    queue.awaitingDrain = false
                    return true
                }
                if drainedNow { drained.signal() }
            } else if queue.withLock({ $0.stopped && $0.count == 0 }) {
                available.signal()   // pass the wake-up on to the next worker
                return
            }
        }
    }
}
