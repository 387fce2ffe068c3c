import TerminCore
import TerminPostgres

/// How the `CommitWriter` writes one batch of plans: in one transaction (one statement when it can), each plan all or
/// nothing, and what became of each.
enum BatchWrite {
    /// A connection for writing batches (the writer loops and the key lookups). Every row their statements and the
    /// triggers under them read is found by a key, so the planner is kept off sequential scans where a key can find
    /// the rows. Their plans are prepared once and kept; one made while a table's statistics say it is empty (a new
    /// deployment's first minutes, or after a purge, until the next analyze) would otherwise keep reading the whole
    /// table for every row as the table grows: a batch of bookings scanned all desk time once per booking, six times
    /// slower at 6,000 bookings, and more with every one. A scan with no key to use instead (the few webhook
    /// receivers) stays, costed as if huge: JIT compilation, which such a cost would start (about 120 ms for a
    /// statement that takes microseconds), is off.
    static func connect(conninfo: String, applicationName: String) throws -> PostgresConnection {
        let connection = try PostgresConnection(conninfo: conninfo, applicationName: applicationName)
        try connection.execute("SET enable_seqscan = off; SET jit = off")
        return connection
    }

    /// Writes `plans` and returns each one's outcome; `nil` for a plan to write again in the next batch (another
    /// transaction stored its key meanwhile: the next batch answers it from that one's answer).
    ///
    /// The order inside the transaction: the citizens of plans with caps are locked and plans over a cap refused; the
    /// plans that are one new row each (holds and bookings, most of every batch) are inserted with their keys by one
    /// statement; every other plan runs in a savepoint of its own, so a change the database refuses undoes just its
    /// plan. Without caps and other plans the batch is that one statement, atomic on its own: no BEGIN and COMMIT
    /// round trips. Every plan writes (replays go to `replays`) and no two carry one key (the writer makes repeats
    /// follow their first).
    /// - Parameter checkingKeys: look keys up before their rows are inserted (see `AppointmentRepository.insert`);
    ///   without, a key stored before fails the batch (SQLSTATE 23505), and the writer writes it again checking.
    static func write(_ plans: [WritePlan], checkingKeys: Bool = true, _ db: PostgresConnection) throws -> [WritePlan.Outcome?] {
        precondition(plans.allSatisfy { !$0.changes.isEmpty }, "replays are answered by `replays`")
        assert(Set(plans.compactMap(\.idempotency?.key)).count == plans.count(where: { $0.idempotency != nil }),
               "one batch carries a key once")
        var outcomes = [WritePlan.Outcome?](repeating: nil, count: plans.count)
        let rows = plans.indices.filter { plans[$0].isSingleInsert }
        let moves = plans.indices.filter { plans[$0].singleMove != nil }
        let others = plans.indices.filter { !plans[$0].isSingleInsert && plans[$0].singleMove == nil }
        let capped = plans.indices.filter { plans[$0].caps != nil }

        func body(_ db: PostgresConnection) throws {
            try limit(capped, plans, &outcomes, db)
            try insert(rows.filter { outcomes[$0] == nil }, plans, checkingKeys: checkingKeys, &outcomes, db)
            try move(moves, plans, &outcomes, db)
            for index in others where outcomes[index] == nil {
                outcomes[index] = try inSavepoint(plans[index], db)
            }
        }
        let statements = (rows.isEmpty ? 0 : 1) + (moves.isEmpty ? 0 : 1)
        if capped.isEmpty && others.isEmpty && statements <= 1 { try body(db) } else { try db.transaction(body) }
        return outcomes
    }

    /// Plans that write nothing (a repeat whose time its first request took): answered from the key's first answer,
    /// else refused as the time they asked for is taken. Reads only.
    static func replays(_ plans: [WritePlan], _ db: PostgresConnection) throws -> [WritePlan.Outcome] {
        let answers = try IdempotencyRepository.answers(plans.map { $0.idempotency! }, db)
        let firsts = try firstAppointments(answers.compactMap { $0 }, db)
        return answers.map { answer in answer.map { replay($0, firsts) } ?? .refused(.deskTaken) }
    }

