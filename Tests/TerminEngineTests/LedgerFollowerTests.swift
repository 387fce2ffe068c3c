import Testing
import TerminCore
@testable import TerminEngine

/// The ledger sync's decisions at made-up instants, with a ledger stand-in that says which events apply.
@Suite struct LedgerFollowerTests {
    static let t0 = ContinuousClock.now
    static let day = LocalDate(iso: "2026-12-01")!

    static func event(_ id: String, _ operation: LedgerEvent.Operation = .live) -> LedgerEvent {
        LedgerEvent.parse(payload: "\(operation == .live ? "+" : "-"),\(id),102522,10252201,2026-12-01,84,3,online")[0]
    }

    /// A ledger stand-in: a `+` whose id is in `blocked` does not apply yet (an end always does, as in
    /// `LiveLedger`); every attempt is recorded.
    final class Ledger {
        var blocked: Set<String> = []
        var attempts: [String] = []
        func apply(_ event: LedgerEvent) -> Bool {
            attempts.append(event.id)
            return event.operation == .ended || !blocked.contains(event.id)
        }
    }

    @Test func whileConnectedItReceivesInRoundsOfTheReceiveTimeout() {
        let follower = LedgerFollower()
        #expect(follower.nextAction(now: Self.t0) == .receive(timeout: .milliseconds(100)))
    }

    @Test func anEventThatCannotApplyYetIsRetriedEachRoundUntilItApplies() {
        var follower = LedgerFollower()
        let ledger = Ledger()
        ledger.blocked = ["a"]
        follower.received([Self.event("a"), Self.event("b")], now: Self.t0, apply: ledger.apply)
        #expect(follower.pending.map(\.event.id) == ["a"])
        follower.received([], now: Self.t0 + .milliseconds(100), apply: ledger.apply)
        #expect(follower.pending.count == 1)
        ledger.blocked = []
        follower.received([], now: Self.t0 + .milliseconds(200), apply: ledger.apply)
        #expect(follower.pending.isEmpty)
        #expect(ledger.attempts.filter { $0 == "a" }.count == 4)   // on arrival, right after, and two later rounds
    }

    @Test func aPendingEventIsGivenUpAfterTheRetryTime() {
        var follower = LedgerFollower()
        let ledger = Ledger()
        ledger.blocked = ["a"]
        follower.received([Self.event("a")], now: Self.t0, apply: ledger.apply)
        follower.received([], now: Self.t0 + .seconds(59), apply: ledger.apply)
        #expect(follower.pending.count == 1)
        follower.received([], now: Self.t0 + .seconds(60), apply: ledger.apply)
        #expect(follower.pending.isEmpty)
    }

    @Test func anEndedAppointmentNeedsNoMoreRetries() {
        var follower = LedgerFollower()
        let ledger = Ledger()
        ledger.blocked = ["a"]
        follower.received([Self.event("a")], now: Self.t0, apply: ledger.apply)
        follower.received([Self.event("a", .ended)], now: Self.t0 + .milliseconds(100), apply: ledger.apply)
        #expect(follower.pending.isEmpty)
    }

    @Test func pendingIsBoundedAndWhatDoesNotFitIsCounted() {
        var limits = LedgerFollower.Limits()
        limits.pendingMax = 2
        var follower = LedgerFollower(limits: limits)
        let ledger = Ledger()
        ledger.blocked = ["a", "b", "c"]
        follower.received(["a", "b", "c"].map { Self.event($0) }, now: Self.t0, apply: ledger.apply)
        #expect(follower.pending.map(\.event.id) == ["a", "b"] && follower.droppedCount == 1)
    }

    @Test func aLostConnectionPausesThenReconnectsAndRetriesAfterAFailure() {
        var follower = LedgerFollower()
        follower.connectionLost(now: Self.t0)
        #expect(follower.nextAction(now: Self.t0 + .milliseconds(500)) == .pause(until: Self.t0 + .seconds(1)))
        #expect(follower.nextAction(now: Self.t0 + .seconds(1)) == .reconnect)
        follower.reconnectFailed(now: Self.t0 + .seconds(1))
        #expect(follower.nextAction(now: Self.t0 + .milliseconds(1_500)) == .pause(until: Self.t0 + .seconds(2)))
        follower.reconnected(now: Self.t0 + .seconds(2), unapplied: [Self.event("a")])
        #expect(follower.nextAction(now: Self.t0 + .seconds(2)) == .receive(timeout: .milliseconds(100)))
        #expect(follower.pending.map(\.event.id) == ["a"])
    }

    /// What waited before the connection was lost is dropped on reconnecting: the database's read supersedes it (here
    /// "a" ended meanwhile and its `-` was lost; "b" waits again, as the read found it).
    @Test func reconnectingDropsWhatWaitedBefore() {
        var follower = LedgerFollower()
        let ledger = Ledger()
        ledger.blocked = ["a", "b"]
        follower.received([Self.event("a"), Self.event("b")], now: Self.t0, apply: ledger.apply)
        #expect(follower.pending.count == 2)
        follower.connectionLost(now: Self.t0)
        follower.reconnected(now: Self.t0 + .seconds(1), unapplied: [Self.event("b")])
        #expect(follower.pending.map(\.event.id) == ["b"])
    }
}
