import Foundation
import Testing
import TerminTestSupport
@testable import TerminHTTP

/// Token buckets per client address: budgets, refill, reads apart from writes, IPv6 by /64, trusted proxies, bounded
/// memory, and the 429 a server sends.
@Suite struct RateLimiterTests {
    static func request(_ method: String = "POST", path: String = "/v1/bookings", peer: String,
                        forwardedFor: String? = nil) -> HTTPRequest {
        var request = HTTPRequest(method: method, target: path, path: path, query: [], minorVersion: 1,
                                  headers: forwardedFor.map { [("x-forwarded-for", $0)] } ?? [], body: [])
        request.peer = ClientAddress(text: peer)
        return request
    }

    static func limiter(_ configure: (inout RateLimiter.Configuration) -> Void = { _ in }) -> RateLimiter {
        var configuration = RateLimiter.Configuration()
        configuration.writes = .init(perMinute: 60, burst: 3)
        configuration.reads = .init(perMinute: 600, burst: 5)
        configure(&configuration)
        return RateLimiter(configuration: configuration)
    }

    @Test func aBurstThenTheRefillRate() {
        let limiter = Self.limiter()
        let write = Self.request(peer: "203.0.113.7")
        for _ in 0..<3 { #expect(limiter.admit(write, nowSeconds: 100) == .admitted) }
        guard case .refused(let wait, let policy, let state) = limiter.admit(write, nowSeconds: 100) else {
            Issue.record("the fourth write in the same second is refused")
            return
        }
        #expect(wait == 1 && policy == "\"writes\";q=60;w=60" && state == "\"writes\";r=0;t=1")
        // 60 a minute: one more token a second.
        #expect(limiter.admit(write, nowSeconds: 101) == .admitted)
        #expect(limiter.admit(write, nowSeconds: 101) != .admitted)
        // Reads have their own budget; other addresses theirs.
        #expect(limiter.admit(Self.request("GET", path: "/v1/availability", peer: "203.0.113.7"), nowSeconds: 101) == .admitted)
        #expect(limiter.admit(Self.request(peer: "203.0.113.8"), nowSeconds: 101) == .admitted)
        // Health checks are never limited.
        for _ in 0..<10 { #expect(limiter.admit(Self.request("GET", path: "/healthz", peer: "203.0.113.7"), nowSeconds: 101) == .admitted) }
        #expect(limiter.refused == 2)
    }

    @Test func ipv6CountsBySlash64() {
        let limiter = Self.limiter()
        for host in 1...3 { #expect(limiter.admit(Self.request(peer: "2001:db8:1:2::\(host)"), nowSeconds: 0) == .admitted) }
        #expect(limiter.admit(Self.request(peer: "2001:db8:1:2:ffff::9"), nowSeconds: 0) != .admitted, "same /64")
        #expect(limiter.admit(Self.request(peer: "2001:db8:1:3::1"), nowSeconds: 0) == .admitted, "another /64")
        #expect(ClientAddress(text: "::ffff:192.0.2.1") == ClientAddress(text: "192.0.2.1"))
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() {
        let limiter = Self.limiter { $0.trustedProxies = [ClientAddress(text: "10.0.0.1")!] }
        // Through the trusted proxy, each citizen has a budget.
        for citizen in 1...4 {
            for _ in 0..<3 {
                #expect(limiter.admit(Self.request(peer: "10.0.0.1", forwardedFor: "198.51.100.\(citizen), 10.0.0.1"),
                                      nowSeconds: 0) == .admitted)
            }
        }
        // From anyone else the header is ignored: the peer pays.
        for index in 0..<3 {
            #expect(limiter.admit(Self.request(peer: "192.0.2.9", forwardedFor: "198.51.100.\(50 + index)"), nowSeconds: 0) == .admitted)
        }
        #expect(limiter.admit(Self.request(peer: "192.0.2.9", forwardedFor: "198.51.100.99"), nowSeconds: 0) != .admitted)
        // A garbled header through the proxy counts against the proxy.
        #expect(limiter.client(of: Self.request(peer: "10.0.0.1", forwardedFor: "nonsense")) == ClientAddress(text: "10.0.0.1"))
        // The proxy appends the address it saw to what the client sent: the client's own entries are not believed.
        let made = "203.0.113.7, 203.0.113.8, 198.51.100.5, 10.0.0.1"
        #expect(limiter.client(of: Self.request(peer: "10.0.0.1", forwardedFor: made)) == ClientAddress(text: "198.51.100.5"))
        for index in 0..<3 {
            #expect(limiter.admit(Self.request(peer: "10.0.0.1", forwardedFor: "192.0.2.\(index), 198.51.100.77"), nowSeconds: 0) == .admitted)
        }
        #expect(limiter.admit(Self.request(peer: "10.0.0.1", forwardedFor: "192.0.2.200, 198.51.100.77"), nowSeconds: 0) != .admitted)
        #expect(limiter.client(of: Self.request(peer: "10.0.0.1", forwardedFor: "198.51.100.5, garbled")) == ClientAddress(text: "10.0.0.1"))
        // A proxy that adds a line of its own rather than extending the client's: the lines are one list.
        var twoLines = Self.request(peer: "10.0.0.1", forwardedFor: "203.0.113.9")
        twoLines = HTTPRequest(method: twoLines.method, target: twoLines.target, path: twoLines.path, query: [], minorVersion: 1,
                               headers: twoLines.headers + [("x-forwarded-for", "198.51.100.6")], body: [])
        twoLines.peer = ClientAddress(text: "10.0.0.1")
        #expect(limiter.client(of: twoLines) == ClientAddress(text: "198.51.100.6"))
    }

    /// A trusted IPv6 proxy is that address, not its /64: a neighbour in a shared subnet names no clients.
    @Test func aTrustedIPv6ProxyIsTrustedAloneNotItsNeighbours() {
        let limiter = Self.limiter { $0.trustedProxies = [ClientAddress(text: "2001:db8:0:1::10")!] }
        #expect(limiter.client(of: Self.request(peer: "2001:db8:0:1::10", forwardedFor: "198.51.100.5")) == ClientAddress(text: "198.51.100.5"))
        #expect(limiter.client(of: Self.request(peer: "2001:db8:0:1::11", forwardedFor: "198.51.100.5")) == ClientAddress(text: "2001:db8:0:1::11"))
    }

    @Test func memoryIsBounded() {
        let limiter = Self.limiter { $0.bucketsMax = 64 }
        for index in 0..<10_000 {
            _ = limiter.admit(Self.request(peer: "198.\(index / 65_536 % 256).\(index / 256 % 256).\(index % 256)"),
                              nowSeconds: Double(index) / 1_000)
        }
        #expect(limiter.bucketCount <= 64)
    }

    @Test func aServerAnswers429WithTheDraftsFields() throws {
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        configuration.loopCount = 1
        configuration.workerThreads = 2
        configuration.rateLimiter = Self.limiter()
        let server = try HTTPServer(configuration: configuration) { _ in HTTPResponse(status: 204, headers: [], body: []) }
        TestThreads.start(server.loops)
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        for _ in 0..<3 { #expect(try client.send("POST", "/v1/bookings", body: "{}").status == 204) }
        let refused = try client.send("POST", "/v1/bookings", body: "{}")
        #expect(refused.status == 429)
        #expect(refused.header("Content-Type") == "application/problem+json")
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.header("RateLimit-Policy") == "\"writes\";q=60;w=60")
        #expect(refused.header("RateLimit")?.hasPrefix("\"writes\";r=0;t=") == true)
        #expect(refused.json["type"] as? String == "urn:termin:problem:rate-limited")
        #expect(try client.send("GET", "/v1/anything").status == 204, "reads still pass")
    }
}
