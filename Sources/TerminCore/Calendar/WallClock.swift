/// A source of the current time in whole seconds. Everything that expires takes one, so tests move time by hand
/// (`ManualClock` in TerminTestSupport); production passes `SystemClock`. Named so it does not shadow Swift's `Clock`.
public protocol WallClock: Sendable {
    func now() -> Instant
}
