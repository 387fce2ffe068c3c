import TerminCore
import TerminStore

/// Changes to the master data of in-person help by staff: helpers and their shifts (admins), group sessions at a
/// place (its leads and admins), offers reserved for some people (admins).
///
/// As the offices' master data (`BookingEngine+MasterData`): each change is checked first (a contradiction is a 422
/// naming the field and changes nothing), written with its audit line in one transaction that announces the new
/// catalogue to every instance, and answered once this instance schedules by it. Bookings a change of shifts leaves
/// outside a helper's hours are kept and answered as conflicts, for staff to move or cancel.
extension BookingEngine {
    /// Longest helper name, in characters.
    public static let helperNameMax = 120
    /// Most shifts one helper may have.
    public static let helperShiftsMax = 50
    /// Most seats one group session may have.
    public static let sessionSeatsMax = 200
    /// Longest text saying whom an offer is reserved for, in characters.
    public static let reservedForMax = 200

    /// A helper as staff describe them; for a change, what is `nil` stays.
    public struct HelperDraft: Sendable, Equatable {
        public var name: String?
        public var languages: [SpokenLanguage]?
        public var skills: [Int]?
        public init(name: String? = nil, languages: [SpokenLanguage]? = nil, skills: [Int]? = nil) {
            self.name = name
            self.languages = languages
            self.skills = skills
        }
    }

    /// One shift as staff send it: the hours of an opening rule (`staffedDesks` unused) at a help place.
    public struct ShiftDraft: Sendable, Equatable {
        public var officeID: Int
        public var hours: OpeningRuleDraft
        public init(officeID: Int, hours: OpeningRuleDraft) {
            self.officeID = officeID
            self.hours = hours
        }
    }

    /// A group session as staff send it.
    public struct SessionDraft: Sendable, Equatable {
        public var serviceID: Int
        public var date: LocalDate
        public var startMinute: Int
        public var seats: Int
        public var leaderID: Int?
        public init(serviceID: Int, date: LocalDate, startMinute: Int, seats: Int, leaderID: Int?) {
            self.serviceID = serviceID
            self.date = date
            self.startMinute = startMinute
            self.seats = seats
            self.leaderID = leaderID
        }
    }

    // MARK: Helpers

    /// Every helper, by id.
    public var helpers: [Helper] { catalog.helpers.values.sorted { $0.id < $1.id } }

    /// A helper's shifts, earliest validity, then weekday and start first.
    public func shifts(helperID: Int) -> [HelperShift] {
        (catalog.desks.values.joined().filter { $0.helperID == helperID }).flatMap { catalog.helperShifts[$0.id] ?? [] }
            .sorted { ($0.hours.validFrom, $0.hours.weekdays.min()!, $0.hours.startMinute)
                < ($1.hours.validFrom, $1.hours.weekdays.min()!, $1.hours.startMinute) }
    }

    /// Adds a helper with a name, languages and skills, all three given.
    /// - Throws: `invalid` naming `name`, `languages`, `skills` or `skills[i]`.
    public func addHelper(_ draft: HelperDraft, by member: StaffMember) throws(EngineError) -> Helper {
        guard let name = draft.name, let languages = draft.languages, let skills = draft.skills else {
            throw EngineError(.invalid, field: draft.name == nil ? "name" : draft.languages == nil ? "languages" : "skills",
                              detail: "A new helper has a name, languages and skills.")
        }
        try checkHelper(draft)
        let id = try changing(auditOfficeID: nil, conflictsAt: [], by: member, action: "helper.add", subject: "helper",
                              detail: "\(name): \(languages.map(\.rawValue).joined(separator: ",")); skills \(skills.sorted())") { db in
            try HelpMasterDataRepository.addHelper(name: name, languages: languages, skills: Set(skills), db)
        }.written
        return catalog.helpers[id]!
    }

    /// Changes a helper's name, languages or skills. Bookings already made with the helper stay as they are.
    /// - Throws: `helperNotFound`; `invalid` naming the field, or `body` when none is named.
    public func changeHelper(id: Int, _ draft: HelperDraft, by member: StaffMember) throws(EngineError) -> Helper {
        guard catalog.helpers[id] != nil else { throw EngineError(.helperNotFound, detail: "There is no helper \(id).") }
        guard draft != HelperDraft() else {
            throw EngineError(.invalid, field: "body", detail: "Name at least one of name, languages, skills.")
        }
        try checkHelper(draft)
        var parts: [String] = []
        if let name = draft.name { parts.append("name \(name)") }
        if let languages = draft.languages { parts.append("languages " + languages.map(\.rawValue).joined(separator: ",")) }
        if let skills = draft.skills { parts.append("skills \(skills.sorted())") }
        _ = try changing(auditOfficeID: nil, conflictsAt: [], by: member, action: "helper.change", subject: "helper:\(id)",
                         detail: parts.joined(separator: ", ")) { db in
            _ = try HelpMasterDataRepository.changeHelper(id: id, name: draft.name, languages: draft.languages,
                                                          skills: draft.skills.map(Set.init), db)
        }
        return catalog.helpers[id]!
    }

