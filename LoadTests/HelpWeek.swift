import Dispatch
import Foundation
import Synchronization
import TerminCore
import TerminPostgres
import TerminStore
import TerminTestSupport

/// `help-week`: a week of the demo help places (help desks, the mobile route's stops, the call-back line, the group
/// courses) booked at once over HTTP against `termin serve` and PostgreSQL.
///
/// Citizens ask for help in a language (German half of them, then English, Turkish, Ukrainian, Arabic), in person
/// (some needing step-free access) or by call-back: half of them pick a time from a place's availability and book it,
/// half send a flexible request near a point across kinds. Two intermediaries book on their clients' behalf past their
/// daily quota; course-goers race for the seats of the week's courses (which an admin adds through the API, each led by
/// a helper). Then, in PostgreSQL: no helper is ever at two places at once (a course they lead included), no session is
/// oversold and no seat is taken outside a session, no intermediary passed its quota, every booking that asked for a
/// language has a helper who speaks it, every call-back has a number to call, besides the invariants of every scenario.
/// Last, a day at each help desk with the week's booked visitors and drop-ins, simulated on the engine's clock: everyone
/// who came was served. Reports bookings by kind, helper utilisation, seats filled and the drop-ins' waits.
struct HelpWeek {
    /// The scenario could not be set up.
    struct SetupFailure: Error, CustomStringConvertible { let description: String }

    static let helpDesks = [990_001, 990_002, 990_003]
    static let mobileStops = [990_011, 990_012, 990_013]
    static let callBackLine = 990_021
    /// The in-person help services and how often each is asked for.
    static let services: [(id: Int, weight: Int)] = [(9_900_001, 50), (9_900_002, 30), (9_900_003, 20)]
    static let languages: [(code: String, weight: Int)] = [("de", 50), ("en", 15), ("tr", 15), ("uk", 10), ("ar", 10)]
    static let callBackShare = 0.2
    static let stepFreeShare = 0.15
    /// The week's courses: (place, seats, the helper leading them), each weekday at 13:00 for two hours, added by an
    /// admin through the API; leading them closes the leaders' desks meanwhile.
    static let courses: [(office: Int, seats: Int, leader: Int)] = [(990_002, 8, 9_904), (990_003, 10, 9_903)]
    static let courseStart = "13:00"
    /// Drop-in visitors at each help desk on the first day of the week a helper is there.
    static let dropInsPerPlace = 4
    static let intermediaries = 2
    static let intermediaryQuota = 15
    /// Bookings each intermediary attempts, on two threads.
    static let intermediaryAttempts = 26
    static let seatTakers = 12

    let citizens: Int

    struct Result {
        let seconds: Double
        let invariants: [Invariants.Result]
        let figures: [String: String]
    }

    /// What the clients did, beyond the statuses.
    struct Tally: Sendable {
        var inPerson = 0, callBacks = 0, viaRequests = 0, nothingFree = 0, noHelpInLanguage = 0
        var onBehalf = 0, quotaRefused = 0, bookedAfterQuota = 0, seats = 0, sessionFull = 0
        /// Bookings that asked for a language: id → language.
        var languageOf: [String: String] = [:]

        mutating func add(_ other: Tally) {
            inPerson += other.inPerson; callBacks += other.callBacks; viaRequests += other.viaRequests
            nothingFree += other.nothingFree; noHelpInLanguage += other.noHelpInLanguage
            onBehalf += other.onBehalf; quotaRefused += other.quotaRefused; bookedAfterQuota += other.bookedAfterQuota
            seats += other.seats; sessionFull += other.sessionFull
            languageOf.merge(other.languageOf) { $1 }
        }
    }

