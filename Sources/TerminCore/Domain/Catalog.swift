/// One service of an appointment and how many times it is needed (e.g. two passports).
public struct ServiceRequest: Hashable, Sendable {
    public let serviceID: Int
    public let quantity: Int
    public init(serviceID: Int, quantity: Int) {
        self.serviceID = serviceID
        self.quantity = quantity
    }
}

/// A validated combination of services at one office: how many units it lasts and which desks can serve it.
public struct AppointmentShape: Sendable, Equatable {
    public let officeID: Int
    public let services: [ServiceRequest]
    /// Consecutive grid units the appointment needs on one desk.
    public let slotUnits: Int
    /// Desks qualified for every service, in desk-number order.
    public let deskIDs: [Int]
    /// Of `deskIDs`, the group sessions' seats, with their seat numbers (empty for nearly every shape).
    public let seats: [Int: Int]

    /// The same appointment on one of its desks only (an allocation chose the desk).
    public func onDesk(_ deskID: Int) -> AppointmentShape { on([deskID]) }

    /// The same appointment on some of its desks only.
    public func on(_ chosen: [Int]) -> AppointmentShape {
        precondition(chosen.allSatisfy(deskIDs.contains), "qualified desks")
        return AppointmentShape(officeID: officeID, services: services, slotUnits: slotUnits, deskIDs: chosen,
                                seats: seats.filter { chosen.contains($0.key) })
    }
}

/// The master data the engine schedules over: offices, services, offers, desks, opening rules, helpers and their
/// shifts, and closing days.
public struct Catalog: Sendable {
    /// Most distinct services one appointment may combine.
    public static let servicesPerAppointmentMax = 5

    public let offices: [Int: Office]
    public let services: [Int: Service]
    /// Offers by office id, then service id.
    public let offers: [Int: [Int: Offer]]
    /// Desks by office id, in desk-number order.
    public let desks: [Int: [Desk]]
    public let openingRules: [Int: [OpeningRule]]
    public let closingCalendar: ClosingCalendar
    public let helpers: [Int: Helper]
    /// Helpers' shifts by the helper's desk id.
    public let helperShifts: [Int: [HelperShift]]
    /// Group sessions by id.
    public let sessions: [Int: GroupSession]
    /// Group sessions by office id, then date, in start order.
    public let sessionsByDay: [Int: [LocalDate: [GroupSession]]]
    /// Group sessions led by a helper, by the helper's id, then date.
    public let sessionsLed: [Int: [LocalDate: [GroupSession]]]