    private func checkHelper(_ draft: HelperDraft) throws(EngineError) {
        if let name = draft.name {
            let scalars = name.unicodeScalars
            guard (1...Self.helperNameMax).contains(name.count), !scalars.contains(where: { $0.properties.generalCategory == .control }),
                  !scalars.first!.properties.isWhitespace, !scalars.last!.properties.isWhitespace else {
                throw EngineError(.invalid, field: "name", detail: "A helper's name has 1 to \(Self.helperNameMax) characters on one line, "
                                  + "without spaces at its ends.")
            }
        }
        if let languages = draft.languages, languages.isEmpty || Set(languages).count != languages.count {
            throw EngineError(.invalid, field: "languages", detail: "A helper helps in at least one language, each named once.")
        }
        if let skills = draft.skills {
            guard !skills.isEmpty, Set(skills).count == skills.count else {
                throw EngineError(.invalid, field: "skills", detail: "A helper helps with at least one service, each named once.")
            }
            for (index, id) in skills.enumerated() where catalog.services[id] == nil {
                throw EngineError(.invalid, field: "skills[\(index)]", detail: "There is no service \(id).")
            }
        }
    }

    // MARK: Shifts

    /// Replaces every shift of a helper; returns the shifts now in force and the bookings with the helper they leave
    /// outside the helper's hours. A helper gets a desk at a place the first time a shift names it.
    /// - Throws: `helperNotFound`; `invalid` naming `shifts[i].<member>` for a shift at no help place, one that
    ///   contradicts itself, or one that overlaps another (the helper would be at two places at once).
    public func replaceShifts(helperID: Int, drafts: [ShiftDraft], by member: StaffMember) throws(EngineError)
        -> (shifts: [HelperShift], conflicts: [Appointment]) {
        guard let helper = catalog.helpers[helperID] else { throw EngineError(.helperNotFound, detail: "There is no helper \(helperID).") }
        guard drafts.count <= Self.helperShiftsMax else {
            throw EngineError(.invalid, field: "shifts", detail: "A helper has at most \(Self.helperShiftsMax) shifts.")
        }
        var rules: [OpeningRule] = []
        for (index, draft) in drafts.enumerated() {
            let field = "shifts[\(index)]"
            guard let place = catalog.offices[draft.officeID], place.kind != .citizenOffice else {
                throw EngineError(.invalid, field: field + ".office",
                                  detail: "Office \(draft.officeID) is no help place (help desk, mobile stop or call-back line).")
            }
            try Self.checkHours(draft.hours, field: field)
            let rule = OpeningRule(officeID: place.id, weekdays: Set(draft.hours.weekdays), validFrom: draft.hours.validFrom,
                                   validTo: draft.hours.validTo, startMinute: draft.hours.startMinute,
                                   endMinute: draft.hours.endMinute, staffedDesks: 1)
            if let earlier = rules.firstIndex(where: { $0.coincides(with: rule) }) {
                throw EngineError(.invalid, field: field,
                                  detail: "This shift overlaps shifts[\(earlier)]: \(helper.name) would be at two places at once.")
            }
            rules.append(rule)
        }
        let places = Set(rules.map(\.officeID)).union(catalog.desks.values.joined().filter { $0.helperID == helperID }.map(\.officeID))
        let summary = rules.map { "\($0.officeID) \($0.weekdays.sorted()) \($0.startMinute)-\($0.endMinute)" }
        let conflicts = try changing(auditOfficeID: nil, conflictsAt: places, by: member, action: "helper.shifts",
                                     subject: "helper:\(helperID)",
                                     detail: "\(rules.count) shifts: " + summary.joined(separator: "; ")) { db in
            do {
                _ = try HelpMasterDataRepository.replaceShifts(helperID: helperID, shifts: rules, db)
            } catch HelpMasterDataRepository.Refusal.helperBusy {
                throw EngineError(.helperBusy, field: "shifts", detail: "\(helper.name) has another shift at that time.")
            }
        }.conflicts
        return (shifts(helperID: helperID), conflicts)
    }

    // MARK: Group sessions