    func run(harness: Harness, outcomes: Outcomes) throws -> Result {
        let monday = Self.nextMonday()
        let friday = monday.adding(days: 4)
        let db = try PostgresConnection(conninfo: harness.conninfo)
        let courseIDs = try Self.addCourses(monday: monday, port: harness.port,
                                            adminToken: try harness.staffToken(name: "Admin", role: .admin))
        let tokens = try (0..<Self.intermediaries).map {
            try harness.staffToken(name: "Sozialdienst \($0 + 1)", role: .intermediary, dailyQuota: Self.intermediaryQuota)
        }
        let tally = Mutex(Tally())
        let done = DispatchGroup()
        let began = Date()
        let clients = 8, port = harness.port
        func start(_ body: @escaping @Sendable () -> (Outcomes.ThreadReport, Tally)) {
            done.enter()
            Thread {
                let (report, counted) = body()
                outcomes.add(report)
                tally.withLock { $0.add(counted) }
                done.leave()
            }.start()
        }
        // The intermediaries first (each on two threads at once, racing its own quota), with the course-goers; then
        // the citizens, who find what is left.
        for token in tokens {
            for half in 0..<2 { start { intermediaryClient(token, half: half, port: port, monday: monday, friday: friday) } }
        }
        for index in 0..<Self.seatTakers { start { seatTaker(index, courseIDs: courseIDs, port: port, monday: monday, friday: friday) } }
        try waitForAll(done, seconds: 600, "the intermediaries and course-goers")
        for index in 0..<clients {
            let share = citizens / clients + (index < citizens % clients ? 1 : 0)
            start { citizenClient(index, citizens: share, port: port, monday: monday, friday: friday) }
        }
        try waitForAll(done, seconds: 1_800, "the help week's citizens")
        let seconds = Date().timeIntervalSince(began)
        let counted = tally.withLock { $0 }
        let catalog = try harness.catalog()
        var invariants = try Invariants.check(conninfo: harness.conninfo, catalog: catalog, told: outcomes.all.flatMap(\.told))
        invariants += try Self.checkHelp(db, tally: counted)
        let dropIns = try Self.dropInDays(conninfo: harness.conninfo, catalog: catalog, monday: monday, db)
        invariants += dropIns.invariants
        let seats = Self.courses.reduce(0) { $0 + $1.seats } * 5
        let seated = Int(try db.query("""
            SELECT count(*) FROM appointment a JOIN desk d ON d.id = a.desk_id AND d.seat_number IS NOT NULL
            WHERE a.status = 'confirmed' AND a.day BETWEEN $1 AND $2
            """, [monday.description, friday.description]).scalar ?? "") ?? 0
        return Result(seconds: seconds, invariants: invariants, figures: [
            "week": "\(monday) to \(friday)",
            "booked in person / by call-back": "\(counted.inPerson) / \(counted.callBacks) (\(counted.viaRequests) through requests near a point)",
            "nothing free / nobody helping in the language": "\(counted.nothingFree) / \(counted.noHelpInLanguage)",
            "booked on behalf / refused over the quota": "\(counted.onBehalf) / \(counted.quotaRefused) (quota \(Self.intermediaryQuota) a day, \(Self.intermediaries) intermediaries)",
            "seats taken / session full": "\(seated) of \(seats) (\(String(format: "%.0f", 100 * Double(seated) / Double(seats))) %) / \(counted.sessionFull)",
            "helper utilisation (booked of shift minutes)": try Self.utilisation(catalog: catalog, monday: monday, db),
        ].merging(dropIns.figures) { $1 })
    }

