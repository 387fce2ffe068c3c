import Dispatch
import Foundation
import Synchronization
import Testing
import TerminCore
import TerminTestSupport
@testable import TerminStore
import TerminPostgres

@Suite struct CommitWriterTests {
    static let day = LocalDate(iso: "2026-12-01")!
    static let now = BerlinTime.parse("2026-11-30T09:00:00+01:00")!

    /// A booking at Orleansplatz on desk `desk` (1–20), five-minute unit `unit` (84 = 07:00), `units` long.
    static func entry(desk: Int = 1, unit: Int = 84, units: Int = 3, office: Int = 102522, key: String? = nil) -> CommitWriter.Entry {
        let start = BerlinTime.instant(date: day, minuteOfDay: unit * 5)
        let record = Appointment(
            id: UUID().uuidString.lowercased(),
            run: SlotRun(officeID: office, deskID: 102522 * 100 + desk, date: day, startUnit: unit, units: units),
            channel: .online, status: .confirmed, start: start, end: start.adding(seconds: Int64(units * 300)),
            services: [ServiceRequest(serviceID: 1063441, quantity: 1)], expiresAt: nil, contact: nil)
        return CommitWriter.Entry(record: record, code: "code-\(record.id)", idempotency: key.map { ($0, "fp") }, now: now)
    }

