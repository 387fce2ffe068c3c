import Foundation

/// A progress line on stderr, shown only once a run has taken more than a second, redrawn at most five times a
/// second, and ended with a newline by `finish()` if it was shown.
final class ProgressLine {
    private let began = ContinuousClock.now
    private var lastDrawn: ContinuousClock.Instant?
    private var shown = false

    /// Redraws the line with `text` when due.
    func update(_ text: @autoclosure () -> String) {
        let now = ContinuousClock.now
        guard now - began > .seconds(1) else { return }
        if let lastDrawn, now - lastDrawn < .milliseconds(200) { return }
        lastDrawn = now
        shown = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text()).utf8))
    }

    /// Ends the line if it was shown.
    func finish() {
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
        shown = false
    }
}
