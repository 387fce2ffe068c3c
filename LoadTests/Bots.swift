import Dispatch
import Foundation
import Synchronization
import TerminAPI
import TerminCore
import TerminPostgres
import TerminTestSupport

/// `bots`: a scarce release at Orleansplatz (Personalausweis, 08:00–09:00 of one day, a week ahead) raced by citizens
/// with human think times (one identity and address each, 127.1.x.y) and 20 bots with no think time (many identities,
/// one address each, 127.0.0.2–127.0.0.21), three ways: first come first served without controls, first come first
/// served with the controls (per-address rate limits and proof of work), and a release round. Reports each group's
/// share and success rate; fails when, with a round, a bot identity's chance is clearly better than a citizen's.
struct Bots {
    static let office = 102522
    static let service = 1063441
    static let botCount = 20

    enum Mode: String, CaseIterable {
        case open = "first come, no controls"
        case controlled = "first come, rate limits + proof of work + identity caps"
        case round = "release round"

        /// `termin serve`'s arguments for the mode.
        var serverArguments: [String] {
            switch self {
            case .open: ["--rate-limit", "off"]
            case .round: ["--rate-limit", "off", "--identity-caps", "on"]
            case .controlled: ["--rate-limit", "on", "--writes-per-minute", "6", "--reads-per-minute", "120",
                               "--proof-of-work", "on", "--pow-max-number", "20000", "--identity-caps", "on"]
            }
        }
    }

    struct Result {
        let mode: Mode
        var botTried = 0, botWon = 0, citizenTried = 0, citizenWon = 0
        var botShare: Double { Double(botWon) / Double(max(1, botWon + citizenWon)) }
        var botRate: Double { Double(botWon) / Double(max(1, botTried)) }
        var citizenRate: Double { Double(citizenWon) / Double(max(1, citizenTried)) }
    }

    let citizens: Int
    let identitiesPerBot: Int
    /// Seconds citizens take to arrive (spread evenly) and a round stays open.
    let arrivalSeconds: Double