    /// A citizen after another: in person or by call-back, in a language, from availability or by a request.
    func citizenClient(_ index: Int, citizens: Int, port: Int, monday: LocalDate, friday: LocalDate)
        -> (Outcomes.ThreadReport, Tally) {
        var report = Outcomes.ThreadReport(), tally = Tally()
        let http = TestHTTPClient.lazy(port: port)
        var random = SeededRandom(seed: UInt64(index) &* 7_919 &+ 17)
        func call(_ endpoint: String, _ method: String, _ target: String, body: String? = nil) -> TestHTTPClient.Response? {
            let began = DispatchTime.now().uptimeNanoseconds
            guard let response = try? http.send(method, target, body: body) else { report.transportErrors += 1; return nil }
            report.record(endpoint, response, began: began)
            return response
        }
        let window = #"{"from":"\#(BerlinTime.format(BerlinTime.instant(date: monday, minuteOfDay: 8 * 60)))","#
            + #""to":"\#(BerlinTime.format(BerlinTime.instant(date: friday, minuteOfDay: 18 * 60)))"}"#
        for person in 0..<citizens {
            let callBack = random.unit() < Self.callBackShare
            let service = callBack ? 9_900_001 : Self.services[random.weighted(Self.services.map(\.weight))].id
            let language = Self.languages[random.weighted(Self.languages.map(\.weight))].code
            let stepFree = !callBack && random.unit() < Self.stepFreeShare
            let contact = #"{"name":"Gast \#(index)-\#(person)","email":"gast\#(index)-\#(person)@example.org""#
                + (callBack ? #","phone":"0891234\#(index)\#(person % 1000)"}"# : "}")
            var booked: TestHTTPClient.Response?
            if person % 2 == 0 {
                // A request near a point in Munich, across the kinds the citizen accepts.
                let kinds = callBack ? #"["phone"]"# : #"["help_desk","mobile"]"#
                let body = #"""
                    {"services":[{"id":\#(service)}],"near":{"lat":\#(48.10 + random.unit() * 0.1),"lon":\#(11.50 + random.unit() * 0.15),"km":15},
                     "kinds":\#(kinds),"languages":["\#(language)"],"needs":\#(stepFree ? #"["wheelchair"]"# : "[]"),"contact":\#(contact),
                     "windows":[\#(window)]}
                    """#
                guard let answer = call("request", "POST", "/v1/requests", body: body) else { continue }
                if answer.status == 201 { booked = answer; tally.viaRequests += 1 }
                else if answer.status == 409 { tally.nothingFree += 1 }
                else if answer.status == 422 { tally.noHelpInLanguage += 1 }
            } else {
                // A place's free times: the first place (in a random order) that has one, a random time of it.
                var places = callBack ? [Self.callBackLine] : Self.helpDesks + Self.mobileStops
                places.shuffle(using: &random)
                var anyone = false
                for place in places {
                    guard let times = call("availability", "GET", "/v1/availability?office=\(place)&service=\(service)"
                                           + "&from=\(monday)&to=\(friday)&languages=\(language)" + (stepFree ? "&needs=wheelchair" : "")),
                          times.status == 200 else { continue }
                    anyone = true
                    let starts = times.availabilityDays.flatMap(\.starts)
                    guard let start = starts.randomElement(using: &random) else { continue }
                    let body = #"{"office":\#(place),"start":"\#(start)","services":[{"id":\#(service),"quantity":1}],"languages":["\#(language)"],"#
                        + (stepFree ? #""needs":["wheelchair"],"# : "") + #""contact":\#(contact)}"#
                    if let answer = call("booking", "POST", "/v1/bookings", body: body), answer.status == 201 { booked = answer; break }
                }
                if booked == nil { if anyone { tally.nothingFree += 1 } else { tally.noHelpInLanguage += 1 } }
            }
            guard let booked, let id = booked.json["id"] as? String, let start = booked.json["start"] as? String,
                  let office = booked.json["office"] as? Int else { continue }
            report.told.append(.init(id: id, kind: "booking", start: start, office: office))
            report.booked += 1
            tally.languageOf[id] = language
            if office == Self.callBackLine { tally.callBacks += 1 } else { tally.inPerson += 1 }
        }
        return (report, tally)
    }

    /// One of an intermediary's two desks: books for its clients at help desks, half of its attempts, together past
    /// its daily quota.
    func intermediaryClient(_ token: String, half: Int, port: Int, monday: LocalDate, friday: LocalDate)
        -> (Outcomes.ThreadReport, Tally) {
        var report = Outcomes.ThreadReport(), tally = Tally()
        let http = TestHTTPClient.lazy(port: port)
        var random = SeededRandom(seed: UInt64(token.utf8.first ?? 1) &+ UInt64(half))
        var refusedOnce = false
        // The help desks, and the care home's stop, which only they (and helpers) book.
        let places = Self.helpDesks + [HelpDemo.careHomeStop.officeID]
        for attempt in stride(from: half, to: Self.intermediaryAttempts, by: 2) {
            let place = places[attempt % places.count]
            let began = DispatchTime.now().uptimeNanoseconds
            guard let times = try? http.send("GET", "/v1/availability?office=\(place)&service=9900001&from=\(monday)&to=\(friday)&channel=staff")
            else { report.transportErrors += 1; continue }
            report.record("availability (staff)", times, began: began)
            guard let start = times.availabilityDays.flatMap(\.starts).randomElement(using: &random) else { continue }
            let body = #"{"office":\#(place),"start":"\#(start)","services":[{"id":9900001,"quantity":1}],"channel":"staff","contact":{"name":"Klient \#(attempt)"}}"#
            let sent = DispatchTime.now().uptimeNanoseconds
            guard let answer = try? http.send("POST", "/v1/bookings", headers: ["Authorization": "Bearer \(token)"], body: body)
            else { report.transportErrors += 1; continue }
            report.record("booking on behalf", answer, began: sent)
            if answer.status == 201, let id = answer.json["id"] as? String, let start = answer.json["start"] as? String {
                report.told.append(.init(id: id, kind: "booking", start: start, office: place))
                report.booked += 1
                tally.onBehalf += 1
                if refusedOnce { tally.bookedAfterQuota += 1 }
            } else if answer.status == 409, answer.json["type"] as? String == "urn:termin:problem:quota-reached" {
                tally.quotaRefused += 1
                refusedOnce = true
            }
        }
        return (report, tally)
    }

    /// A course-goer after another takes a seat in a session of the week with seats free, until none has.
    func seatTaker(_ index: Int, courseIDs: Set<Int>, port: Int, monday: LocalDate, friday: LocalDate) -> (Outcomes.ThreadReport, Tally) {
        var report = Outcomes.ThreadReport(), tally = Tally()
        let http = TestHTTPClient.lazy(port: port)
        var random = SeededRandom(seed: UInt64(index) &+ 101)
        for person in 0..<1_000 {
            var open: [Int] = []
            for office in Self.courses.map(\.office) {
                let began = DispatchTime.now().uptimeNanoseconds
                guard let list = try? http.send("GET", "/v1/sessions?office=\(office)&from=\(monday)&to=\(friday)") else { continue }
                report.record("sessions", list, began: began)
                for session in list.json["sessions"] as? [[String: Any]] ?? []
                where courseIDs.contains(session["id"] as? Int ?? 0) && (session["seats_free"] as? Int ?? 0) > 0 {
                    open.append(session["id"] as! Int)
                }
            }
            guard let session = open.randomElement(using: &random) else { break }
            let began = DispatchTime.now().uptimeNanoseconds
            guard let answer = try? http.send("POST", "/v1/sessions/\(session)/seats",
                                              body: #"{"contact":{"name":"Kursgast \#(index)-\#(person)","email":"kurs\#(index)-\#(person)@example.org"}}"#)
            else { report.transportErrors += 1; continue }
            report.record("seat", answer, began: began)
            if answer.status == 201, let id = answer.json["id"] as? String, let start = answer.json["start"] as? String,
               let office = answer.json["office"] as? Int {
                report.told.append(.init(id: id, kind: "booking", start: start, office: office))
                report.booked += 1
                tally.seats += 1
            } else if answer.status == 409 {
                tally.sessionFull += 1
            }
        }
        return (report, tally)
    }

    /// What must hold of help places in PostgreSQL after the week.
    static func checkHelp(_ db: PostgresConnection, tally: Tally) throws -> [Invariants.Result] {
        func count(_ sql: String, _ parameters: [String?] = []) throws -> Int { Int(try db.query(sql, parameters).scalar ?? "") ?? -1 }
        var results: [Invariants.Result] = []
        let twice = try count("""
            SELECT count(*) FROM appointment a JOIN desk da ON da.id = a.desk_id AND da.helper_id IS NOT NULL
              JOIN appointment b ON b.id <> a.id AND b.span && a.span JOIN desk db ON db.id = b.desk_id AND db.helper_id = da.helper_id
            WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
            """)
        let leading = try count("""
            SELECT count(*) FROM group_session g JOIN desk d ON d.helper_id = g.leader_id
              JOIN appointment a ON a.desk_id = d.id AND a.status IN ('held', 'confirmed') AND a.span && termin_session_span(g)
            """)
        results.append(.init(name: "no helper is at two places (or two appointments, or leading a course) at once",
                             held: twice == 0 && leading == 0,
                             detail: "\(twice) overlapping pairs of one helper, \(leading) appointments during a course they lead"))
        let oversold = try count("""
            SELECT count(*) FROM group_session g JOIN office o ON o.id = g.office_id
            WHERE (SELECT count(*) FROM appointment a JOIN desk d ON d.id = a.desk_id AND d.seat_number IS NOT NULL
                   WHERE a.status IN ('held', 'confirmed') AND a.office_id = g.office_id AND a.day = g.day
                     AND a.start_unit * o.slot_minutes = g.start_minute) > g.seats
            """)
        let stray = try count("""
            SELECT count(*) FROM appointment a JOIN desk d ON d.id = a.desk_id AND d.seat_number IS NOT NULL
            WHERE a.status IN ('held', 'confirmed') AND NOT termin_seat_in_session(a, d.seat_number)
            """)
        results.append(.init(name: "no session is oversold and no seat taken outside one", held: oversold == 0 && stray == 0,
                             detail: "\(oversold) oversold sessions, \(stray) seats outside a session"))
        let overQuota = try count("""
            SELECT count(*) FROM (
              SELECT l.staff_id, (l.at AT TIME ZONE 'Europe/Berlin')::date FROM audit_log l JOIN staff_account s ON s.id = l.staff_id
              WHERE l.action = $1 AND s.daily_quota IS NOT NULL GROUP BY 1, 2 HAVING count(*) > max(s.daily_quota)) over
            """, [StaffRepository.onBehalfAction])
        results.append(.init(name: "no intermediary books past its daily quota", held: overQuota == 0 && tally.bookedAfterQuota == 0,
                             detail: "\(overQuota) accounts over it on a day, \(tally.bookedAfterQuota) bookings after a quota refusal"))
        var mute: [String] = []
        let id = PostgresColumn("a.id", PostgresText.text)
        let spoken = PostgresColumn("coalesce(array_to_string(h.languages, ','), 'de')", PostgresText.list(PostgresText.text))
        for (booking, languages) in try db.select(PostgresSelection(id, spoken), """
            FROM appointment a JOIN desk d ON d.id = a.desk_id LEFT JOIN helper h ON h.id = d.helper_id
            WHERE a.id = ANY($1::uuid[])
            """, [PostgresArray.literal(Array(tally.languageOf.keys))], { row throws(PostgresError) in (try row[id], try row[spoken]) })
        where !languages.contains(tally.languageOf[booking]!) {
            mute.append(booking)
        }
        results.append(.init(name: "every booking that asked for a language has a helper who speaks it", held: mute.isEmpty,
                             detail: "\(tally.languageOf.count) bookings asked, \(mute.count) without"))
        let unentitled = try count("""
            SELECT count(*) FROM appointment a JOIN offer f ON f.office_id = a.office_id AND f.service_id = a.service_ids[1]
            WHERE a.status = 'confirmed' AND f.reserved_for IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM audit_log l JOIN staff_account s ON s.id = l.staff_id
              WHERE l.action = $1 AND l.subject = 'booking:' || a.id AND s.role IN ('helper', 'intermediary', 'admin'))
            """, [StaffRepository.onBehalfAction])
        let reserved = try count("""
            SELECT count(*) FROM appointment a JOIN offer f ON f.office_id = a.office_id AND f.service_id = a.service_ids[1]
            WHERE a.status = 'confirmed' AND f.reserved_for IS NOT NULL
            """)
        results.append(.init(name: "a reserved offer is booked only by a helper or an intermediary", held: unentitled == 0,
                             detail: "\(reserved) bookings of reserved offers, \(unentitled) by anyone else"))
        let unreachable = try count("""
            SELECT count(*) FROM appointment a JOIN office o ON o.id = a.office_id AND o.kind = 'phone'
            WHERE a.status = 'confirmed' AND a.contact_phone IS NULL
            """)
        results.append(.init(name: "every call-back has a number to call", held: unreachable == 0,
                             detail: "\(unreachable) call-backs without a number"))
        return results
    }

    /// Booked minutes on helpers' desks in the week against the minutes of their shifts, e.g. `41 % (1,230 of 3,000 min)`.
    static func utilisation(catalog: Catalog, monday: LocalDate, _ db: PostgresConnection) throws -> String {
        var shiftMinutes = 0
        for day in (0..<5).map({ monday.adding(days: $0) }) {
            for (deskID, shifts) in catalog.helperShifts {
                let desk = catalog.desks.values.joined().first { $0.id == deskID }!
                guard !catalog.closingCalendar.isClosed(officeID: desk.officeID, on: day) else { continue }
                for shift in shifts where shift.hours.applies(on: day) { shiftMinutes += shift.hours.endMinute - shift.hours.startMinute }
            }
        }
        let booked = Int(try db.query("""
            SELECT coalesce(sum(extract(epoch FROM upper(a.span) - lower(a.span)) / 60), 0)::bigint
            FROM appointment a JOIN desk d ON d.id = a.desk_id AND d.helper_id IS NOT NULL
            WHERE a.status = 'confirmed' AND a.day BETWEEN $1 AND $2
            """, [monday.description, monday.adding(days: 4).description]).scalar ?? "") ?? 0
        return String(format: "%.0f %% (%d of %d min)", 100 * Double(booked) / Double(max(shiftMinutes, 1)), booked, shiftMinutes)
    }

    /// The Monday of the next week that starts at least two days ahead.
    static func nextMonday() -> LocalDate {
        var day = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))).date.adding(days: 2)
        while day.isoWeekday != 1 { day = day.adding(days: 1) }
        return day
    }

    /// The week's courses, each weekday, added by an admin through the API (which answers once the server schedules by
    /// them); returns their ids.
    static func addCourses(monday: LocalDate, port: Int, adminToken: String) throws -> Set<Int> {
        let client = TestHTTPClient.lazy(port: port)
        var ids: Set<Int> = []
        for day in (0..<5).map({ monday.adding(days: $0) }) {
            for course in courses {
                let body = #"{"service":\#(HelpDemo.course),"date":"\#(day)","start":"\#(courseStart)","seats":\#(course.seats),"#
                    + #""leader":\#(course.leader)}"#
                let added = try client.send("POST", "/v1/offices/\(course.office)/sessions", headers: ["Authorization": "Bearer \(adminToken)"],
                                            body: body)
                guard added.status == 201, let id = added.json["id"] as? Int else {
                    throw SetupFailure(description: "a course was not added: \(added.status) \(added.json)")
                }
                ids.insert(id)
            }
        }
        return ids
    }
}