    /// The outcome of a plan whose key `leader` wrote (or found answered), as a repeat would hear it from the stored
    /// answer; `nil` when the leader's outcome does not settle the key.
    static func follow(_ leader: WritePlan, _ outcome: WritePlan.Outcome?, fingerprint: String) -> WritePlan.Outcome? {
        let sameRequest = leader.idempotency!.fingerprint == fingerprint
        switch outcome {
        case .committed(let changed):
            guard sameRequest else { return .keyReused }
            return changed.first { $0.id == leader.answerID }.map { .replayed($0, code: leader.code!) }
        case .replayed(let first, let code):
            return sameRequest ? .replayed(first, code: code) : .keyReused
        case .keyReused:
            return sameRequest ? .keyReused : nil
        default:
            return nil
        }
    }

    /// The outcome of a plan whose key was answered before.
    private static func replay(_ answer: IdempotencyRepository.Answer, _ firsts: [String: Appointment]) -> WritePlan.Outcome {
        guard answer.sameRequest else { return .keyReused }
        guard let first = firsts[answer.appointmentID] else { return .refused(.unknown) }
        return .replayed(first, code: answer.code)
    }

    private static func firstAppointments(_ answers: [IdempotencyRepository.Answer], _ db: PostgresConnection) throws
        -> [String: Appointment] {
        let ids = answers.filter(\.sameRequest).map(\.appointmentID)
        return Dictionary(try AppointmentRepository.fetch(ids: ids, db).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Inside the batch's transaction: locks the citizens of `indices`, reads what each holds, and refuses
    /// (`.limited`) the plans over a cap, in the order they were submitted.
    private static func limit(_ indices: [Int], _ plans: [WritePlan], _ outcomes: inout [WritePlan.Outcome?],
                              _ db: PostgresConnection) throws {
        let caps = indices.map { plans[$0].caps! }
        guard !caps.isEmpty else { return }
        try IdentityRepository.lock(caps.map(\.identity), db)
        let now = indices.map { plans[$0].now }.max()!
        let cooldownSeconds = caps.map(\.limits.cancelCooldownSeconds).max()!
        var standings = try IdentityRepository.standings(caps.map(\.identity), now: now,
                                                         cancelledSince: now.adding(seconds: -cooldownSeconds), db)
        // A hold being confirmed is capped as what it is: its services, and only when it was made online and is still a
        // hold (one confirmed already is a repeat, answered from its key or refused as confirmed, never as a new booking).
        let holdIDs = indices.compactMap { plans[$0].confirmedHoldID }
        let holds = Dictionary(try AppointmentRepository.fetch(ids: holdIDs, db).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for index in indices {
            let cap = plans[index].caps!
            var serviceIDs = cap.serviceIDs
            if let holdID = plans[index].confirmedHoldID {
                guard let hold = holds[holdID], hold.channel == .online, hold.status == .held else { continue }
                serviceIDs = hold.services.map(\.serviceID)
            }
            let standing = standings[cap.identity.hash] ?? .init()
            if let refusal = cap.limits.check(standing, serviceIDs: serviceIDs, now: plans[index].now) {
                outcomes[index] = .limited(refusal)
            } else {
                standings[cap.identity.hash, default: .init()].liveBookings += 1
            }
        }
    }

    /// The plans that are one new row each, with their keys, in one statement; a row in desk and time order for every
    /// writer (concurrent batches then wait on each other in the same order).
    private static func insert(_ indices: [Int], _ plans: [WritePlan], checkingKeys: Bool,
                               _ outcomes: inout [WritePlan.Outcome?], _ db: PostgresConnection) throws {
        guard !indices.isEmpty else { return }
        let rows = indices.map { (index: $0, row: plans[$0].singleInsert!) }
        let ordered = rows.sorted {
            let a = $0.row.appointment.run, b = $1.row.appointment.run
            return (a.deskID, a.date.dayNumber, a.startUnit) < (b.deskID, b.date.dayNumber, b.startUnit)
        }
        var result = try AppointmentRepository.insert(ordered.map(\.row), checkingKeys: checkingKeys, db)
        // A keyed row refused as taken may have found its own first booking there (its commit answer was lost, and the
        // ledger never learned of it): answered from its key, never as taken.
        let refusedKeyed = rows.filter { !result.ids.contains($0.row.appointment.id) && result.prior[$0.row.appointment.id] == nil
            && $0.row.idempotency != nil }.map(\.row)
        if !refusedKeyed.isEmpty {
            for (row, answer) in zip(refusedKeyed, try IdempotencyRepository.answers(refusedKeyed.map { $0.idempotency! }, db)) {
                if let answer { result.prior[row.appointment.id] = answer }
            }
        }
        let firsts = result.prior.isEmpty ? [:] : try firstAppointments(Array(result.prior.values), db)
        for (index, row) in rows {
            if result.ids.contains(row.appointment.id) {
                outcomes[index] = .committed([row.appointment])
            } else if let answer = result.prior[row.appointment.id] {
                outcomes[index] = replay(answer, firsts)
            } else {
                outcomes[index] = .refused(.deskTaken)
            }
        }
    }

    /// The plans that are one citizen's move each (most moves), by one statement.
    private static func move(_ indices: [Int], _ plans: [WritePlan], _ outcomes: inout [WritePlan.Outcome?],
                             _ db: PostgresConnection) throws {
        guard !indices.isEmpty else { return }
        let moved = try AppointmentRepository.move(indices.map { (plans[$0].singleMove!, plans[$0].now) }, db)
        for (index, moving) in zip(indices, moved) {
            switch outcome(of: moving) {
            case .success(let changed): outcomes[index] = .committed(changed)
            case .failure(let refusal): outcomes[index] = .refused(refusal)
            }
        }
    }

    /// What a move's result means for its plan.
    private static func outcome(of moving: AppointmentRepository.Moving?) -> Result<[Appointment], WritePlan.Refusal> {
        switch moving {
        case nil: .failure(.unknown)
        case .moved(let appointment): .success([appointment])
        case .notConfirmed(let appointment): .failure(.notConfirmed(appointment))
        case .pastCutoff(let appointment): .failure(.pastCutoff(appointment))
        case .movedMeanwhile(let appointment): .failure(.movedMeanwhile(appointment))
        case .deskTaken: .failure(.deskTaken)
        case .holdExpired: .failure(.holdExpired)
        }
    }

    /// A plan of several changes (or one that is not an insert) in a savepoint of its own: the first change the
    /// database refuses rolls back to it, and the plan is refused.
    private static func inSavepoint(_ plan: WritePlan, _ db: PostgresConnection) throws -> WritePlan.Outcome? {
        if let idempotency = plan.idempotency, let answer = try IdempotencyRepository.answers([idempotency], db)[0] {
            return replay(answer, try firstAppointments([answer], db))
        }
        try db.execute("SAVEPOINT plan")
        var changed: [Appointment] = []
        var refusal: WritePlan.Refusal?
        // Consecutive inserts (a round's won bookings) go in one statement, all of them or the plan is refused.
        var pending: [AppointmentRepository.NewRow] = []
        func insertPending() throws {
            guard !pending.isEmpty, refusal == nil else { return }
            let inserted = try AppointmentRepository.insert(pending, db)
            if inserted.ids.count == pending.count { changed += pending.map(\.appointment) } else { refusal = .deskTaken }
            pending = []
        }
        for change in plan.changes where refusal == nil {
            if case .insert(let row) = change {
                pending.append(row)
                continue
            }
            try insertPending()
            guard refusal == nil else { break }
            switch try apply(change, now: plan.now, db) {
            case .success(let appointments): changed += appointments
            case .failure(let refused): refusal = refused
            }
        }
        try insertPending()
        if refusal == nil, let idempotency = plan.idempotency, let holdID = plan.confirmedHoldID {
            // A confirmed hold takes the key now (a new row took it as it was inserted).
            let stored: Bool
            do {
                stored = try IdempotencyRepository.store(idempotency, appointmentID: holdID, code: plan.code!, db)
            } catch let error as PostgresError where error.sqlState == "23505" {
                stored = false
            }
            if !stored {
                try db.execute("ROLLBACK TO SAVEPOINT plan")
                return nil   // another appointment holds the key: answered from it in the next batch
            }
        }
        if let refusal {
            try db.execute("ROLLBACK TO SAVEPOINT plan")
            return .refused(refusal)
        }
        try db.execute("RELEASE SAVEPOINT plan")
        return .committed(changed)
    }

    /// One change: the appointments it changed, or why the database refused it.
    private static func apply(_ change: WritePlan.Change, now: Instant, _ db: PostgresConnection) throws
        -> Result<[Appointment], WritePlan.Refusal> {
        switch change {
        case .insert:
            preconditionFailure("inserts are written together by inSavepoint")
        case .seatWaiting(let entryID, let appointmentID):
            return try SessionWaitlistRepository.seat(entryID: entryID, appointmentID: appointmentID, db)
                ? .success([]) : .failure(.noLongerWaiting)
        case .onBehalf(let behalf):
            if let quota = behalf.staff.dailyQuota, try StaffRepository.bookingsOnBehalf(of: behalf.staff, on: now, db) >= quota {
                return .failure(.quotaReached(quota))
            }
            try AuditRepository.append(at: now, officeID: behalf.officeID, actor: .staff(behalf.staff),
                                       action: StaffRepository.onBehalfAction, subject: "booking:\(behalf.bookingID)",
                                       detail: "booked by \(behalf.staff.role.rawValue) \(behalf.staff.name) for the citizen", db)
            return .success([])
        case .confirmHold(let id, let code, let contact, let identity):
            switch try AppointmentRepository.confirmHold(id: id, code: code, contact: contact, identity: identity, now: now, db) {
            case .success(let booking): return .success([booking])
            case .failure(.unknown): return .failure(.unknown)
            case .failure(.expired): return .failure(.holdExpired)
            case .failure(.alreadyConfirmed): return .failure(.holdConfirmed)
            }
        case .cancel(let id, let code, let actor):
            switch try AppointmentRepository.cancel(id: id, code: code, now: now, db) {
            case nil: return .failure(.unknown)
            case .cancelled(let appointment):
                if case .staff = actor {
                    try AuditRepository.append(at: now, officeID: appointment.run.officeID, actor: actor, action: "booking.cancel",
                                               subject: "booking:\(id)", db)
                }
                return .success([appointment])
            case .notConfirmed(let appointment): return .failure(.notConfirmed(appointment))
            case .pastCutoff(let appointment): return .failure(.pastCutoff(appointment))
            }
        case .move(let move, let actor):
            let moving = move.holdID == nil ? try AppointmentRepository.move([(move, now)], db)[0]
                : try AppointmentRepository.move(ontoHold: move, now: now, db)
            let result = outcome(of: moving)
            if case .staff = actor, case .success = result {
                try AuditRepository.append(at: now, officeID: move.to.officeID, actor: actor, action: "booking.move",
                                           subject: "booking:\(move.id)",
                                           detail: "from office \(move.from.officeID) \(move.from.date) unit \(move.from.startUnit)", db)
            }
            return result
        case .expireHolds(let ids):
            return .success(try AppointmentRepository.expireHolds(ids: ids, now: now, db))
        case .eraseContacts(let before, let limit):
            try AppointmentRepository.eraseContacts(before: before, limit: limit, db)
            return .success([])
        case .forgetKeys(let before, let limit):
            try IdempotencyRepository.forget(before: before, limit: limit, db)
            return .success([])
        case .markNoShows(let officeID, let ids, let startedBy, let detail):
            try QueueRepository.lockOffice(officeID, db)
            let marked = try AppointmentRepository.markNoShows(ids: ids, officeID: officeID, startedBy: startedBy, db)
            for appointment in marked {
                try AuditRepository.append(at: now, officeID: officeID, actor: .engine, action: "booking.no-show",
                                           subject: "booking:\(appointment.id)", detail: detail, db)
            }
            return .success(marked)
        case .claimRound(let id):
            return try RoundRepository.lockDue(id: id, now: now, db) == nil ? .failure(.roundNotDue) : .success([])
        case .settleRound(let closing):
            for copy in closing.carried { try RoundRepository.insertCarried(copy, now: now, db) }
            return try RoundRepository.settle(roundID: closing.roundID, closing.settlements, report: closing.report, now: now, db)
                ? .success([]) : .failure(.roundNotDue)
        case .offerEarlier(let offer):
            return try EarlierListRepository.record(offer, now: now, db) ? .success([]) : .failure(.noLongerWaiting)
        }
    }
}
