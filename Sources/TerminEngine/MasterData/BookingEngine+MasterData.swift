import TerminCore
import TerminStore

/// Changes to an office's master data by staff: opening rules, closing days, desks, booking rules.
///
/// Each change is checked against itself and the catalogue (a contradiction is a 422 naming the field and changes
/// nothing), written with its audit line in one transaction that announces the catalogue's new revision to every
/// instance, and answered once this instance schedules by it. Bookings the change leaves outside the hours or on a
/// desk out of service are not touched: they are the change's conflicts (`conflicts(officeID:)`), for staff to move
/// or cancel.
extension BookingEngine {
    /// Most opening rules one office may have.
    public static let openingRulesMax = 50
    /// Most days one closure (or one calendar file) may close.
    public static let closureDaysMax = 366
    /// Longest closure reason, in characters.
    public static let closureReasonMax = 200
    /// Most days of notice an office may ask for online bookings, in minutes (30 days).
    public static let minNoticeMinutesMax = 43_200
    /// Longest booking horizon, in days.
    public static let horizonDaysMax = 730
    /// The earliest day an opening rule may be valid from.
    public static let validityFirstDate = LocalDate(year: 2000, month: 1, day: 1)!

    /// An opening rule as staff send it, checked by `replaceOpeningRules`.
    public struct OpeningRuleDraft: Sendable, Equatable {
        public var weekdays: [Int]
        public var validFrom: LocalDate
        public var validTo: LocalDate?
        public var startMinute: Int
        public var endMinute: Int
        public var staffedDesks: Int

        public init(weekdays: [Int], validFrom: LocalDate, validTo: LocalDate?, startMinute: Int, endMinute: Int,
                    staffedDesks: Int) {
            self.weekdays = weekdays
            self.validFrom = validFrom
            self.validTo = validTo
            self.startMinute = startMinute
            self.endMinute = endMinute
            self.staffedDesks = staffedDesks
        }
    }

    /// A change of one desk; what is `nil` stays.
    public struct DeskChange: Sendable, Equatable {
        public var serviceIDs: [Int]?
        public var accessible: Bool?
        public var inService: Bool?
        public init(serviceIDs: [Int]? = nil, accessible: Bool? = nil, inService: Bool? = nil) {
            self.serviceIDs = serviceIDs
            self.accessible = accessible
            self.inService = inService
        }
    }

    /// A change of an office's booking rules; what is `nil` stays.
    public struct BookingRulesChange: Sendable, Equatable {
        public var onlineWithheldPercent: Int?
        public var horizonDays: Int?
        public var minNoticeMinutes: Int?
        public init(onlineWithheldPercent: Int? = nil, horizonDays: Int? = nil, minNoticeMinutes: Int? = nil) {
            self.onlineWithheldPercent = onlineWithheldPercent
            self.horizonDays = horizonDays
            self.minNoticeMinutes = minNoticeMinutes
        }
    }

    // MARK: Reading

    /// An office's opening rules, earliest validity, then weekday and opening first.
    public func openingRules(officeID: Int) -> [OpeningRule] {
        (catalog.openingRules[officeID] ?? []).sorted {
            ($0.validFrom, $0.weekdays.min()!, $0.startMinute) < ($1.validFrom, $1.weekdays.min()!, $1.startMinute)
        }
    }

    /// An office's closing days from today on.
    public func closures(officeID: Int) throws(EngineError) -> [ClosingDaysCalendar.Day] {
        let today = BerlinTime.local(clock.now()).date
        return try withDatabase("closing days") { try MasterDataRepository.closures(officeID: officeID, from: today, $0) }
    }

    /// An office's confirmed bookings still to come whose time the master data in force no longer opens: the day is
    /// closed, the hours do not cover it, or its desk is out of service.
    public func conflicts(officeID: Int) throws(EngineError) -> [Appointment] {
        let now = clock.now()
        let bookings = try withDatabase("bookings") {
            try AppointmentRepository.confirmed(officeID: officeID, from: BerlinTime.local(now).date, $0)
        }
        return Self.conflicts(bookings, now: now, scheduler.layout(officeID:date:))
    }

