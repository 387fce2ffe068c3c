import Dispatch
import Foundation
import Glibc
import Synchronization
import TerminCore
import TerminEngine
import TerminPostgres
import TerminStore
import TerminTestSupport

/// `lifecycle`: an appointment's life after booking, against a real SMTP server on loopback, with the server killed
/// (SIGKILL) and restarted halfway.
///
/// Citizens book Personalausweis at Bürgerbüro Orleansplatz, opened around the clock for the run (so that what the
/// run finds free does not depend on the hour it runs at) and give an e-mail address. Of their bookings 15 % are moved
/// (to another free time of the same day), 10 % cancelled, 20 % (those more than 3 days away) join the earlier-time
/// list; a citizen on the list reads it now and then and takes an offer (by moving onto its hold) or leaves it to run
/// out, one in two. While it has room, a fifth
/// of the bookings go to the first start a day ahead (plus a minute or so): their reminders fall due during the run,
/// which lasts until they have. Then the outbox is left to drain and every message is looked for at the SMTP server.
struct Lifecycle {
    static let office = 102522
    static let service = 1063441
    static let moveShare = 0.15
    static let cancelShare = 0.10
    static let earlierShare = 0.20
    static let reminderShare = 0.20
    /// How long a client retries a request the server does not answer (while it restarts), in seconds.
    static let outageSecondsMax = 30.0
    /// How long the outbox may take to drain once the clients are done: a message claimed by the killed server is due
    /// again after the delivery's lease.
    static let drainSecondsMax = Double(OutboxDelivery.Configuration().leaseSeconds) + 90

    let bookings: Int
    let clients: Int

    /// What the citizens did and saw, beyond the statuses.
    struct Tally: Sendable {
        var moved = 0
        var moveRefused = 0
        /// Refused moves after which the booking was not where it had been.
        var refusedMoveChanged = 0
        var cancelled = 0
        var joined = 0
        var offersTaken = 0
        var reminderBand = 0

        mutating func add(_ other: Tally) {
            moved += other.moved
            moveRefused += other.moveRefused
            refusedMoveChanged += other.refusedMoveChanged
            cancelled += other.cancelled
            joined += other.joined
            offersTaken += other.offersTaken
            reminderBand += other.reminderBand
        }
    }

    /// Shared by the clients: bookings made, and whether the reminder band is full.
    final class Shared: Sendable {
        let booked = Atomic<Int>(0)
        let bandFull = Atomic<Bool>(false)
        let tally = Mutex(Tally())
    }

    struct Result {
        let seconds: Double
        let invariants: [Invariants.Result]
        let figures: [String: String]
        let faultApplied: Bool
    }

    /// Runs the scenario on `harness`, whose server mails to `sink`.
    func run(harness: Harness, sink: SMTPSink, outcomes: Outcomes) throws -> Result {
        let port = harness.port
        try Self.openAroundTheClock(harness)
        let began = Date()
        // The reminder band: the first start 24 hours and at least 45 s ahead; its reminders fall due 24 hours before.
        let bandStart = Instant(secondsSinceEpoch: (Int64(began.timeIntervalSince1970) + 86_400 + 45 + 299) / 300 * 300)
        let bandDue = Date(timeIntervalSince1970: TimeInterval(bandStart.secondsSinceEpoch - 86_400))
        let shared = Shared()
        let done = DispatchGroup()
        for index in 0..<clients {
            done.enter()
            Thread {
                outcomes.add(client(index, port: port, shared: shared, bandStart: bandStart, until: bandDue.addingTimeInterval(15)))
                done.leave()
            }.start()
        }
        // Halfway through the bookings: the server is killed and started again on the same port.
        var faultApplied = false
        while shared.booked.load(ordering: .relaxed) < bookings / 2, done.wait(timeout: .now() + .milliseconds(5)) == .timedOut {}
        if shared.booked.load(ordering: .relaxed) >= bookings / 2 {
            try harness.inject(.killServer)
            faultApplied = true
        }
        try waitForAll(done, seconds: 3_600, "the lifecycle's clients")
        let seconds = Date().timeIntervalSince(began)
        let drainBegan = Date()
        let drained = try Self.drain(conninfo: harness.conninfo)
        let drainSeconds = Date().timeIntervalSince(drainBegan)

        let tally = shared.tally.withLock { $0 }
        var invariants = try Invariants.check(conninfo: harness.conninfo, catalog: try harness.catalog(),
                                              told: outcomes.all.flatMap(\.told))
        invariants.append(Invariants.Result(name: "a refused move leaves the booking where it was",
                                            held: tally.refusedMoveChanged == 0,
                                            detail: "\(tally.moveRefused) refused, \(tally.refusedMoveChanged) not where they were"))
        let (messageInvariants, figures) = try Self.checkMessages(conninfo: harness.conninfo, sink: sink, drained: drained)
        invariants += messageInvariants
        return Result(seconds: seconds, invariants: invariants, figures: figures.merging([
            "bookings (201)": String(shared.booked.load(ordering: .relaxed)),
            "moved (200)": String(tally.moved), "moves refused (409)": String(tally.moveRefused),
            "cancelled": String(tally.cancelled), "joined the earlier-time list": String(tally.joined),
            "offers taken": String(tally.offersTaken), "booked into the reminder band": String(tally.reminderBand),
            "outbox drained after the clients, s": String(format: "%.1f", drainSeconds),
        ]) { $1 }, faultApplied: faultApplied)
    }