    /// Adds a group session at a place; the place gets as many seats as the session has.
    /// - Throws: `invalid` naming `service`, `date`, `start`, `seats` or `leader`; `sessionOverlaps` (`start`) when
    ///   another session at the place overlaps it; `helperBusy` (`leader`) when its leader has time taken then.
    public func addSession(officeID: Int, _ draft: SessionDraft, by member: StaffMember) throws(EngineError) -> GroupSession {
        let place = catalog.offices[officeID]!
        guard place.kind == .helpDesk || place.kind == .mobile else {
            throw EngineError(.invalid, field: "id", detail: "Group sessions are held at help desks and mobile stops.")
        }
        guard let offer = catalog.offers[officeID]?[draft.serviceID] else {
            throw EngineError(.invalid, field: "service", detail: "\(place.displayName) does not offer service \(draft.serviceID).")
        }
        let today = BerlinTime.local(clock.now()).date
        guard draft.date >= today, draft.date.dayNumber - today.dayNumber <= Self.horizonDaysMax else {
            throw EngineError(.invalid, field: "date", detail: "A session is held from today to \(Self.horizonDaysMax) days ahead.")
        }
        guard draft.startMinute % place.slotMinutes == 0, draft.startMinute + offer.slotUnits * place.slotMinutes <= 1440 else {
            throw EngineError(.invalid, field: "start", detail: "A session starts on the place's \(place.slotMinutes)-minute grid "
                              + "and ends within its day.")
        }
        guard (1...Self.sessionSeatsMax).contains(draft.seats) else {
            throw EngineError(.invalid, field: "seats", detail: "A session has 1 to \(Self.sessionSeatsMax) seats.")
        }
        if let leaderID = draft.leaderID, catalog.helpers[leaderID] == nil {
            throw EngineError(.invalid, field: "leader", detail: "There is no helper \(leaderID).")
        }
        let startText = "\(draft.startMinute / 60):" + (draft.startMinute % 60 < 10 ? "0" : "") + "\(draft.startMinute % 60)"
        let id = try changing(auditOfficeID: officeID, conflictsAt: [], by: member, action: "session.add", subject: "office:\(officeID)",
                              detail: "service \(draft.serviceID) \(draft.date) \(startText), \(draft.seats) seats"
                                  + (draft.leaderID.map { ", led by helper \($0)" } ?? "")) { db in
            do {
                return try HelpMasterDataRepository.addSession(officeID: officeID, serviceID: draft.serviceID, date: draft.date,
                                                               startMinute: draft.startMinute, seats: draft.seats,
                                                               leaderID: draft.leaderID, db)
            } catch HelpMasterDataRepository.Refusal.helperBusy {
                throw EngineError(.helperBusy, field: "leader", detail: "Helper \(draft.leaderID!) has an appointment or leads a "
                                  + "session then.")
            } catch HelpMasterDataRepository.Refusal.sessionOverlaps(let other) {
                throw EngineError(.sessionOverlaps, field: "start", detail: "Session \(other) at this place overlaps it.")
            }
        }.written
        return catalog.sessions[id]!
    }

    /// Takes a group session away; its seats must all be free (cancel or move their bookings first).
    /// - Throws: `sessionNotFound`; `sessionHasSeats`.
    public func removeSession(id: Int, by member: StaffMember) throws(EngineError) {
        guard let session = catalog.sessions[id] else { throw EngineError(.sessionNotFound, detail: "There is no group session \(id).") }
        _ = try changing(auditOfficeID: session.officeID, conflictsAt: [], by: member, action: "session.remove",
                         subject: "office:\(session.officeID)", detail: "session \(id) (\(session.date))") { db in
            do {
                guard try HelpMasterDataRepository.removeSession(id: id, db) else {
                    throw EngineError(.sessionNotFound, detail: "There is no group session \(id).")
                }
            } catch HelpMasterDataRepository.Refusal.seatsTaken {
                throw EngineError(.sessionHasSeats, detail: "Seats of session \(id) are held or booked; cancel or move them first.")
            }
        }
    }

    // MARK: Reserved offers

    /// Reserves a place's offer for the people `reservedFor` names (only a helper, an intermediary or an admin then
    /// books it), or opens it to anyone (`nil`); returns the offer as it now is. Bookings made stay.
    /// - Throws: `invalid` naming `service` (not offered there) or `reserved_for`.
    public func reserveOffer(officeID: Int, serviceID: Int, for reservedFor: String?, by member: StaffMember) throws(EngineError) -> Offer {
        guard catalog.offers[officeID]?[serviceID] != nil else {
            throw EngineError(.invalid, field: "service", detail: "Office \(officeID) does not offer service \(serviceID).")
        }
        if let reservedFor {
            guard (1...Self.reservedForMax).contains(reservedFor.count),
                  !reservedFor.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw EngineError(.invalid, field: "reserved_for", detail: "Whom an offer is reserved for: 1 to \(Self.reservedForMax) "
                                  + "characters on one line.")
            }
        }
        _ = try changing(auditOfficeID: officeID, conflictsAt: [], by: member, action: "offer.reserve",
                         subject: "service:\(serviceID)", detail: reservedFor.map { "for \($0)" } ?? "open to anyone") { db in
            _ = try HelpMasterDataRepository.reserveOffer(officeID: officeID, serviceID: serviceID, reservedFor: reservedFor, db)
        }
        return catalog.offers[officeID]![serviceID]!
    }
}