    /// The bookings of `bookings` still to come that `layout` does not hold.
    static func conflicts(_ bookings: [Appointment], now: Instant, _ layout: (Int, LocalDate) -> DayLayout?) -> [Appointment] {
        bookings.filter { $0.end > now && !(layout($0.run.officeID, $0.run.date)?.holds($0.run) ?? false) }
    }

    // MARK: Changing

    /// Replaces an office's opening rules by `drafts`; returns the conflicts it leaves.
    /// - Throws: `invalid` naming `rules[i].<field>` for a rule that contradicts itself or another, or staffs more
    ///   desks than the office has.
    public func replaceOpeningRules(officeID: Int, drafts: [OpeningRuleDraft], by member: StaffMember) throws(EngineError)
        -> [Appointment] {
        let rules = try validated(drafts, officeID: officeID)
        let summary = rules.map { "\($0.weekdays.sorted()) \($0.startMinute)-\($0.endMinute) ×\($0.staffedDesks)" }
        return try change(officeID: officeID, by: member, action: "office.opening-rules", subject: "office:\(officeID)",
                          detail: "\(rules.count) rules: " + summary.joined(separator: "; ")) { db in
            try MasterDataRepository.replaceOpeningRules(officeID: officeID, rules: rules, db)
        }
    }

    /// Closes an office on `days` (a day closed already takes the new reason); returns the conflicts it leaves.
    /// - Throws: `invalid` naming `field` for a day before today, too many days, or an empty or too long reason.
    public func close(officeID: Int, days: [ClosingDaysCalendar.Day], field: String, by member: StaffMember)
        throws(EngineError) -> [Appointment] {
        let today = BerlinTime.local(clock.now()).date
        guard !days.isEmpty, days.count <= Self.closureDaysMax else {
            throw EngineError(.invalid, field: field, detail: "A closure closes 1 to \(Self.closureDaysMax) days.")
        }
        if let past = days.first(where: { $0.date < today }) {
            throw EngineError(.invalid, field: field, detail: "\(past.date) has passed; only today and later days can be closed.")
        }
        let readable = days.allSatisfy { day in
            (1...Self.closureReasonMax).contains(day.reason.unicodeScalars.count)
                && !day.reason.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
        guard readable else {
            throw EngineError(.invalid, field: field == "from" ? "reason" : field,
                              detail: "A closure's reason has 1 to \(Self.closureReasonMax) characters on one line.")
        }
        let span = days.count == 1 ? "\(days[0].date)" : "\(days.first!.date)…\(days.last!.date) (\(days.count) days)"
        return try change(officeID: officeID, by: member, action: "office.close", subject: "office:\(officeID)",
                          detail: "\(span): \(days[0].reason)") { db in
            try MasterDataRepository.close(officeID: officeID, days: days, db)
        }
    }

    /// Opens a closed day again. - Throws: `notFound`-like `invalid` when the office is not closed that day.
    public func reopen(officeID: Int, date: LocalDate, by member: StaffMember) throws(EngineError) {
        _ = try change(officeID: officeID, by: member, action: "office.reopen", subject: "office:\(officeID)",
                       detail: "\(date)") { db in
            guard try MasterDataRepository.reopen(officeID: officeID, date: date, db) else {
                throw EngineError(.closureNotFound, detail: "Office \(officeID) is not closed on \(date).")
            }
        }
    }

    /// Changes desk `number` of an office; returns the desk as it now is and the conflicts the change leaves.
    /// - Throws: `invalid` naming `services` (empty, a service the office does not offer) or `desk` (no such desk).
    public func changeDesk(officeID: Int, number: Int, _ desired: DeskChange, by member: StaffMember) throws(EngineError)
        -> (desk: Desk, conflicts: [Appointment]) {
        if let serviceIDs = desired.serviceIDs {
            guard !serviceIDs.isEmpty else {
                throw EngineError(.invalid, field: "services", detail: "A desk serves at least one service; take it out of service instead.")
            }
            for (index, id) in serviceIDs.enumerated() where catalog.offers[officeID]?[id] == nil {
                throw EngineError(.invalid, field: "services[\(index)]", detail: "Office \(officeID) does not offer service \(id).")
            }
        }
        guard desired != DeskChange() else {
            throw EngineError(.invalid, field: "body", detail: "Name at least one of services, accessible, in_service.")
        }
        var parts: [String] = []
        if let ids = desired.serviceIDs { parts.append("services \(ids.sorted())") }
        if let accessible = desired.accessible { parts.append("accessible \(accessible)") }
        if let inService = desired.inService { parts.append(inService ? "in service" : "out of service") }
        let conflicts = try change(officeID: officeID, by: member, action: "desk.change", subject: "desk:\(number)",
                                   detail: parts.joined(separator: ", ")) { db in
            guard try MasterDataRepository.changeDesk(officeID: officeID, number: number, serviceIDs: desired.serviceIDs.map(Set.init),
                                                      accessible: desired.accessible, inService: desired.inService, db) else {
                throw EngineError(.invalid, field: "desk", detail: "Office \(officeID) has no desk \(number).")
            }
        }
        return (catalog.desks[officeID]!.first { $0.number == number }!, conflicts)
    }

    /// Changes an office's online share, horizon or minimum notice; returns the office as it now is. Bookings are
    /// never in conflict with these: they bind only new bookings.
    /// - Throws: `invalid` naming the field out of range, or `body` when none is named.
    public func changeBookingRules(officeID: Int, _ desired: BookingRulesChange, by member: StaffMember) throws(EngineError) -> Office {
        let bounds: [(String, Int?, ClosedRange<Int>)] = [
            ("online_withheld_percent", desired.onlineWithheldPercent, 0...100),
            ("horizon_days", desired.horizonDays, 0...Self.horizonDaysMax),
            ("min_notice_minutes", desired.minNoticeMinutes, 0...Self.minNoticeMinutesMax),
        ]
        guard bounds.contains(where: { $0.1 != nil }) else {
            throw EngineError(.invalid, field: "body", detail: "Name at least one of online_withheld_percent, horizon_days, min_notice_minutes.")
        }
        for (field, value, range) in bounds {
            if let value, !range.contains(value) {
                throw EngineError(.invalid, field: field, detail: "\(field) lies between \(range.lowerBound) and \(range.upperBound).")
            }
        }
        let detail = bounds.compactMap { field, value, _ in value.map { "\(field) \($0)" } }.joined(separator: ", ")
        _ = try change(officeID: officeID, by: member, action: "office.booking-rules", subject: "office:\(officeID)",
                       detail: detail) { db in
            try MasterDataRepository.changeBookingRules(officeID: officeID, onlineWithheldPercent: desired.onlineWithheldPercent,
                                                        horizonDays: desired.horizonDays,
                                                        minNoticeMinutes: desired.minNoticeMinutes, db)
        }
        return catalog.offices[officeID]!
    }

    // MARK: Internals

    /// `changing` for a change of one office, whose conflicts it answers.
    private func change(officeID: Int, by member: StaffMember, action: String, subject: String, detail: String,
                        _ write: (DatabaseConnection) throws -> Void) throws(EngineError) -> [Appointment] {
        try changing(auditOfficeID: officeID, conflictsAt: [officeID], by: member, action: action, subject: subject,
                     detail: detail, write).conflicts
    }

    /// Writes a change with its audit line (at `auditOfficeID`, or at no office) and the announcement of the new
    /// revision in one transaction, works out the conflicts it leaves at the offices `conflictsAt`, and waits (at most
    /// `LiveCatalog.takeUpSecondsMax`) until this instance schedules by the new master data. Returns what `write` does.
    func changing<Written>(auditOfficeID: Int?, conflictsAt officeIDs: Set<Int>, by member: StaffMember, action: String,
                           subject: String, detail: String, _ write: (DatabaseConnection) throws -> Written)
        throws(EngineError) -> (written: Written, conflicts: [Appointment]) {
        let now = clock.now()
        let (written, revision, conflicts) = try withDatabase("master data") { db in
            try db.transaction { db in
                let written = try write(db)
                try AuditRepository.append(at: now, officeID: auditOfficeID, actor: .staff(member), action: action,
                                           subject: subject, detail: detail, db)
                let catalog = try CatalogRepository.load(db)
                var conflicts: [Appointment] = []
                for officeID in officeIDs.sorted() {
                    let bookings = try AppointmentRepository.confirmed(officeID: officeID, from: BerlinTime.local(now).date, db)
                    conflicts += Self.conflicts(bookings, now: now) { DayLayout.make(catalog: catalog, officeID: $0, date: $1) }
                }
                return (written, try MasterDataRepository.announceChange(db), conflicts)
            }
        }
        // Committed whatever happens next: a 503 would say nothing was changed. Should this instance's notifications
        // be lost meanwhile, its sync reconnects and reads the new revision then.
        _ = catalogs.waitForRevision(revision)
        return (written, conflicts)
    }

    /// The rules `drafts` describe, if they are consistent.
    private func validated(_ drafts: [OpeningRuleDraft], officeID: Int) throws(EngineError) -> [OpeningRule] {
        guard drafts.count <= Self.openingRulesMax else {
            throw EngineError(.invalid, field: "rules", detail: "An office has at most \(Self.openingRulesMax) opening rules.")
        }
        let deskCount = catalog.desks[officeID]?.count ?? 0
        var rules: [OpeningRule] = []
        for (index, draft) in drafts.enumerated() {
            let field = "rules[\(index)]"
            try Self.checkHours(draft, field: field)
            guard (1...max(1, deskCount)).contains(draft.staffedDesks), deskCount > 0 else {
                throw EngineError(.invalid, field: field + ".staffed_desks",
                                  detail: "Office \(officeID) has \(deskCount) desks; a rule staffs 1 to \(deskCount).")
            }
            let rule = OpeningRule(officeID: officeID, weekdays: Set(draft.weekdays), validFrom: draft.validFrom,
                                   validTo: draft.validTo, startMinute: draft.startMinute, endMinute: draft.endMinute,
                                   staffedDesks: draft.staffedDesks)
            if let earlier = rules.firstIndex(where: { $0.overlaps(rule) }) {
                throw EngineError(.invalid, field: field, detail: "This rule overlaps rules[\(earlier)]: one weekday, day and minute in both.")
            }
            rules.append(rule)
        }
        return rules
    }

    /// Checks the weekdays, validity and window of a rule (or shift) by itself; a contradiction is a 422 naming
    /// `field.<member>`.
    static func checkHours(_ draft: OpeningRuleDraft, field: String) throws(EngineError) {
        guard !draft.weekdays.isEmpty, draft.weekdays.allSatisfy({ (1...7).contains($0) }),
              Set(draft.weekdays).count == draft.weekdays.count else {
            throw EngineError(.invalid, field: field + ".weekdays", detail: "Weekdays are 1 (Monday) to 7 (Sunday), each once, at least one.")
        }
        guard draft.validFrom >= Self.validityFirstDate else {
            throw EngineError(.invalid, field: field + ".valid_from", detail: "A rule is valid from \(Self.validityFirstDate) on.")
        }
        if let validTo = draft.validTo, validTo < draft.validFrom {
            throw EngineError(.invalid, field: field + ".valid_to", detail: "valid_to is on or after valid_from.")
        }
        guard (0..<1440).contains(draft.startMinute), draft.startMinute < draft.endMinute, draft.endMinute <= 1440 else {
            throw EngineError(.invalid, field: field + ".closes", detail: "A rule closes after it opens, within the day.")
        }
    }
}
