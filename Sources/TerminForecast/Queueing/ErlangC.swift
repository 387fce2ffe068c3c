import Foundation

/// The Erlang C model (M/M/N): Poisson arrivals, exponential handling times, `desks` servers, citizens who wait
/// as long as it takes, served first come first served.
///
/// With offered load `A = λ × handling` (in desks), the probability that an arrival waits is Erlang C,
/// `C(N, A) = N B / (N − A (1 − B))` with `B` Erlang B by its recursion `B_k = A B_{k−1} / (k + A B_{k−1})`, and the
/// share served within `t` is `1 − C e^{−(N − A) t / handling}`. For 30 arrivals an hour, 12 minutes' handling and
/// 7 desks: `P(wait) ≈ 0.614`, `SL(20 min) ≈ 0.884`.
public struct ErlangC: Sendable {
    public let arrivalsPerHour: Double
    public let handlingMinutes: Double

    public init(arrivalsPerHour: Double, handlingMinutes: Double) {
        precondition(arrivalsPerHour >= 0 && handlingMinutes > 0, "arrivals are counted, handling takes time")
        self.arrivalsPerHour = arrivalsPerHour
        self.handlingMinutes = handlingMinutes
    }

    /// The offered load in desks (Erlangs).
    public var load: Double { arrivalsPerHour * handlingMinutes / 60 }

    /// Erlang B: the probability that all `desks` are busy in a loss system with this load.
    public func blocking(desks: Int) -> Double {
        var b = 1.0
        if desks > 0 { for k in 1...desks { b = load * b / (Double(k) + load * b) } }
        return b
    }

    /// The probability that an arrival waits; 1 when the desks cannot keep up (`desks ≤ load`).
    public func probabilityOfWait(desks: Int) -> Double {
        guard Double(desks) > load else { return 1 }
        let b = blocking(desks: desks)
        return Double(desks) * b / (Double(desks) - load * (1 - b))
    }

    /// The share of arrivals served within `minutes`; 0 when the desks cannot keep up.
    public func serviceLevel(desks: Int, withinMinutes minutes: Double) -> Double {
        guard Double(desks) > load else { return 0 }
        return 1 - probabilityOfWait(desks: desks) * exp(-(Double(desks) - load) * minutes / handlingMinutes)
    }

    /// The mean wait in minutes; infinite when the desks cannot keep up.
    public func meanWaitMinutes(desks: Int) -> Double {
        guard Double(desks) > load else { return .infinity }
        return probabilityOfWait(desks: desks) * handlingMinutes / (Double(desks) - load)
    }

    /// The fewest desks that serve `target` of arrivals within `minutes` (0 without arrivals).
    public func desksNeeded(serviceLevel target: Double, withinMinutes minutes: Double) -> Int {
        precondition(target > 0 && target < 1, "a service level is a share below 1")
        guard arrivalsPerHour > 0 else { return 0 }
        var desks = Int(load.rounded(.down)) + 1
        while serviceLevel(desks: desks, withinMinutes: minutes) < target { desks += 1 }
        return desks
    }
}
