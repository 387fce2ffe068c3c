import Dispatch
import Foundation
import Synchronization
import TerminCore
import TerminPostgres
import TerminStore
import TerminTestSupport

/// `failover`: two `termin serve` instances on a Patroni-managed pair of PostgreSQL nodes (`PatroniCluster`: etcd,
/// synchronous replication that never falls back to asynchronous), booked under load; halfway the primary's postgres
/// is killed with SIGKILL and Patroni promotes the standby.
///
/// Each client books at Munich's citizen offices through one of the two instances, with an `Idempotency-Key` on every
/// booking; an answer that does not come (a dropped connection), a 503 or a time-out is retried with the same key
/// until the booking is answered (201, or 409 when the time went to someone else). Checks in PostgreSQL on the new
/// primary: every acknowledged booking is there as answered, no desk is booked twice, and no key has two bookings;
/// every retried key was answered with its booking. Reports the time from the kill to the promotion and to the first
/// 201 after it, and bookings per second before and after.
///
/// A release round for Personalausweis at Orleansplatz collects requests meanwhile and closes at the moment of the
/// kill: it must close exactly once, every request with its outcome, every served one with its booking.
struct Failover {
    /// Requests sent to the release round that closes at the kill.
    static let roundRequests = 120
    /// How long the other instance may take to hear of the round (announced on the ledger channel).
    static let roundSettleSeconds = 0.5
    /// Longest a client retries one booking before it gives up (and the run fails).
    static let retrySecondsMax = 60.0
    static let offices = Month.citizenOffices.map(\.office)
    static let services = Month.citizenServices.map(\.service)

    let clients: Int
    /// Seconds of load; the primary is killed after half of them.
    let seconds: Double

    struct Result {
        let seconds: Double
        let invariants: [Invariants.Result]
        let figures: [String: String]
    }

    struct Booking: Sendable {
        let key: String
        let id: String
        /// Uptime nanoseconds.
        let sentAt: UInt64, answeredAt: UInt64
        let retried: Bool
    }

    /// One client's acknowledged bookings.
    struct Acknowledged: Sendable {
        /// Each booking's key and id, when its last attempt was sent and answered, and whether it needed a retry.
        var bookings: [Booking] = []
        var gaveUp = 0
    }

