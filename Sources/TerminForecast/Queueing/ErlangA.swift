import Foundation

/// The Erlang A model (M/M/N+M): as Erlang C, but a waiting citizen gives up after an exponential patience with
/// mean `patienceMinutes` (walk-ins who leave the queue).
///
/// Solved numerically as the birth–death chain it is: state `n` citizens present, arrivals at rate `λ`, departures
/// at `min(n, N) μ + max(n − N, 0) θ` (`μ` = 1/handling, `θ` = 1/patience), truncated where the stationary
/// probabilities fall below 1e-14 (at most `queueMax` waiting). The share served within `t` follows an arrival
/// (PASTA) through its place in the queue until a desk takes it or it gives up, integrated with fourth-order
/// Runge–Kutta. As the patience grows the figures approach Erlang C's.
public struct ErlangA: Sendable {
    public let arrivalsPerHour: Double
    public let handlingMinutes: Double
    public let patienceMinutes: Double
    /// Waiting citizens the chain is truncated at, at most.
    public static let queueMax = 2_000

    public init(arrivalsPerHour: Double, handlingMinutes: Double, patienceMinutes: Double) {
        precondition(arrivalsPerHour >= 0 && handlingMinutes > 0 && patienceMinutes > 0)
        self.arrivalsPerHour = arrivalsPerHour
        self.handlingMinutes = handlingMinutes
        self.patienceMinutes = patienceMinutes
    }

    /// What an office sees with `desks` staffed.
    public struct Outcome: Sendable {
        /// Share of arrivals who wait at all.
        public let probabilityOfWait: Double
        /// Share of arrivals who give up before a desk takes them.
        public let probabilityOfAbandon: Double
        /// Share of arrivals whose service starts within the target minutes (those who give up are not).
        public let serviceLevel: Double
        /// Desks busy on average over desks staffed.
        public let occupancy: Double
    }

    /// The outcome with `desks` staffed and the service-level target of `minutes`.
    public func outcome(desks: Int, withinMinutes minutes: Double) -> Outcome {
        precondition(desks >= 1)
        let lambda = arrivalsPerHour / 60, mu = 1 / handlingMinutes, theta = 1 / patienceMinutes
        let n = desks
        // Unnormalised stationary probabilities, by ratio (no factorials).
        var weights = [1.0]
        var state = 0
        while true {
            state += 1
            let rate = Double(min(state, n)) * mu + Double(max(state - n, 0)) * theta
            let next = weights[state - 1] * lambda / rate
            weights.append(next)
            if state >= n && (next < 1e-14 * weights.reduce(0, +) || state - n >= Self.queueMax) { break }
        }
        let total = weights.reduce(0, +)
        let pi = weights.map { $0 / total }
        let waitProbability = pi[n...].reduce(0, +)
        var meanQueue = 0.0
        for k in n..<pi.count { meanQueue += Double(k - n) * pi[k] }
        let abandon = lambda > 0 ? theta * meanQueue / lambda : 0
        var busy = 0.0
        for k in 0..<pi.count { busy += Double(min(k, n)) * pi[k] }
        let servedInTime = (1 - waitProbability) + servedWithin(minutes, queueAhead: Array(pi[n...]), desks: n, mu: mu, theta: theta)
        return Outcome(probabilityOfWait: waitProbability, probabilityOfAbandon: abandon, serviceLevel: min(1, servedInTime),
                       occupancy: busy / Double(n))
    }

    /// The fewest desks that serve `target` of arrivals within `minutes` (0 without arrivals).
    public func desksNeeded(serviceLevel target: Double, withinMinutes minutes: Double) -> Int {
        precondition(target > 0 && target < 1, "a service level is a share below 1")
        guard arrivalsPerHour > 0 else { return 0 }
        var desks = 1
        while outcome(desks: desks, withinMinutes: minutes).serviceLevel < target { desks += 1 }
        return desks
    }

    /// The probability mass of arrivals that find `j` waiting ahead (`queueAhead[j]`) and reach a desk within
    /// `minutes`. Place `j` moves up at `N μ + j θ`; the citizen gives up at `θ`; from place 0 a desk takes them
    /// at `N μ`.
    func servedWithin(_ minutes: Double, queueAhead: [Double], desks: Int, mu: Double, theta: Double) -> Double {
        guard minutes > 0 else { return 0 }
        let places = queueAhead.count
        let serviceRate = Double(desks) * mu
        func derivative(_ p: [Double]) -> (dp: [Double], served: Double) {
            var dp = [Double](repeating: 0, count: places)
            for j in 0..<places {
                dp[j] = -(serviceRate + Double(j) * theta + theta) * p[j]
                if j + 1 < places { dp[j] += (serviceRate + Double(j + 1) * theta) * p[j + 1] }
            }
            return (dp, serviceRate * p[0])
        }
        let fastest = serviceRate + Double(places) * theta + theta
        let steps = max(50, Int((minutes * fastest / 0.05).rounded(.up)))
        let h = minutes / Double(steps)
        var p = queueAhead, served = 0.0
        func shifted(_ base: [Double], _ by: [Double], _ factor: Double) -> [Double] {
            (0..<places).map { base[$0] + factor * by[$0] }
        }
        for _ in 0..<steps {
            let k1 = derivative(p)
            let k2 = derivative(shifted(p, k1.dp, h / 2))
            let k3 = derivative(shifted(p, k2.dp, h / 2))
            let k4 = derivative(shifted(p, k3.dp, h))
            served += h / 6 * (k1.served + 2 * k2.served + 2 * k3.served + k4.served)
            for j in 0..<places { p[j] += h / 6 * (k1.dp[j] + 2 * k2.dp[j] + 2 * k3.dp[j] + k4.dp[j]) }
        }
        return served
    }
}