    /// The release day: a Tuesday at least a week ahead (inside the 42-day horizon).
    static func releaseDay() -> LocalDate {
        var day = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))).date.adding(days: 7)
        while day.isoWeekday != 2 { day = day.adding(days: 1) }
        return day
    }

    func run(_ mode: Mode, directory: String) throws -> Result {
        let harness = try Harness(directory: directory, serverArguments: mode.serverArguments)
        defer { harness.stop() }
        let day = Self.releaseDay()
        let from = "\(day)T08:00:00+01:00", to = "\(day)T09:00:00+01:00"
        var roundID: Int?
        if mode == .round {
            let token = "load-admin-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let db = try PostgresConnection(conninfo: harness.conninfo)
            _ = try db.query("""
                INSERT INTO staff_account (name, role, office_ids, token_sha256, created_at)
                VALUES ('Load admin', 'admin', '{}', sha256(convert_to($1, 'UTF8')), now())
                """, [token])
            let now = Date().timeIntervalSince1970
            let round = try TestHTTPClient.lazy(port: harness.port).send("POST", "/v1/rounds", headers: ["Authorization": "Bearer \(token)"], body: """
                {"name":"Personalausweis \(day)","offices":[\(Self.office)],"services":[\(Self.service)],"first_date":"\(day)",
                 "last_date":"\(day)","opens_at":"\(Self.format(now - 1))","closes_at":"\(Self.format(now + arrivalSeconds + 8))"}
                """)
            guard round.status == 201, let id = round.json["id"] as? Int else {
                throw TestHTTPClient.Failure(description: "the round was not created: \(round.status) \(round.text)")
            }
            roundID = id
        }
        let result = Mutex(Result(mode: mode))
        let start = DispatchGroup(), done = DispatchGroup()
        start.enter()
        let port = harness.port, arrival = arrivalSeconds, identities = identitiesPerBot, citizens = citizens
        for citizen in 0..<citizens {
            done.enter()
            let thread = Thread {
                start.wait()
                // Arrive, look, think, act: a person.
                usleep(UInt32(Double(citizen) / Double(citizens) * arrival * 1_000_000))
                let client = TestHTTPClient.lazy(port: port, source: "127.1.\(citizen / 250).\(1 + citizen % 250)")
                let won = Self.attempt(client, mode: mode, from: from, to: to, email: "citizen-\(citizen)@example.org",
                                       thinkSeconds: 1 + Double(citizen % 7) / 2, retries: 3)
                result.withLock { $0.citizenTried += 1; if won { $0.citizenWon += 1 } }
                done.leave()
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
        for bot in 0..<Self.botCount {
            done.enter()
            Thread {
                start.wait()
                let client = TestHTTPClient.lazy(port: port, source: "127.0.0.\(2 + bot)")
                for identity in 0..<identities {
                    let won = Self.attempt(client, mode: mode, from: from, to: to, email: "bot-\(bot)-\(identity)@bot.example",
                                           thinkSeconds: 0, retries: 20)
                    result.withLock { $0.botTried += 1; if won { $0.botWon += 1 } }
                }
                done.leave()
            }.start()
        }
        start.leave()
        try waitForAll(done, seconds: arrivalSeconds + 600, "the citizens and bots")
        guard let roundID else { return result.withLock { $0 } }
        // The round closes on the server's own loop: wait for its report, then count outcomes in PostgreSQL.
        let client = TestHTTPClient.lazy(port: port)
        let deadline = Date().addingTimeInterval(arrivalSeconds + 60)
        while (try? client.send("GET", "/v1/rounds/\(roundID)"))?.json["report"] == nil, Date() < deadline { usleep(200_000) }
        let db = try PostgresConnection(conninfo: harness.conninfo)
        var counted = Result(mode: mode)
        for row in try db.query("""
            SELECT contact_email LIKE '%@bot.example', count(*), count(*) FILTER (WHERE outcome = 'served')
            FROM round_request WHERE round_id = $1 GROUP BY 1
            """, [String(roundID)]).rows {
            if row[0] == "t" { counted.botTried = Int(row[1]!)!; counted.botWon = Int(row[2]!)! }
            else { counted.citizenTried = Int(row[1]!)!; counted.citizenWon = Int(row[2]!)! }
        }
        return counted
    }

    static func format(_ seconds: Double) -> String { BerlinTime.format(Instant(secondsSinceEpoch: Int64(seconds))) }

    /// One identity's try: in a round, one request; first come, the free times, then a booking of one of the
    /// earliest in the window (again after a 409, up to `retries`), solving a challenge first when one is asked for
    /// and waiting out a 429's Retry-After. Whether it got (or, in a round, sent) its appointment.
    static func attempt(_ client: TestHTTPClient, mode: Mode, from: String, to: String, email: String,
                        thinkSeconds: Double, retries: Int) -> Bool {
        func pause(_ seconds: Double) { if seconds > 0 { usleep(UInt32(seconds * 1_000_000)) } }
        func altcha() -> [String: String] {
            guard mode == .controlled, let challenge = try? client.send("GET", "/v1/challenge"), challenge.status == 200,
                  let solution = ProofOfWork.solve(challenge.value) else { return [:] }
            return ["Altcha": solution]
        }
        let contact = #""contact":{"name":"Load","email":"\#(email)"}"#
        if mode == .round {
            pause(thinkSeconds)
            let body = #"{"services":[{"id":\#(service)}],"offices":[\#(office)],"windows":[{"from":"\#(from)","to":"\#(to)"}],\#(contact)}"#
            return (try? client.send("POST", "/v1/requests", body: body))?.status == 202
        }
        let day = String(from.prefix(10))
        for _ in 0...retries {
            guard let free = try? client.send("GET", "/v1/availability?office=\(office)&service=\(service)&from=\(day)&to=\(day)") else { return false }
            if free.status == 429 { pause(Double(free.header("Retry-After") ?? "1") ?? 1); continue }
            let starts = free.availabilityDays.first?.starts.filter { $0 >= from && $0 < to } ?? []
            guard !starts.isEmpty else { return false }
            pause(thinkSeconds)
            let start = thinkSeconds > 0 ? starts.prefix(5).randomElement()! : starts[0]
            let body = #"{"office":\#(office),"start":"\#(start)","services":[{"id":\#(service)}],\#(contact)}"#
            guard let booked = try? client.send("POST", "/v1/bookings", headers: altcha(), body: body) else { return false }
            if booked.status == 201 { return true }
            if booked.status == 429 { pause(Double(booked.header("Retry-After") ?? "1") ?? 1) }
            pause(thinkSeconds / 2)
        }
        return false
    }

    /// Runs the three modes; prints the table; the failures (empty when the targets hold).
    func runAll(directory: String) throws -> [String] {
        var results: [Result] = []
        for (index, mode) in Mode.allCases.enumerated() {
            results.append(try run(mode, directory: directory + "/\(index)"))
        }
        print("bots: \(citizens) citizens, \(Self.botCount) bots × \(identitiesPerBot) identities, Personalausweis 08:00–09:00 at Orleansplatz")
        print("  " + "mode".padding(toLength: 58, withPad: " ", startingAt: 0)
              + "slots  bots' share  bot success  citizen success  citizens unserved")
        for result in results {
            print("  " + result.mode.rawValue.padding(toLength: 58, withPad: " ", startingAt: 0)
                  + String(format: "%5d  %10.0f %%  %9.1f %%  %13.1f %%  %17d", result.botWon + result.citizenWon,
                           100 * result.botShare, 100 * result.botRate, 100 * result.citizenRate,
                           result.citizenTried - result.citizenWon))
        }
        var failures: [String] = []
        if let open = results.first(where: { $0.mode == .open }), open.botShare <= 0.5 {
            failures.append("without controls the bots took only \(Int(100 * open.botShare)) % (expected most)")
        }
        if let round = results.first(where: { $0.mode == .round }) {
            // A bot identity's chance is no better than a citizen's, up to 4 standard deviations of the bots' rate.
            let p = round.citizenRate
            let sigma = (p * (1 - p) / Double(max(1, round.botTried))).squareRoot()
            if round.botRate > p + 4 * sigma + 0.01 {
                failures.append(String(format: "with a round a bot identity won %.1f %%, a citizen %.1f %%", 100 * round.botRate, 100 * p))
            }
            if round.citizenTried != citizens || round.botTried != Self.botCount * identitiesPerBot {
                failures.append("the round collected \(round.citizenTried) citizens' and \(round.botTried) bots' requests")
            }
        }
        return failures
    }
}