    func run(directory: String, outcomes: Outcomes) throws -> Result {
        let cluster = try PatroniCluster(directory: directory + "/patroni")
        defer { cluster.stop() }
        let database = "termin_failover"
        _ = try PostgresConnection(conninfo: cluster.conninfo(database: "postgres")).execute("CREATE DATABASE \(database)")
        let conninfo = cluster.conninfo(database: database)
        let setup = try PostgresConnection(conninfo: conninfo)
        try Migrator().migrate(setup)
        try Seeder.seed(setup)
        let servers = try (0..<2).map { index in
            try ServerProcess(serving: ["--port", "0", "--database-url", conninfo, "--quiet"], logFile: directory + "/server\(index + 1).log")
        }
        defer {
            for server in servers {
                server.kill(SIGTERM)
                _ = try? server.wait()
            }
        }
        let ports = servers.map(\.port)
        let from = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970) + 86_400)).date
        let round = try Self.openRound(closingIn: Self.roundSettleSeconds + seconds / 2, ports: ports, setup)

        let acknowledged = Mutex<[Acknowledged]>([])
        let doing = Doing()
        let done = DispatchGroup()
        let began = DispatchTime.now().uptimeNanoseconds
        let deadline = began + UInt64(seconds * 1e9)
        for index in 0..<clients {
            done.enter()
            Thread {
                let (report, mine) = Self.client(index, port: ports[index % 2], from: from, deadline: deadline, doing: doing)
                outcomes.add(report)
                acknowledged.withLock { $0.append(mine) }
                done.leave()
            }.start()
        }
        let requests = Mutex<[(id: String, code: String)]>([])
        let placedAtOnce = Mutex<[Outcomes.Told]>([])
        done.enter()
        Thread {
            let http = TestHTTPClient.lazy(port: ports[1])
            for index in 0..<Self.roundRequests {
                let body = #"{"services":[{"id":\#(Bots.service)}],"offices":[\#(Bots.office)],"windows":[{"from":"\#(round.from)","to":"\#(round.to)"}],"#
                    + #""contact":{"name":"Runde \#(index)","email":"runde\#(index)@example.org"}}"#
                guard let answer = try? http.send("POST", "/v1/requests", body: body) else { continue }
                if answer.status == 202, let id = answer.json["id"] as? String, let code = answer.json["code"] as? String {
                    requests.withLock { $0.append((id, code)) }
                } else if answer.status == 201, let id = answer.json["id"] as? String, let start = answer.json["start"] as? String {
                    // Placed at once: the instance did not know the round yet.
                    placedAtOnce.withLock { $0.append(.init(id: id, kind: "booking", start: start, office: Bots.office)) }
                }
            }
            done.leave()
        }.start()
        // Halfway: the primary's postgres killed; Patroni promotes the standby.
        Thread.sleep(forTimeInterval: seconds / 2)
        let killed = try cluster.killPrimaryPostgres()
        let killedAt = DispatchTime.now().uptimeNanoseconds, killedAtWall = Date().timeIntervalSince1970
        let promotionSeconds = try cluster.waitForPrimary(1 - killed)
        do {
            try waitForAll(done, seconds: seconds + Self.retrySecondsMax + 30, "the failover's clients")
        } catch {
            let states = doing.states.withLock { $0 }.sorted { $0.key < $1.key }.map { "client \($0.key): \($0.value)" }
            throw PatroniCluster.Failure(description: "\(error); what the clients were doing: " + states.joined(separator: "; "))
        }
        let ended = DispatchTime.now().uptimeNanoseconds
        let roundClosed = try Self.waitForReport(round.id, ports: ports)
        let roundTold = Self.readRequests(requests.withLock { $0 }, port: ports[1])

        let all = acknowledged.withLock { $0 }
        let bookings = all.flatMap(\.bookings)
        let told = outcomes.all.flatMap(\.told) + roundTold + placedAtOnce.withLock { $0 }
        let catalog = try CatalogRepository.load(try PostgresConnection(conninfo: conninfo))   // the new primary
        var invariants = try Invariants.check(conninfo: conninfo, catalog: catalog, told: told)
        invariants += try Self.checkKeys(bookings, gaveUp: all.reduce(0) { $0 + $1.gaveUp }, conninfo: conninfo)
        let (roundResult, roundFigure) = try Self.checkRound(round.id, requested: requests.withLock { $0.count }, closed: roundClosed,
                                                              killedAt: killedAtWall, conninfo: conninfo)
        invariants.append(roundResult)
        // The first booking asked for after the kill and acknowledged (one in flight at the kill may be answered sooner).
        let firstAfter = bookings.filter { $0.sentAt > killedAt }.map(\.answeredAt).min()
        func rate(_ from: UInt64, _ to: UInt64) -> String {
            let count = bookings.count { $0.answeredAt >= from && $0.answeredAt < to }
            return String(format: "%.0f/s (%d in %.1f s)", Double(count) / (Double(to - from) / 1e9), count, Double(to - from) / 1e9)
        }
        return Result(seconds: Double(ended - began) / 1e9, invariants: invariants, figures: [
            "nodes": "2 (Patroni \(PatroniCluster.ttlSeconds) s leader TTL, synchronous_mode_strict), 2 Termin instances, \(clients) clients",
            "killed": "node \(killed + 1)'s postgres (SIGKILL) after \(String(format: "%.1f", Double(killedAt - began) / 1e9)) s",
            "promotion (kill to the standby answering as primary)": String(format: "%.2f s", promotionSeconds),
            "kill to the first 201 of a booking asked for after it": firstAfter.map { String(format: "%.2f s", Double($0 - killedAt) / 1e9) } ?? "none",
            "bookings before the kill": rate(began, killedAt),
            "bookings after that first 201": firstAfter.map { rate($0, ended) } ?? "none",
            "bookings answered only after a retry": String(bookings.count(where: \.retried)),
            "release round closing at the kill": roundFigure,
        ])
    }

    /// What each client is doing, to say where a run that does not end is stuck.
    final class Doing: Sendable { let states = Mutex<[Int: String]>([:]) }

    /// One client: a free time at a citizen office, booked with a key; retried with the same key until answered.

    static func client(_ index: Int, port: Int, from: LocalDate, deadline: UInt64, doing: Doing) -> (Outcomes.ThreadReport, Acknowledged) {
        var report = Outcomes.ThreadReport(), mine = Acknowledged()
        let http = TestHTTPClient.lazy(port: port)
        var random = SeededRandom(seed: UInt64(index) &+ 7)
        var sequence = 0
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let office = offices[random.below(offices.count)], service = services[random.below(services.count)]
            let day = from.adding(days: random.below(14))
            var began = DispatchTime.now().uptimeNanoseconds
            doing.states.withLock { $0[index] = "availability at \(Date())" }
            guard let times = try? http.send("GET", "/v1/availability?office=\(office)&service=\(service)&from=\(day)&to=\(day)") else {
                report.transportRetries += 1
                usleep(50_000)
                continue
            }
            report.record("availability", times, began: began)
            guard times.status == 200, let starts = times.availabilityDays.first?.starts, !starts.isEmpty else { continue }
            let start = starts[random.below(starts.count)]
            sequence += 1
            let key = "failover-\(index)-\(sequence)"
            let body = #"{"office":\#(office),"start":"\#(start)","services":[{"id":\#(service),"quantity":1}]}"#
            let giveUpAt = DispatchTime.now().uptimeNanoseconds + UInt64(retrySecondsMax * 1e9)
            var attempts = 0
            while true {
                attempts += 1
                began = DispatchTime.now().uptimeNanoseconds
                doing.states.withLock { $0[index] = "POST \(key) attempt \(attempts) at \(Date())" }
                guard let answer = try? http.send("POST", "/v1/bookings", headers: ["Idempotency-Key": key], body: body) else {
                    report.transportRetries += 1
                    if began > giveUpAt { mine.gaveUp += 1; break }
                    usleep(50_000)
                    continue
                }
                report.record("booking", answer, began: began)
                if answer.status == 201, let id = answer.json["id"] as? String {
                    report.told.append(.init(id: id, kind: "booking", start: start, office: office))
                    report.booked += 1
                    mine.bookings.append(Booking(key: key, id: id, sentAt: began, answeredAt: DispatchTime.now().uptimeNanoseconds,
                                                 retried: attempts > 1))
                    break
                }
                if answer.status < 500 { break }   // the time is taken, or not to be had: answered
                if began > giveUpAt { mine.gaveUp += 1; break }
            }
        }
        return (report, mine)
    }

    /// A release round for Personalausweis at Orleansplatz on a Tuesday a week ahead, 08:00-09:00, open now and closing
    /// in `closingIn` seconds; made by an admin through the API.
    static func openRound(closingIn: Double, ports: [Int], _ db: PostgresConnection) throws -> (id: Int, from: String, to: String) {
        let token = "failover-admin-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        _ = try db.query("""
            INSERT INTO staff_account (name, role, office_ids, token_sha256, created_at)
            VALUES ('Failover admin', 'admin', '{}', sha256(convert_to($1, 'UTF8')), now())
            """, [token])
        let day = Bots.releaseDay(), now = Date().timeIntervalSince1970
        let round = try TestHTTPClient.lazy(port: ports[0]).send("POST", "/v1/rounds", headers: ["Authorization": "Bearer \(token)"], body: """
            {"name":"Personalausweis \(day)","offices":[\(Bots.office)],"services":[\(Bots.service)],"first_date":"\(day)",
             "last_date":"\(day)","opens_at":"\(Bots.format(now - 1))","closes_at":"\(Bots.format(now + closingIn))"}
            """)
        guard round.status == 201, let id = round.json["id"] as? Int else {
            throw PatroniCluster.Failure(description: "the round was not created: \(round.status) \(round.text)")
        }
        // Requests go to the other instance: once it heard of the round, they are collected, not placed at once.
        Thread.sleep(forTimeInterval: roundSettleSeconds)
        return (id, "\(day)T08:00:00+01:00", "\(day)T09:00:00+01:00")
    }

    /// Each request's state as its citizen reads it after the close (with its code); the served ones' bookings.
    static func readRequests(_ requests: [(id: String, code: String)], port: Int) -> [Outcomes.Told] {
        let http = TestHTTPClient.lazy(port: port)
        return requests.compactMap { id, code in
            // As a citizen would, again after a 503 or a dropped connection (a pooled connection of the old primary's).
            for _ in 0..<20 {
                guard let state = try? http.send("GET", "/v1/requests/\(id)", headers: ["Authorization": "Booking \(code)"]),
                      state.status == 200 else { usleep(100_000); continue }
                guard let booking = state.json["booking"] as? [String: Any], let bookingID = booking["id"] as? String,
                      let start = booking["start"] as? String else { return nil }
                return Outcomes.Told(id: bookingID, kind: "booking", start: start, office: Bots.office)
            }
            return nil
        }
    }

    /// Waits (at most 60 s) until either instance reports the round closed; whether one did.
    static func waitForReport(_ id: Int, ports: [Int]) throws -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            for port in ports where (try? TestHTTPClient.lazy(port: port).send("GET", "/v1/rounds/\(id)"))?.json["report"] != nil { return true }
            usleep(200_000)
        }
        return false
    }

    /// The round closed once, with an outcome for every request and a live booking for every served one.
    static func checkRound(_ id: Int, requested: Int, closed: Bool, killedAt: Double, conninfo: String) throws -> (Invariants.Result, String) {
        let db = try PostgresConnection(conninfo: conninfo)
        let row = try db.query("""
            SELECT count(*), count(*) FILTER (WHERE r.outcome = 'collected'), count(*) FILTER (WHERE r.outcome = 'served'),
                   count(*) FILTER (WHERE r.outcome = 'served' AND a.status = 'confirmed')
            FROM round_request r LEFT JOIN appointment a ON a.id = r.appointment_id WHERE r.round_id = $1
            """, [String(id)]).rows[0].map { Int($0 ?? "") ?? -1 }
        let (stored, open, served, booked) = (row[0], row[1], row[2], row[3])
        let closedAt = Double(try db.query("SELECT extract(epoch FROM closed_at) FROM release_round WHERE id = $1", [String(id)]).scalar ?? "")
        let held = closed && stored == requested && open == 0 && served == booked
        return (.init(name: "the round closing at the kill closed once: every request decided, every served one booked", held: held,
                      detail: "closed \(closed), \(requested) requests accepted, \(stored) stored, \(open) undecided, "
                          + "\(served) served, \(booked) of them booked"),
                "\(served) of \(stored) requests served, closed "
                    + (closedAt.map { String(format: "%+.2f s", $0 - killedAt) } ?? "never") + " from the kill")
    }

    /// Every acknowledged key has exactly its booking in PostgreSQL, and no client gave up on a booking.
    static func checkKeys(_ bookings: [Booking], gaveUp: Int, conninfo: String) throws
        -> [Invariants.Result] {
        let db = try PostgresConnection(conninfo: conninfo)
        let key = PostgresColumn("idempotency_key", PostgresText.text), id = PostgresColumn("id::text", PostgresText.text)
        let stored = try db.select(PostgresSelection(key, id), "FROM appointment WHERE idempotency_key LIKE 'failover-%'") {
            row throws(PostgresError) in (try row[key], try row[id])
        }
        let byKey = Dictionary(grouping: stored, by: \.0)
        let twice = byKey.values.count { $0.count > 1 }
        let wrong = bookings.count { booking in byKey[booking.key]?.map(\.1) != [booking.id] }
        let retried = bookings.filter(\.retried)
        return [
            .init(name: "no key has two bookings, and every acknowledged key has exactly its booking", held: twice == 0 && wrong == 0,
                  detail: "\(byKey.count) keys stored, \(twice) with two bookings, \(wrong) acknowledged keys without their booking"),
            .init(name: "every client retry was answered (none gave up)", held: gaveUp == 0,
                  detail: "\(retried.count) bookings answered after a retry, \(gaveUp) given up after \(Int(retrySecondsMax)) s"),
        ]
    }
}