    /// Opens the office every day from 00:00 to 24:00 on all its desks, through the master-data API as an admin.
    static func openAroundTheClock(_ harness: Harness) throws {
        let token = try harness.staffToken(name: "Load test", role: .admin)
        let db = try PostgresConnection(conninfo: harness.conninfo)
        let desks = Int(try db.query("SELECT count(*) FROM desk WHERE office_id = $1", [String(office)]).scalar ?? "") ?? 1
        let answer = try TestHTTPClient(port: harness.port).send("PUT", "/v1/offices/\(office)/opening-rules",
                                                                 headers: ["Authorization": "Bearer \(token)"], body: """
            {"rules":[{"weekdays":[1,2,3,4,5,6,7],"valid_from":"2000-01-01","opens":"00:00","closes":"24:00","staffed_desks":\(desks)}]}
            """)
        guard answer.status == 200 else { throw Wait.TimedOut(description: "the office could not be opened: \(answer.text)") }
    }

    /// One citizen after another, until the bookings are made and the reminder band is due.
    func client(_ index: Int, port: Int, shared: Shared, bandStart: Instant, until end: Date) -> Outcomes.ThreadReport {
        var report = Outcomes.ThreadReport()
        var tally = Tally()
        let http = TestHTTPClient.lazy(port: port)
        var system = SystemRandomNumberGenerator()
        var generator = SeededRandom(seed: system.next())
        var waiting: [(id: String, code: String)] = []
        /// Offers left to run out: not taken later either.
        var left: Set<String> = []
        var sequence = 0
        /// Set when the server did not answer for `outageSecondsMax`: the citizen gives up (counted as abandoned).
        var serverGone = false
        /// A request, retried while the server does not answer (every one of them is safe to repeat).
        func call(_ endpoint: String, _ method: String, _ target: String, body: String? = nil,
                  headers: [String: String] = [:]) -> TestHTTPClient.Response? {
            let deadline = Date().addingTimeInterval(Self.outageSecondsMax)
            while true {
                let began = DispatchTime.now().uptimeNanoseconds
                if let response = try? http.send(method, target, headers: headers, body: body), response.status != 503 {
                    report.record(endpoint, response, began: began)
                    return response
                }
                guard Date() < deadline else {
                    report.transportErrors += 1
                    serverGone = true
                    return nil
                }
                report.transportRetries += 1
                usleep(50_000)
            }
        }
        func codeHeader(_ code: String) -> [String: String] { ["Authorization": "Booking \(code)"] }
        func starts(on day: LocalDate) -> [String] {
            call("availability", "GET", "/v1/availability?office=\(Self.office)&service=\(Self.service)&from=\(day)&to=\(day)")?
                .availabilityDays.first?.starts ?? []
        }
        /// Moves a booking to another free start of its day; a refusal must leave it where it was.
        func move(_ booking: (id: String, code: String), from start: String, on day: LocalDate) {
            guard let target = starts(on: day).filter({ $0 != start }).randomElement(using: &generator),
                  let moved = call("move", "POST", "/v1/bookings/\(booking.id)/move", body: #"{"start":"\#(target)"}"#,
                                   headers: codeHeader(booking.code)) else { return }
            if moved.status == 200 {
                report.told.append(.init(id: booking.id, kind: "moved", start: target, office: Self.office))
                tally.moved += 1
            } else if moved.status == 409 {
                tally.moveRefused += 1
                let read = call("read", "GET", "/v1/bookings/\(booking.id)", headers: codeHeader(booking.code))
                if read?.json["start"] as? String != start { tally.refusedMoveChanged += 1 }
            }
        }

        /// Reads the first waiting booking's wish; takes every other offer (moving onto its hold), leaves the rest.
        func takeOffer(_ booking: (id: String, code: String)) {
            guard let wish = call("earlier-read", "GET", "/v1/bookings/\(booking.id)/earlier", headers: codeHeader(booking.code)),
                  wish.status == 200, let state = wish.json["state"] as? String else { return }
            waiting.removeFirst()
            switch state {
            case "offered":
                guard let hold = (wish.json["offer"] as? [String: Any])?["hold"] as? String else { return }
                guard !left.contains(hold), Bool.random(using: &generator) else {
                    left.insert(hold)
                    waiting.append(booking)   // left to run out; read again later, for the next offer
                    return
                }
                if let moved = call("move", "POST", "/v1/bookings/\(booking.id)/move", body: #"{"hold":"\#(hold)"}"#,
                                    headers: codeHeader(booking.code)), moved.status == 200 {
                    report.told.append(.init(id: booking.id, kind: "moved", start: moved.json["start"] as? String ?? "",
                                             office: Self.office))
                    tally.offersTaken += 1
                }
            case "waiting":
                waiting.append(booking)   // read again later
            default:
                break
            }
        }

        while !serverGone && (shared.booked.load(ordering: .relaxed) < bookings || Date() < end) {
            guard shared.booked.load(ordering: .relaxed) < bookings else {
                // The bookings are made: only the earlier-time list is read, now and then, while the band comes due.
                if let booking = waiting.first { takeOffer(booking) }
                usleep(100_000)
                continue
            }
            // A start: the reminder band while it has room, else a random one 1 to 20 days ahead.
            let band = !shared.bandFull.load(ordering: .relaxed) && Double.random(in: 0..<1, using: &generator) < Self.reminderShare
            let day = band ? BerlinTime.local(bandStart).date
                : BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))).date
                    .adding(days: Int.random(in: 1...20, using: &generator))
            let free = starts(on: day)
            let bandText = BerlinTime.format(bandStart)
            let choices = band ? free.filter { $0 == bandText } : free
            guard let start = choices.randomElement(using: &generator) else {
                if band { shared.bandFull.store(true, ordering: .relaxed) }
                continue
            }
            sequence += 1
            guard let booked = call("booking", "POST", "/v1/bookings", body: """
                {"office":\(Self.office),"start":"\(start)","services":[{"id":\(Self.service)}],"contact":{"email":"citizen-\(index)-\(sequence)@example.org","language":"en"}}
                """, headers: ["Idempotency-Key": "lifecycle-\(index)-\(sequence)"]),
                  booked.status == 201, let id = booked.json["id"] as? String, let code = booked.json["code"] as? String else { continue }
            report.told.append(.init(id: id, kind: "booking", start: start, office: Self.office))
            report.booked += 1
            shared.booked.add(1, ordering: .relaxed)
            if band { tally.reminderBand += 1 }
            let roll = Double.random(in: 0..<1, using: &generator)
            if roll < Self.moveShare {
                move((id, code), from: start, on: day)
            } else if roll < Self.moveShare + Self.cancelShare {
                if call("cancel", "DELETE", "/v1/bookings/\(id)", headers: codeHeader(code))?.status == 200 {
                    report.told.append(.init(id: id, kind: "cancelled", start: "", office: 0))
                    tally.cancelled += 1
                }
            } else if roll < Self.moveShare + Self.cancelShare + Self.earlierShare,
                      call("earlier", "POST", "/v1/bookings/\(id)/earlier", body: "{}", headers: codeHeader(code))?.status == 201 {
                tally.joined += 1
                waiting.append((id, code))
            }
            if let booking = waiting.first { takeOffer(booking) }
        }
        shared.tally.withLock { $0.add(tally) }
        return report
    }


    /// Waits until no mail waits in the outbox; returns whether it came to that within `drainSecondsMax`.
    static func drain(conninfo: String) throws -> Bool {
        let db = try PostgresConnection(conninfo: conninfo)
        return try Wait.until("the outbox to drain", seconds: drainSecondsMax) {
            try db.query("SELECT count(*) FROM outbox WHERE receiver_id IS NULL AND state = 'pending'").scalar == "0"
        }
    }

    /// The outbox against what changed, and against what the SMTP server received.
    static func checkMessages(conninfo: String, sink: SMTPSink, drained: Bool) throws -> ([Invariants.Result], [String: String]) {
        let db = try PostgresConnection(conninfo: conninfo)
        func count(_ sql: String, _ parameters: [String?] = []) throws -> Int { Int(try db.query(sql, parameters).scalar ?? "") ?? -1 }
        var results: [Invariants.Result] = []
        // Moves are atomic: the desk time held is exactly that of the live appointments, each at its one time.
        let strayTime = try count("""
            SELECT count(*) FROM desk_time d LEFT JOIN appointment a ON a.id = d.appointment_id
            WHERE a.id IS NULL OR a.status NOT IN ('held', 'confirmed') OR d.desk_id <> a.desk_id
               OR d.unit5 < extract(epoch FROM lower(a.span))::bigint / 300 OR d.unit5 >= extract(epoch FROM upper(a.span))::bigint / 300
            """)
        let unheld = try count("""
            SELECT count(*) FROM appointment a WHERE a.status IN ('held', 'confirmed')
              AND (SELECT count(*) FROM desk_time d WHERE d.appointment_id = a.id)
                  <> (extract(epoch FROM upper(a.span))::bigint - extract(epoch FROM lower(a.span))::bigint) / 300
            """)
        results.append(.init(name: "every move atomic: desk time is exactly the live appointments'", held: strayTime == 0 && unheld == 0,
                             detail: "\(strayTime) units held for no live time, \(unheld) live appointments not holding exactly their time"))
        // Every committed change has exactly its messages.
        let wrongMessages = try count("""
            SELECT count(*) FROM appointment a,
              LATERAL (SELECT count(*) FILTER (WHERE kind = 'confirmation') AS confirmations,
                              count(*) FILTER (WHERE kind = 'move') AS moves,
                              count(*) FILTER (WHERE kind = 'cancellation') AS cancellations
                       FROM outbox x WHERE x.appointment_id = a.id AND x.receiver_id IS NULL) m
            WHERE a.contact_email IS NOT NULL AND a.status IN ('confirmed', 'cancelled', 'no_show')
              AND (m.confirmations <> 1 OR m.moves <> a.revision OR m.cancellations <> (a.status = 'cancelled')::int)
            """)
        let offers = try count("SELECT count(*) FROM outbox WHERE kind = 'offer'")
        let offersRecorded = try count("SELECT coalesce(sum(offers), 0) FROM earlier_wish")
        results.append(.init(name: "every committed change has exactly its messages", held: wrongMessages == 0 && offers == offersRecorded,
                             detail: "\(wrongMessages) bookings with other messages than their changes; \(offers) offer mails for "
                                 + "\(offersRecorded) offers"))
        // No reminder for a time cancelled or moved away before the delivery claimed it (its lease ends at due_at).
        let lease = OutboxDelivery.Configuration().leaseSeconds
        let staleReminders = try count("""
            SELECT count(*) FROM outbox r WHERE r.kind = 'reminder' AND r.state = 'sent' AND EXISTS (
              SELECT 1 FROM outbox c WHERE c.appointment_id = r.appointment_id AND c.receiver_id IS NULL
                AND ((c.kind = 'move' AND c.revision > r.revision) OR c.kind = 'cancellation')
                AND c.created_at < r.due_at - make_interval(secs => $1))
            """, [String(lease)])
        let dueUnsent = try count("""
            SELECT count(*) FROM appointment a WHERE a.status = 'confirmed' AND a.contact_email IS NOT NULL
              AND lower(a.span) - interval '24 hours' < now() - interval '5 seconds'
              AND coalesce(a.moved_at, a.confirmed_at) < lower(a.span) - interval '24 hours'
              AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.appointment_id = a.id AND x.kind = 'reminder'
                              AND x.revision = a.revision AND x.state = 'sent')
            """)
        let reminders = try count("SELECT count(*) FROM outbox WHERE kind = 'reminder' AND state = 'sent'")
        results.append(.init(name: "no reminder for a cancelled or moved-away time; every one due sent",
                             held: staleReminders == 0 && dueUnsent == 0,
                             detail: "\(reminders) reminders sent, \(staleReminders) for a time gone, \(dueUnsent) due and not sent"))
        // Every message delivered at least once, told apart by its id, those pending at the kill included.
        var received: [String: Int] = [:]
        for mail in sink.mails { if let id = mail["message_id"] as? String { received[id, default: 0] += 1 } }
        let sent = try db.query("SELECT id FROM outbox WHERE receiver_id IS NULL AND state = 'sent'").rows.compactMap { $0[0] }
        let missing = sent.filter { received["<\($0)@termin>"] == nil }.count
        let unsettled = try count("SELECT count(*) FROM outbox WHERE receiver_id IS NULL AND state IN ('pending', 'dead')")
        let duplicates = received.values.reduce(0) { $0 + max(0, $1 - 1) }
        results.append(.init(name: "every message delivered at least once, de-duplicable by its id",
                             held: drained && missing == 0 && unsettled == 0,
                             detail: "\(sent.count) sent, \(missing) not received, \(unsettled) pending or dead, "
                                 + "\(duplicates) received twice (same Message-ID)"))
        var figures: [String: String] = ["mails received": String(sink.mails.count), "offers made": String(offers),
                                         "reminders sent": String(reminders)]
        for row in try db.query("SELECT kind || ' ' || state, count(*) FROM outbox WHERE receiver_id IS NULL GROUP BY 1 ORDER BY 1").rows {
            figures["outbox: " + (row[0] ?? "")] = row[1] ?? ""
        }
        return (results, figures)
    }
}
