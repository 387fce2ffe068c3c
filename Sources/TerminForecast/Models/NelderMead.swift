/// Minimises a function of a few unbounded parameters by the Nelder–Mead simplex method (reflection 1,
/// expansion 2, contraction ½, shrink ½), for fitting smoothing parameters. Deterministic.
enum NelderMead {
    /// The best point found and its value, after at most `iterationsMax` steps or when the simplex's values
    /// differ by less than `tolerance`.
    static func minimize(_ f: ([Double]) -> Double, start: [Double], step: Double = 1, iterationsMax: Int = 200,
                         tolerance: Double = 1e-9) -> (point: [Double], value: Double) {
        let n = start.count
        precondition(n >= 1 && iterationsMax >= 0)
        var simplex: [[Double]] = [start]
        for i in 0..<n {
            var vertex = start
            vertex[i] += step
            simplex.append(vertex)
        }
        var values = simplex.map(f)
        for _ in 0..<iterationsMax {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if abs(values[n] - values[0]) <= tolerance * (abs(values[0]) + tolerance) { break }
            var centroid = [Double](repeating: 0, count: n)
            for vertex in simplex.dropLast() { for i in 0..<n { centroid[i] += vertex[i] / Double(n) } }
            func toward(_ coefficient: Double) -> [Double] {
                (0..<n).map { centroid[$0] + coefficient * (simplex[n][$0] - centroid[$0]) }
            }
            let reflected = toward(-1), reflectedValue = f(reflected)
            if reflectedValue < values[0] {
                let expanded = toward(-2), expandedValue = f(expanded)
                (simplex[n], values[n]) = expandedValue < reflectedValue ? (expanded, expandedValue) : (reflected, reflectedValue)
            } else if reflectedValue < values[n - 1] {
                (simplex[n], values[n]) = (reflected, reflectedValue)
            } else {
                let contracted = reflectedValue < values[n] ? toward(-0.5) : toward(0.5)
                let contractedValue = f(contracted)
                if contractedValue < min(reflectedValue, values[n]) {
                    (simplex[n], values[n]) = (contracted, contractedValue)
                } else {
                    for v in 1...n {
                        simplex[v] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[v][$0] - simplex[0][$0]) }
                        values[v] = f(simplex[v])
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return (simplex[best], values[best])
    }
}
