/// Whole seasons counted back from the end of a history, so that the last season's places line up with the forecast's
/// steps (place `p` of every season is the place of the steps `h` with `h % m == p`): season 0 is the last.
enum Seasons {
    /// Where season `s` (0 the last) of `history` starts.
    static func start(_ s: Int, of history: [Double], seasonLength m: Int) -> Int { history.count - (s + 1) * m }

    /// The means of the last `count` whole seasons of `history`, the last first (fewer when the history is shorter).
    static func means(of history: [Double], seasonLength m: Int, count: Int) -> [Double] {
        (0..<min(count, history.count / m)).map { s in
            let first = start(s, of: history, seasonLength: m)
            return history[first..<first + m].reduce(0, +) / Double(m)
        }
    }

    /// The level of the last `count` seasons: the mean of their means, of `means` as `means(of:seasonLength:count:)`
    /// gives them (the last first; fewer when there are fewer).
    static func level(_ means: [Double], seasons count: Int) -> Double {
        let used = means.prefix(count)
        precondition(!used.isEmpty, "a level needs a season")
        return used.reduce(0, +) / Double(used.count)
    }
}