    @Test func aBatchCommitsEachRowOrRefusesItAlone() throws {
        let conninfo = try TestDatabase.create()
        let db = try PostgresConnection(conninfo: conninfo)
        let entries = [Self.entry(unit: 84), Self.entry(unit: 85), Self.entry(unit: 87), Self.entry(desk: 2, unit: 84)]
        let outcomes = try CommitWriter.write(entries, db)
        #expect(outcomes == [.committed, .refused, .committed, .committed])
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == "3")
        #expect(try db.query("SELECT sum(cardinality(service_ids)) FROM appointment").scalar == "3")
        #expect(try db.query("SELECT count(*) FROM appointment WHERE id = $1", [entries[1].record.id]).scalar == "0")
    }

    /// Another instance's uncommitted row takes part of a batch's desk time: the batch waits on `desk_time`'s key,
    /// fails when the other commits, and is written again without the taken row.
    @Test func aBatchThatLosesARaceForDeskTimeIsWrittenAgainWithoutTheTakenRow() throws {
        let conninfo = try TestDatabase.create()
        let rivalDB = try PostgresConnection(conninfo: conninfo)
        let rival = Self.entry(unit: 84)
        _ = try rivalDB.execute("BEGIN")
        #expect(try AppointmentRepository.insert([.init(rival.record, code: rival.code, now: rival.now)], rivalDB) == [rival.record.id])
        let entries = [Self.entry(unit: 85), Self.entry(unit: 90)]
        let outcomes = Mutex<Result<[CommitWriter.Outcome], any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let result = Result { try CommitWriter.writeRetryingRaces(entries, try PostgresConnection(conninfo: conninfo)) }
            outcomes.withLock { $0 = result }
            done.signal()
        }.start()
        // Commit once the batch waits for the rival's row (a backend waiting on a lock), so the race is the one meant.
        let observer = try PostgresConnection(conninfo: conninfo)
        while try observer.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").scalar != "1" {
            Thread.sleep(forTimeInterval: 0.01)
        }
        _ = try rivalDB.execute("COMMIT")
        done.wait()
        #expect(try outcomes.withLock { try $0?.get() } == [.refused, .committed])
        #expect(try observer.query("SELECT count(*) FROM appointment").scalar == "2")
        #expect(try observer.query("SELECT count(*) FROM desk_time").scalar == "6", "three units each")
    }

    @Test func aFailingBatchWritesNothingAndFailsEveryEntry() throws {
        let conninfo = try TestDatabase.create()
        let writer = CommitWriter(conninfo: conninfo)
        TestThreads.start(writer.loops)
        defer { writer.stop() }
        // An office that does not exist breaks the whole statement (foreign key), so the batch fails together.
        let entries = [Self.entry(unit: 84), Self.entry(unit: 90, office: 999_999)]
        let outcomes = Mutex<[CommitWriter.Outcome]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let outcome = writer.submit(entries[index])
            outcomes.withLock { $0.append(outcome) }
        }
        let db = try PostgresConnection(conninfo: conninfo)
        let seen = outcomes.withLock { $0 }
        #expect(seen.contains { if case .failed = $0 { true } else { false } })
        // Whatever failed left no row; whatever committed is there.
        let committed = seen.filter { $0 == .committed }.count
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == String(committed))
    }

    @Test func concurrentSubmittersShareBatches() throws {
        let conninfo = try TestDatabase.create()
        var configuration = CommitWriter.Configuration()
        configuration.lingerMicroseconds = 2_000
        let writer = CommitWriter(conninfo: conninfo, configuration: configuration)
        TestThreads.start(writer.loops)
        defer { writer.stop() }
        let committed = Atomic<Int>(0)
        let otherwise = Mutex<[String]>([])
        // 64 threads, not a thread pool: all of them must be waiting in the writer at once.
        let done = DispatchGroup()
        for index in 0..<64 {
            done.enter()
            Thread {
                // 20 desks × 3 runs each in the morning: 60 distinct, plus 4 duplicates that must be refused.
                let desk = index % 20 + 1, unit = 84 + (index / 20 % 3) * 3
                let outcome = writer.submit(Self.entry(desk: desk, unit: unit))
                if outcome == .committed {
                    committed.add(1, ordering: .relaxed)
                } else {
                    otherwise.withLock { $0.append("desk \(desk) unit \(unit): \(outcome)") }
                }
                done.leave()
            }.start()
        }
        try #require(done.wait(timeout: .now() + 60) == .success, "the submitters were not answered within 60 s")
        #expect(committed.load(ordering: .relaxed) == 60, "\(otherwise.withLock { $0 })")
        #expect(writer.statistics.entries == 64)
        #expect(writer.statistics.largestBatch > 1)
        #expect(try PostgresConnection(conninfo: conninfo).query("SELECT count(*) FROM appointment").scalar == "60")
    }

    /// Many submitters without pause for a second: every submit is answered (a lost wake-up leaves submitters
    /// waiting and fails the deadline), and batches form.
    @Test func aSecondOfSubmittersWithoutPauseIsAnsweredInFull() throws {
        let conninfo = try TestDatabase.create()
        let writer = CommitWriter(conninfo: conninfo)
        TestThreads.start(writer.loops)
        defer { writer.stop() }
        let done = DispatchGroup()
        let answered = Atomic<Int>(0), committed = Atomic<Int>(0)
        let began = ContinuousClock.now
        for index in 0..<128 {
            done.enter()
            Thread {
                var attempt = 0
                while ContinuousClock.now - began < .seconds(1) {
                    attempt += 1
                    if writer.submit(Self.entry(desk: index % 20 + 1, unit: 84 + attempt % 100, units: 1)) == .committed {
                        committed.add(1, ordering: .relaxed)
                    }
                    answered.add(1, ordering: .relaxed)
                }
                done.leave()
            }.start()
        }
        try #require(done.wait(timeout: .now() + 60) == .success, "submitters still waiting after 60 s")
        #expect(writer.queuedCount == 0 && writer.statistics.entries == answered.load(ordering: .relaxed))
        #expect(writer.statistics.largestBatch > 1)
        let rows = try PostgresConnection(conninfo: conninfo).query("SELECT count(*) FROM appointment").scalar
        #expect(rows == String(committed.load(ordering: .relaxed)))
    }

    /// `stop` writes what is queued before it returns, and refuses what comes after.
    @Test func stopWritesEverythingQueuedAndRefusesLaterEntries() throws {
        let conninfo = try TestDatabase.create()
        var configuration = CommitWriter.Configuration()
        configuration.lingerMicroseconds = 500_000   // entries wait: stop must not
        let writer = CommitWriter(conninfo: conninfo, configuration: configuration)
        TestThreads.start(writer.loops)
        let outcomes = Mutex<[CommitWriter.Outcome]>([])
        let done = DispatchGroup()
        for index in 0..<8 {
            done.enter()
            Thread {
                let outcome = writer.submit(Self.entry(desk: index + 1))
                outcomes.withLock { $0.append(outcome) }
                done.leave()
            }.start()
        }
        try Wait.required("eight entries queued") { writer.queuedCount == 8 }
        writer.stop()
        #expect(writer.queuedCount == 0)
        try #require(done.wait(timeout: .now() + 10) == .success)
        #expect(outcomes.withLock { $0 } == Array(repeating: .committed, count: 8))
        #expect(try PostgresConnection(conninfo: conninfo).query("SELECT count(*) FROM appointment").scalar == "8")
        if case .failed = writer.submit(Self.entry(desk: 9)) {} else { Issue.record("a stopped writer took an entry") }
    }

    @Test func aTakenIdempotencyKeyUndoesItsRow() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let outcomes = try CommitWriter.write([Self.entry(unit: 84, key: "k"), Self.entry(unit: 90, key: "k")], db)
        #expect(outcomes.sorted { "\($0)" < "\($1)" } == [.committed, .keyTaken])
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == "1")
        #expect(try db.query("SELECT sum(cardinality(service_ids)) FROM appointment").scalar == "1")
        #expect(try db.query("SELECT count(*) FROM idempotency_key").scalar == "1")
    }

    @Test func arrayLiteralsEscapeQuotesBackslashesAndNull() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        let values: [String?] = ["a\"b", "c\\d", nil, "", "{x,y}", "NULL"]
        let rows = try db.query("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
                                [PostgresArray.literal(values)])
        #expect(rows.rows.map { $0[0] } == values)
    }
}