    public init(offices: [Office], services: [Service], offers: [Offer], desks: [Desk], openingRules: [OpeningRule],
                closingCalendar: ClosingCalendar, helpers: [Helper] = [], helperShifts: [HelperShift] = [],
                sessions: [GroupSession] = []) {
        self.offices = Dictionary(uniqueKeysWithValues: offices.map { ($0.id, $0) })
        self.services = Dictionary(uniqueKeysWithValues: services.map { ($0.id, $0) })
        self.offers = Dictionary(grouping: offers, by: \.officeID)
            .mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.serviceID, $0) }) }
        self.desks = Dictionary(grouping: desks, by: \.officeID).mapValues { $0.sorted { $0.number < $1.number } }
        self.openingRules = Dictionary(grouping: openingRules, by: \.officeID)
        self.closingCalendar = closingCalendar
        self.helpers = Dictionary(uniqueKeysWithValues: helpers.map { ($0.id, $0) })
        self.helperShifts = Dictionary(grouping: helperShifts, by: \.deskID)
        self.sessions = Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, $0) })
        self.sessionsByDay = Dictionary(grouping: sessions, by: \.officeID).mapValues { ofOffice in
            Dictionary(grouping: ofOffice, by: \.date).mapValues { $0.sorted { $0.startMinute < $1.startMinute } }
        }
        self.sessionsLed = Dictionary(grouping: sessions.filter { $0.leaderID != nil }, by: { $0.leaderID! })
            .mapValues { Dictionary(grouping: $0, by: \.date) }
    }

    /// Offices offering every one of `serviceIDs`, sorted by id.
    /// How late, in minutes before the start, a citizen may move or cancel a booking of `services` at `officeID`:
    /// the longest of the office's cut-off and its services' (the database's `termin_change_cutoff_minutes`).
    public func changeCutoffMinutes(officeID: Int, services: [ServiceRequest]) -> Int {
        let office = offices[officeID]?.changeCutoffMinutes ?? Office.changeCutoffMinutesDefault
        return services.compactMap { self.services[$0.serviceID]?.changeCutoffMinutes }.reduce(office, max)
    }

    public func offices(offering serviceIDs: Set<Int>) -> [Office] {
        offices.values.filter { office in serviceIDs.allSatisfy { offers[office.id]?[$0] != nil } }
            .sorted { $0.id < $1.id }
    }

    /// Validates a combination of services at an office for a channel and works out its length and desks.
    ///
    /// Two services may share an appointment when either lists the other as combinable (the export lists a few
    /// pairs in one direction only). The appointment lasts the sum of each offer's units times its quantity. Its desks
    /// are those qualified (a seat only as a seat of its session: see `desks(of:date:startUnit:)`), or with `seatsOf`,
    /// that session's seats.
    /// - Throws: `SchedulingError` naming the offending field (`office`, `services[i].id`, `services[i].quantity`).
    public func shape(officeID: Int, services requested: [ServiceRequest], channel: Channel, needs: Needs = [],
                      seatsOf session: GroupSession? = nil) throws(SchedulingError) -> AppointmentShape {
        guard let office = offices[officeID] else {
            throw SchedulingError(.unknownOffice, field: "office", detail: "There is no office \(officeID).")
        }
        guard !requested.isEmpty else {
            throw SchedulingError(.noServices, field: "services", detail: "An appointment needs at least one service.")
        }
        guard requested.count <= Self.servicesPerAppointmentMax else {
            throw SchedulingError(.tooManyServices, field: "services",
                                  detail: "At most \(Self.servicesPerAppointmentMax) services per appointment.")
        }
        var units = 0
        var seen = Set<Int>()
        for (index, request) in requested.enumerated() {
            let field = "services[\(index)]"
            guard let service = services[request.serviceID] else {
                throw SchedulingError(.unknownService, field: field + ".id", detail: "There is no service \(request.serviceID).")
            }
            guard seen.insert(service.id).inserted else {
                throw SchedulingError(.duplicateService, field: field + ".id",
                                      detail: "Service \(service.id) is listed twice; use its quantity instead.")
            }
            guard let offer = offers[officeID]?[service.id] else {
                throw SchedulingError(.serviceNotOffered, field: field + ".id",
                                      detail: "\(office.displayName) does not offer service \(service.id).")
            }
            if let reservedFor = offer.reservedFor, channel == .online {
                throw SchedulingError(.reservedOffer, field: field + ".id",
                                      detail: "Service \(service.id) at \(office.displayName) is reserved for \(reservedFor): "
                                          + "a helper or an intermediary books it for them.")
            }
            guard channel != .online || offer.bookableOnline else {
                throw SchedulingError(.notBookableOnline, field: field + ".id",
                                      detail: "Service \(service.id) cannot be booked online at this office.")
            }
            guard (1...service.maxQuantity).contains(request.quantity) else {
                throw SchedulingError(.quantityOutOfRange, field: field + ".quantity",
                                      detail: "The quantity must be between 1 and \(service.maxQuantity).")
            }
            for earlier in requested[..<index] {
                let other = services[earlier.serviceID]!
                guard service.combinableWith.contains(other.id) || other.combinableWith.contains(service.id) else {
                    throw SchedulingError(.notCombinable, field: field + ".id",
                                          detail: "Service \(service.id) cannot be combined with service \(other.id).")
                }
            }
            units += offer.slotUnits * request.quantity
        }
        let serviceIDs = Set(requested.map(\.serviceID))
        // A session's seats are its seats alone: never a helper's desk that could take the service too.
        let deskIDs = (desks[officeID] ?? []).filter { desk in
            guard desk.inService, serviceIDs.isSubset(of: desk.serviceIDs) else { return false }
            guard let session else { return true }
            return desk.seatNumber.map { $0 <= session.seats } ?? false
        }.map(\.id)
        guard !deskIDs.isEmpty else {
            throw SchedulingError(.noQualifiedDesk, field: "services",
                                  detail: "No desk at \(office.displayName) handles all of these services together.")
        }
        // A call-back comes to the citizen: no desk to reach.
        let needs = office.kind == .phone ? needs.subtracting(.wheelchair) : needs
        let qualified = desks[officeID]!.filter { deskIDs.contains($0.id) }
        let meeting = qualified.filter { needs.isMet(by: $0) }.map(\.id)
        guard !meeting.isEmpty else {
            guard qualified.contains(where: { needs.withoutLanguages.isMet(by: $0) }) else {
                throw SchedulingError(.noAccessibleDesk, field: "needs",
                                      detail: "No desk at \(office.displayName) for these services meets the needs \(needs.names).")
            }
            throw SchedulingError(.noAccessibleDesk, field: "languages",
                                  detail: "Nobody at \(office.displayName) helps with these services in "
                                      + needs.languages.map(\.rawValue).joined(separator: " or ") + ".")
        }
        guard units <= office.unitsPerDay else {
            throw SchedulingError(.quantityOutOfRange, field: "services", detail: "The appointment is longer than a day.")
        }
        let seats = Dictionary(uniqueKeysWithValues: qualified.compactMap { desk in
            desk.seatNumber.flatMap { meeting.contains(desk.id) ? (desk.id, $0) : nil }
        })
        return AppointmentShape(officeID: officeID, services: requested, slotUnits: units, deskIDs: meeting, seats: seats)
    }

    /// The desks of `shape` that may take it at `startUnit` on `date`: all but the group sessions' seats, and a seat only
    /// as a seat of a session there and then (the session's one service, at its start, within its seats), as the
    /// database holds it (`Sql/025`).
    public func desks(of shape: AppointmentShape, date: LocalDate, startUnit: Int) -> [Int] {
        guard !shape.seats.isEmpty else { return shape.deskIDs }
        let seatsThen = sessionSeats(for: shape, date: date, startUnit: startUnit)
        return shape.deskIDs.filter { shape.seats[$0].map { $0 <= seatsThen } ?? true }
    }

    /// The most seats of a session of `shape`'s one service starting at `startUnit` on `date` at its office; 0 if none.
    func sessionSeats(for shape: AppointmentShape, date: LocalDate, startUnit: Int) -> Int {
        guard shape.services.count == 1, shape.services[0].quantity == 1, let office = offices[shape.officeID] else { return 0 }
        return (sessionsByDay[shape.officeID]?[date] ?? []).filter {
            $0.serviceID == shape.services[0].serviceID && $0.startMinute == startUnit * office.slotMinutes
        }.map(\.seats).max() ?? 0
    }
}
