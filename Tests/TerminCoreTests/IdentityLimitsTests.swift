import Testing
import TerminCore

/// The pure rules of the per-identity caps and how a citizen's identity is derived.
@Suite struct IdentityLimitsTests {
    let now = Instant(secondsSinceEpoch: 1_800_000_000)
    let limits = IdentityLimits(liveBookingsMax: 2, cancelCooldownSeconds: 600)

    @Test func liveBookingsAreCappedAndCooldownsKeepToTheirServices() {
        #expect(limits.check(.init(liveBookings: 1), serviceIDs: [7], now: now) == nil)
        #expect(limits.check(.init(liveBookings: 2), serviceIDs: [7], now: now) == .liveBookingsMax(max: 2))
        let cancelled = IdentityLimits.Standing(cancellations: [
            .init(serviceIDs: [7, 8], cancelledAt: now.adding(seconds: -100)),
            .init(serviceIDs: [8], cancelledAt: now.adding(seconds: -50)),
        ])
        #expect(limits.check(cancelled, serviceIDs: [9], now: now) == nil)
        // The cool-down that ends last wins, naming its service.
        #expect(limits.check(cancelled, serviceIDs: [8], now: now) == .coolingDown(serviceID: 8, until: now.adding(seconds: 550)))
        #expect(limits.check(cancelled, serviceIDs: [7], now: now) == .coolingDown(serviceID: 7, until: now.adding(seconds: 500)))
        // Over at its end.
        #expect(limits.check(cancelled, serviceIDs: [8], now: now.adding(seconds: 550)) == nil)
    }

    @Test func anIdentityIsAKeyedHashOfThePseudonymElseTheNormalisedEmail() {
        let hasher = IdentityHasher(key: Array(repeating: 1, count: 32))
        let other = IdentityHasher(key: Array(repeating: 2, count: 32))
        #expect(IdentityHasher.normalised(email: "  Anna.B+Termin@Example.ORG ") == "anna.b@example.org")
        let anna = hasher.identity(pseudonym: nil, email: "anna.b@example.org")!
        #expect(hasher.identity(pseudonym: nil, email: "ANNA.B+x@example.org") == anna)
        #expect(anna.field == "contact.email" && anna.hash.count == 32)
        #expect(other.identity(pseudonym: nil, email: "anna.b@example.org") != anna, "another key, another hash")
        let pseudonym = hasher.identity(pseudonym: "bayernid:1", email: "anna.b@example.org")!
        #expect(pseudonym.field == "Citizen-Pseudonym" && pseudonym.hash != anna.hash)
        // The hash is HMAC-SHA-256 under the key: nothing of the address in it.
        #expect(anna.hash == HMACSHA256.code(key: Array(repeating: 1, count: 32), message: Array("email:anna.b@example.org".utf8)))
        #expect(hasher.identity(pseudonym: nil, email: nil) == nil)
    }
}
