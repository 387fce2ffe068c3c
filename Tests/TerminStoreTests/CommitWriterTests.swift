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
    static func booking(desk: Int = 1, unit: Int = 84, units: Int = 3, office: Int = 102522, status: AppointmentStatus = .confirmed)
        -> Appointment {
        let start = BerlinTime.instant(date: day, minuteOfDay: unit * 5)
        return Appointment(
            id: UUID().uuidString.lowercased(),
            run: SlotRun(officeID: office, deskID: 102522 * 100 + desk, date: day, startUnit: unit, units: units),
            channel: .online, status: status, start: start, end: start.adding(seconds: Int64(units * 300)),
            services: [ServiceRequest(serviceID: 1063441, quantity: 1)],
            expiresAt: status == .held ? now.adding(seconds: 600) : nil, contact: nil)
    }

    /// A plan that inserts one booking (see `booking`), keyed when `key` is given.
    static func entry(desk: Int = 1, unit: Int = 84, units: Int = 3, office: Int = 102522, key: String? = nil,
                      fingerprint: String = "fp") -> WritePlan {
        let record = booking(desk: desk, unit: unit, units: units, office: office)
        let idempotency = key.map { WritePlan.Idempotency(key: $0, fingerprint: fingerprint) }
        let code = "code-\(record.id)"
        return WritePlan([.insert(.init(record, code: code, now: now, idempotency: idempotency))], code: code,
                         idempotency: idempotency, now: now)
    }

    /// The inserted row of a one-insert plan.
    static func row(_ plan: WritePlan) -> Appointment { plan.singleInsert!.appointment }

    /// Outcomes as short words, to compare whole batches.
    static func words(_ outcomes: [WritePlan.Outcome?]) -> [String] {
        outcomes.map { outcome in
            switch outcome {
            case nil: "next batch"
            case .committed: "committed"
            case .replayed: "replayed"
            case .refused(let refusal): "refused \(refusal)"
            case .keyReused: "key reused"
            case .limited: "limited"
            case .failed: "failed"
            }
        }
    }

    @Test func aBatchCommitsEachRowOrRefusesItAlone() throws {
        let conninfo = try TestDatabase.create()
        let db = try PostgresConnection(conninfo: conninfo)
        let entries = [Self.entry(unit: 84), Self.entry(unit: 85), Self.entry(unit: 87), Self.entry(desk: 2, unit: 84)]
        let outcomes = try BatchWrite.write(entries, db)
        #expect(Self.words(outcomes) == ["committed", "refused deskTaken", "committed", "committed"])
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == "3")
        #expect(try db.query("SELECT sum(cardinality(service_ids)) FROM appointment").scalar == "3")
        #expect(try db.query("SELECT count(*) FROM appointment WHERE id = $1", [Self.row(entries[1]).id]).scalar == "0")
    }

    /// Another instance's uncommitted row takes part of a batch's desk time: the batch waits on `desk_time`'s key,
    /// fails when the other commits, and is written again without the taken row.
    @Test func aBatchThatLosesARaceForDeskTimeIsWrittenAgainWithoutTheTakenRow() throws {
        let conninfo = try TestDatabase.create()
        let rivalDB = try PostgresConnection(conninfo: conninfo)
        let rival = Self.entry(unit: 84)
        _ = try rivalDB.execute("BEGIN")
        #expect(try AppointmentRepository.insert([rival.singleInsert!], rivalDB).ids == [Self.row(rival).id])
        let entries = [Self.entry(unit: 85), Self.entry(unit: 90)]
        let outcomes = Mutex<Result<[CommitWriter.Outcome?], any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let result = Result { try CommitWriter.writeRetryingRaces(entries, try PostgresConnection(conninfo: conninfo)) }
            outcomes.withLock { $0 = result }
            done.signal()
        }.start()
        // Commit once the batch waits for the rival's row (a backend waiting on a lock), so the race is the one meant.
        let observer = try PostgresConnection(conninfo: conninfo)
        try Wait.required("the batch waiting for the rival's row") {
            try observer.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").scalar == "1"
        }
        _ = try rivalDB.execute("COMMIT")
        try #require(done.wait(timeout: .now() + 30) == .success, "the batch was not written within 30 s")
        #expect(Self.words(try outcomes.withLock { try $0!.get() }) == ["refused deskTaken", "committed"])
        #expect(try observer.query("SELECT count(*) FROM appointment").scalar == "2")
        #expect(try observer.query("SELECT count(*) FROM desk_time").scalar == "6", "three units each")
    }

    @Test func aPlanWhoseDataTheDatabaseRefusesFailsAloneAndTheOthersCommit() throws {
        let conninfo = try TestDatabase.create()
        let db = try PostgresConnection(conninfo: conninfo)
        // An office that does not exist breaks the batch's one statement (foreign key): on its own, the rest commits.
        let entries = [Self.entry(unit: 84), Self.entry(unit: 90, office: 999_999), Self.entry(desk: 2, unit: 84)]
        #expect(throws: PostgresError.self) { try CommitWriter.writeRetryingRaces(entries, db) }
        #expect(Self.words(try CommitWriter.writeIsolatingFaults(entries, db)) == ["committed", "failed", "committed"])
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == "2")
    }

    @Test func throughTheWriterThePlanAtFaultFailsWhicheverBatchesTheyShare() throws {
        let conninfo = try TestDatabase.create()
        let writer = CommitWriter(conninfo: conninfo)
        TestThreads.start(writer.loops)
        defer { writer.stop() }
        let entries = [Self.entry(unit: 84), Self.entry(unit: 90, office: 999_999)]
        let outcomes = Mutex<[Int: CommitWriter.Outcome]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let outcome = writer.submit(entries[index])
            outcomes.withLock { $0[index] = outcome }
        }
        #expect(Self.words(outcomes.withLock { [$0[0], $0[1]] }) == ["committed", "failed"])
        let db = try PostgresConnection(conninfo: conninfo)
        #expect(try db.query("SELECT id FROM appointment").scalar == Self.row(entries[0]).id)
    }

    /// A restart or a failover ends the writer's connection while it waits for work: the next batch is written on a
    /// new one, not failed on the old.
    @Test func aConnectionTheServerEndedMeanwhileFailsNoBatch() throws {
        let conninfo = try TestDatabase.create()
        let writer = CommitWriter(conninfo: conninfo, applicationName: "termin-ended")
        TestThreads.start(writer.loops)
        defer { writer.stop() }
        #expect(Self.words([writer.submit(Self.entry(unit: 84))]) == ["committed"])
        let db = try PostgresConnection(conninfo: conninfo)
        let ended = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'termin-ended'"
        #expect(try db.query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'termin-ended'")
            .scalar == "1")
        try Wait.required("the writer's backend ended") { try db.query(ended).scalar == "0" }
        usleep(100_000)   // its process leaves the activity view a moment before its socket closes
        #expect(Self.words([writer.submit(Self.entry(unit: 90))]) == ["committed"])
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
                if case .committed = outcome {
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
                    if case .committed = writer.submit(Self.entry(desk: index % 20 + 1, unit: 84 + attempt % 100, units: 1)) {
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
        #expect(Self.words(outcomes.withLock { $0 }) == Array(repeating: "committed", count: 8))
        #expect(try PostgresConnection(conninfo: conninfo).query("SELECT count(*) FROM appointment").scalar == "8")
        if case .failed = writer.submit(Self.entry(desk: 9)) {} else { Issue.record("a stopped writer took an entry") }
    }

    /// A key stored before answers its repeats from the first answer (a different request under the key is refused),
    /// whether the repeat writes (its own time was free) or only asks (its time was taken: a replay).
    @Test func aRepeatedKeyIsAnsweredFromItsFirstAnswer() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let first = Self.entry(unit: 84, key: "k")
        #expect(Self.words(try BatchWrite.write([first], db)) == ["committed"])
        let repeated = Self.entry(unit: 90, key: "k"), other = Self.entry(unit: 96, key: "k", fingerprint: "another request")
        let written = try BatchWrite.write([repeated], db)
        #expect(Self.words(written) == ["replayed"])
        guard case .replayed(let booking, let code) = written[0] else { return }
        #expect(booking.id == Self.row(first).id && code == first.code)
        #expect(Self.words(try BatchWrite.write([other], db)) == ["key reused"])
        let replays = try BatchWrite.replays([.replay(repeated.idempotency!, now: Self.now), .replay(other.idempotency!, now: Self.now),
                                             .replay(.init(key: "unknown", fingerprint: "fp"), now: Self.now)], db)
        #expect(Self.words(replays) == ["replayed", "key reused", "refused deskTaken"])
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == "1")
        #expect(try db.query("SELECT count(*) FROM appointment WHERE idempotency_key IS NOT NULL").scalar == "1")
    }

    /// Repeats submitted while their key's first plan is queued follow it: none is written, each is answered from
    /// the first's outcome.
    @Test func repeatsRacingTheirFirstFollowIt() throws {
        let conninfo = try TestDatabase.create()
        var configuration = CommitWriter.Configuration()
        configuration.lingerMicroseconds = 300_000   // the first waits in the queue while its repeats arrive
        let writer = CommitWriter(conninfo: conninfo, configuration: configuration)
        TestThreads.start(writer.loops)
        defer { writer.stop() }
        let first = Self.entry(unit: 84, key: "k")
        let plans = [first, Self.entry(unit: 90, key: "k"), Self.entry(unit: 96, key: "k", fingerprint: "another request"),
                     .replay(first.idempotency!, now: Self.now)]
        let outcomes = Mutex<[Int: WritePlan.Outcome]>([:])
        let done = DispatchGroup()
        for (index, plan) in plans.enumerated() {
            done.enter()
            writer.submit(plan) { outcome in
                outcomes.withLock { $0[index] = outcome }
                done.leave()
            }
        }
        try #require(done.wait(timeout: .now() + 30) == .success, "the plans were not answered within 30 s")
        let answered = outcomes.withLock { $0 }
        #expect(Self.words((0..<4).map { answered[$0] }) == ["committed", "replayed", "key reused", "replayed"])
        #expect(writer.statistics.entries == 1, "only the first was written")
        #expect(try PostgresConnection(conninfo: conninfo).query("SELECT count(*) FROM appointment").scalar == "1")
    }

    /// The writer's first try does not look keys up: a key stored before fails that try (23505), and the batch is
    /// written again looking them up, so the repeat is answered from its first answer and the rest of its batch stands.
    @Test func aKeyStoredBeforeFailsTheUncheckedTryAndIsAnsweredOnTheCheckedOne() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let first = Self.entry(unit: 84, key: "k")
        #expect(Self.words(try CommitWriter.writeRetryingRaces([first], db)) == ["committed"])
        let repeated = Self.entry(unit: 90, key: "k"), other = Self.entry(unit: 96)
        #expect {
            try BatchWrite.write([repeated, other], checkingKeys: false, db)
        } throws: { ($0 as? PostgresError)?.sqlState == "23505" }
        #expect(Self.words(try CommitWriter.writeRetryingRaces([repeated, other], db)) == ["replayed", "committed"])
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == "2")
    }

    /// A repeat of a booking whose commit answer was lost, sent where the ledger never learned of it, finds its time
    /// taken by its own first booking: answered from its key on either try, never as taken.
    @Test func aRepeatFindingItsOwnTimeTakenIsAnsweredFromItsKey() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let first = Self.entry(unit: 84, key: "k")
        #expect(Self.words(try BatchWrite.write([first], db)) == ["committed"])
        for checkingKeys in [false, true] {
            let written = try BatchWrite.write([Self.entry(unit: 84, key: "k"), Self.entry(unit: 84)], checkingKeys: checkingKeys, db)
            #expect(Self.words(written) == ["replayed", "refused deskTaken"], "checking keys: \(checkingKeys)")
            guard case .replayed(let booking, let code) = written[0] else { continue }
            #expect(booking.id == Self.row(first).id && code == first.code)
        }
        #expect(try db.query("SELECT count(*) FROM appointment").scalar == "1")
    }

    /// Plans of other changes, each in its savepoint: one refused leaves the others of the batch written, and a
    /// plan of two changes whose second is refused leaves nothing of its first.
    @Test func eachPlanIsAllOrNothingInsideItsBatch() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.create())
        let booked = Self.entry(unit: 84), hold = Self.booking(unit: 120, status: .held)
        _ = try BatchWrite.write([booked, WritePlan([.insert(.init(hold, code: nil, now: Self.now))], now: Self.now)], db)
        let bookedID = Self.row(booked).id
        let fresh = Self.booking(unit: 100)
        let batch = [
            WritePlan([.cancel(id: bookedID, code: "wrong code", by: .citizen)], now: Self.now),
            WritePlan([.insert(.init(fresh, code: "c", now: Self.now)), .cancel(id: bookedID, code: "wrong code", by: .citizen)], now: Self.now),
            WritePlan([.confirmHold(id: hold.id, code: "held", contact: nil, identity: nil)], code: "held", now: Self.now),
            WritePlan([.confirmHold(id: UUID().uuidString.lowercased(), code: "x", contact: nil, identity: nil)], now: Self.now),
            WritePlan([.cancel(id: bookedID, code: booked.code!, by: .citizen)], now: Self.now),
            Self.entry(unit: 140),
        ]
        let outcomes = try BatchWrite.write(batch, db)
        #expect(Self.words(outcomes) == ["refused unknown", "refused unknown", "committed", "refused unknown", "committed",
                                         "committed"])
        #expect(try db.query("SELECT count(*) FROM appointment WHERE id = $1", [fresh.id]).scalar == "0")
        #expect(try AppointmentRepository.fetch(id: bookedID, db)?.status == .cancelled)
        #expect(try AppointmentRepository.fetch(id: hold.id, db)?.status == .confirmed)
        guard case .committed(let cancelled) = outcomes[4] else { return }
        #expect(cancelled.map(\.status) == [.cancelled])
        let twice = try BatchWrite.write([WritePlan([.cancel(id: bookedID, code: booked.code!, by: .citizen)], now: Self.now)], db)
        guard case .refused(.notConfirmed(let standing)) = twice[0] else { Issue.record("\(twice)"); return }
        #expect(standing.status == .cancelled)
    }

    /// Two instances' writers, each handed a different kind of write for the same desk time and neither asking a
    /// ledger: a hold (one row, the batch's shared statement) against a two-change plan (a booking and a cancellation,
    /// in a savepoint). For every unit exactly one commits, and the database holds exactly the winners.
    @Test func twoWriteKindsRacingForOneDeskUnitCommitExactlyOnce() throws {
        let conninfo = try TestDatabase.create()
        let writers = [CommitWriter(conninfo: conninfo), CommitWriter(conninfo: conninfo)]
        for writer in writers { TestThreads.start(writer.loops) }
        defer { for writer in writers { writer.stop() } }
        // Bookings to cancel in the two-change plans, one per unit, on desk 2.
        let db = try PostgresConnection(conninfo: conninfo)
        let units = Array(84..<164)
        let toCancel = units.map { Self.entry(desk: 2, unit: $0, units: 1) }
        _ = try BatchWrite.write(toCancel, db)
        let committed = Mutex<[Int: Int]>([:])
        let done = DispatchGroup()
        for (offset, unit) in units.enumerated() {
            for kind in 0..<2 {
                done.enter()
                Thread {
                    let outcome: WritePlan.Outcome
                    if kind == 0 {
                        let hold = Self.booking(unit: unit, units: 1, status: .held)
                        outcome = writers[0].submit(WritePlan([.insert(.init(hold, code: nil, now: Self.now))], now: Self.now))
                    } else {
                        let booking = Self.booking(unit: unit, units: 1)
                        let cancelled = toCancel[offset]
                        outcome = writers[1].submit(WritePlan([.insert(.init(booking, code: "c", now: Self.now)),
                                                               .cancel(id: Self.row(cancelled).id, code: cancelled.code!, by: .citizen)],
                                                              now: Self.now))
                    }
                    if case .committed = outcome { committed.withLock { $0[unit, default: 0] += 1 } }
                    done.leave()
                }.start()
            }
        }
        try #require(done.wait(timeout: .now() + 60) == .success, "the writers did not answer within 60 s")
        let counts = committed.withLock { $0 }
        #expect(units.allSatisfy { counts[$0] == 1 }, "\(counts.filter { $0.value != 1 })")
        #expect(try db.query("SELECT count(*) FROM appointment WHERE desk_id = 10252201 AND status IN ('held', 'confirmed')").scalar
            == String(units.count))
        // A two-change plan that lost left its cancellation undone too.
        let cancelled = Int(try db.query("SELECT count(*) FROM appointment WHERE status = 'cancelled'").scalar ?? "0")!
        let movedHere = try db.query("""
            SELECT count(*) FROM appointment WHERE desk_id = 10252201 AND status = 'confirmed'
            """).scalar
        #expect(String(cancelled) == movedHere)
    }

    @Test func arrayLiteralsEscapeQuotesBackslashesAndNull() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        let values: [String?] = ["a\"b", "c\\d", nil, "", "{x,y}", "NULL"]
        let rows = try db.query("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
                                [PostgresArray.literal(values)])
        #expect(rows.rows.map { $0[0] } == values)
    }
}
