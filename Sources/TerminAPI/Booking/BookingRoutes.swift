import TerminCore
import TerminHTTP
import TerminEngine

/// `POST /v1/holds`, `POST /v1/bookings`, `GET|DELETE /v1/bookings/{id}`, `POST /v1/bookings/{id}/move`,
/// `GET /v1/bookings/{id}/calendar.ics`.
extension TerminAPI {
    /// Longest contact name and e-mail address accepted, in characters.
    static let contactNameMax = 200
    static let contactEmailMax = 254
    /// Longest idempotency key accepted, in bytes.
    static let idempotencyKeyBytesMax = 255

    func createHold(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        try requireProofOfWork(request)
        let body = try JSONBody.decode(HoldRequestJSON.self, from: request)
        let start = try Self.start(body.start)
        let (channel, member) = try bookingChannel(body.channel, field: "channel", officeID: body.office, request)
        let needs = try Self.needs(body.needs, languages: body.languages)
        let record = try run { () throws(EngineError) in
            try engine.hold(officeID: body.office, start: start, services: body.services.map(\.request), channel: channel,
                            needs: needs, by: member)
        }
        return JSONBody.response(201, HoldJSON(record), headers: [("Location", "/v1/holds/\(record.id)")])
    }

    func createBooking(_ request: HTTPRequest) throws(APIFailure) -> HTTPResponse {
        try requireProofOfWork(request)
        let (source, contact, key, member) = try bookingRequest(request)
        let pseudonym = try pseudonym(request)
        let fingerprint = Self.fingerprint(source, contact: contact, pseudonym: pseudonym)
        let booking = try run { () throws(EngineError) in
            try engine.book(source, contact: contact, pseudonym: pseudonym, by: member, idempotencyKey: key,
                            fingerprint: fingerprint)
        }
        return Self.booked(booking)
    }

    /// `POST /v1/bookings` on the event loop: the booking is decided and reserved at once and answered when its batch
    /// is committed, with no thread waiting for it (an Idempotency-Key is stored in the same batch, and a repeat is
    /// answered from its first answer by the writer). A staff booking (its token is checked in the database) goes to a
    /// worker (`createBooking`).
    func createBookingDeferring(_ request: HTTPRequest, later: @escaping @Sendable (HTTPResponse) -> Void) -> Router.InlineOutcome {
        guard request.header("authorization") == nil else { return .blocking }
        do throws(APIFailure) {
            let (source, contact, key, _) = try bookingRequest(request)   // no token: no one books on a citizen's behalf
            let pseudonym = try pseudonym(request)
            let idempotency = key.map { ($0, Self.fingerprint(source, contact: contact, pseudonym: pseudonym)) }
            try requireProofOfWork(request)
            try run { () throws(EngineError) in
                try engine.book(source, contact: contact, pseudonym: pseudonym, idempotency: idempotency) { result in
                    switch result {
                    case .success(let booking): later(Self.booked(booking))
                    case .failure(let error): later(APIFailure(error).response)
                    }
                }
            }
            return .deferred
        } catch {
            return .answered(error.response)
        }
    }

    /// A booking request's source (a hold, or office, start and services), contact, Idempotency-Key and the staff
    /// member booking it on the citizen's behalf (in the staff and walk-in channels), checked.
    func bookingRequest(_ request: HTTPRequest) throws(APIFailure)
        -> (source: BookingEngine.BookingSource, contact: Appointment.Contact?, key: String?, staff: StaffMember?) {
        let body = try BookingRequestJSON(try JSONBody.read(request))
        let key = try Self.idempotencyKey(request)
        let contact = try Self.contact(body.contact)
        if let hold = body.hold {
            guard body.office == nil, body.start == nil, body.services == nil, body.needs == nil, body.languages == nil else {
                throw APIFailure.invalid("hold", "Send either a hold, or office, start and services, not both.")
            }
            // Staff confirming a hold for the citizen do so where they may book, and are recorded as booking it.
            let member = try optionalStaffMember(request)
            if let member, let officeID = engine.officeOfHold(hold), let office = engine.catalog.offices[officeID] {
                try run { () throws(EngineError) in try staff.authorizeBooking(member, at: office) }
            }
            return (.hold(id: hold), contact, key, member)
        }
        guard let office = body.office else { throw APIFailure.invalid("office", "Send a hold, or office, start and services.") }
        guard let startText = body.start else { throw APIFailure.invalid("start", "This field is required.") }
        guard let services = body.services else { throw APIFailure.invalid("services", "This field is required.") }
        let (channel, member) = try bookingChannel(body.channel, field: "channel", officeID: office, request)
        let source = BookingEngine.BookingSource.direct(officeID: office, start: try Self.start(startText), services: services.map(\.request),
                                                        channel: channel, needs: try Self.needs(body.needs, languages: body.languages))
        return (source, contact, key, member)
    }

    /// `201` with the booking, its code (shown this once) and its `Location`.
    static func booked(_ booking: IssuedBooking) -> HTTPResponse {
        .json(201, BookingJSON(booking.record, code: booking.code).json,
              headers: [("Location", "/v1/bookings/\(booking.record.id)")])
    }

    func showBooking(_ request: HTTPRequest, id: String) throws(APIFailure) -> HTTPResponse {
        let code = try Self.bookingCode(request)
        let record = try run { () throws(EngineError) in try engine.booking(id: id, code: code) }
        return .json(200, BookingJSON(record, code: nil).json)
    }

    /// Cancels a booking: its citizen until the cut-off, or staff of its office at any time (`requester`).
    func cancelBooking(_ request: HTTPRequest, id: String) throws(APIFailure) -> HTTPResponse {
        let requester = try requester(request, bookingID: id)
        let record = try run { () throws(EngineError) in try engine.cancel(id: id, by: requester) }
        return .json(200, BookingJSON(record, code: nil).json)
    }

    /// Who asks to change booking `id`: staff who serve the queue with `Authorization: Bearer <token>` (not bound by
    /// the cut-off; the engine checks their offices), else its citizen with `Authorization: Booking <code>`.
    func requester(_ request: HTTPRequest, bookingID id: String) throws(APIFailure) -> BookingEngine.Requester {
        guard Self.credential(request, scheme: "Bearer") != nil else {
            return .citizen(code: try Self.bookingCode(request))
        }
        let member = try staffMember(request)
        try run { () throws(EngineError) in try staff.authorize(member, .serveQueue, officeID: nil) }
        return .staff(member)
    }

    /// Moves a booking: its citizen until the cut-off, or staff of the booking's office and the new one at any time.
    func moveBooking(_ request: HTTPRequest, id: String) throws(APIFailure) -> HTTPResponse {
        let requester = try requester(request, bookingID: id)
        let target = try moveTarget(request)
        let record = try run { () throws(EngineError) in try engine.move(id: id, by: requester, to: target) }
        return Self.moved(record)
    }

    /// `POST /v1/bookings/{id}/move` on the event loop: a citizen's move to a time, decided from the ledger, is
    /// answered when its batch is committed, with no thread waiting for it. What needs a read of the database (a staff
    /// token, a booking this instance's ledger does not know, a move onto a hold) goes to a worker (`moveBooking`).
    func moveBookingDeferring(_ request: HTTPRequest, id: String, later: @escaping @Sendable (HTTPResponse) -> Void)
        -> Router.InlineOutcome {
        guard Self.credential(request, scheme: "Bearer") == nil else { return .blocking }
        do throws(APIFailure) {
            let requester = try requester(request, bookingID: id)
            let target = try moveTarget(request)
            let decided = try run { () throws(EngineError) in
                try engine.move(id: id, by: requester, to: target, reading: false) { result in
                    switch result {
                    case .success(let record): later(Self.moved(record))
                    case .failure(let error): later(APIFailure(error).response)
                    }
                }
            }
            return decided ? .deferred : .blocking
        } catch {
            return .answered(error.response)
        }
    }

    static func moved(_ record: Appointment) -> HTTPResponse { .json(200, BookingJSON(record, code: nil).json) }

    /// Where a move's body says the booking goes.
    func moveTarget(_ request: HTTPRequest) throws(APIFailure) -> BookingEngine.MoveTarget {
        let body = try JSONBody.decode(MoveRequestJSON.self, from: request)
        let target: BookingEngine.MoveTarget
        if let hold = body.hold {
            guard body.office == nil, body.start == nil, body.needs == nil, body.languages == nil else {
                throw APIFailure.invalid("hold", "Send either a hold, or a start (and office), not both.")
            }
            target = .hold(id: hold)
        } else {
            guard let start = body.start else { throw APIFailure.invalid("start", "Send a start (and office), or a hold.") }
            target = .time(officeID: body.office, start: try Self.start(start), needs: try Self.needs(body.needs, languages: body.languages))
        }
        return target
    }

    func calendar(_ request: HTTPRequest, id: String) throws(APIFailure) -> HTTPResponse {
        let code = try Self.bookingCode(request)
        let record = try run { () throws(EngineError) in try engine.booking(id: id, code: code) }
        let office = engine.catalog.offices[record.run.officeID]!
        let names = record.services.map { engine.catalog.services[$0.serviceID]?.nameDE ?? String($0.serviceID) }
        let text = ICalendar.event(for: record, office: office, serviceNames: names, stamp: engine.clock.now())
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/calendar; charset=utf-8"),
                                                   ("Content-Disposition", "attachment; filename=\"termin-\(id).ics\"")],
                            body: Array(text.utf8))
    }

    // MARK: Reading the request

    static func start(_ text: String) throws(APIFailure) -> Instant {
        guard let start = BerlinTime.parse(text) else {
            throw APIFailure.invalid("start", "start is a date-time with offset, e.g. 2026-12-01T08:30:00+01:00.")
        }
        return start
    }

    /// The code in `Authorization: Booking <code>` (of a booking, or of a round request): 401 without one, whatever the
    /// id, so that only a wrong code's 404 depends on what exists.
    static func bookingCode(_ request: HTTPRequest) throws(APIFailure) -> String {
        guard let code = credential(request, scheme: "Booking") else {
            throw APIFailure(ProblemDetails(type: APIFailure.typeBase + "booking-code-required", title: "Booking code required",
                                            status: 401, detail: "Send the code given at booking: Authorization: Booking <code>.",
                                            field: "Authorization"),
                             headers: [("WWW-Authenticate", "Booking realm=\"termin\"")])
        }
        return code
    }

    static func contact(_ contact: ContactJSON?) throws(APIFailure) -> Appointment.Contact? {
        guard let contact else { return nil }
        let name = contact.name?.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = contact.email?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name {
            guard !name.isEmpty, name.count <= contactNameMax, !name.contains(where: { $0.isNewline }) else {
                throw APIFailure.invalid("contact.name", "A name has 1 to \(contactNameMax) characters on one line.")
            }
        }
        if let email {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard email.count <= contactEmailMax, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                  !email.contains(where: { $0.isWhitespace }) else {
                throw APIFailure.invalid("contact.email", "This is not an e-mail address.")
            }
        }
        var phone: String?
        if let text = contact.phone {
            guard text.wholeMatch(of: /\+?[0-9]{6,15}/) != nil else {
                throw APIFailure.invalid("contact.phone",
                                         "A phone number is 6 to 15 digits without spaces, with a leading + for an international one.")
            }
            phone = text
        }
        var language: Appointment.Language?
        if let text = contact.language {
            guard let chosen = Appointment.Language(rawValue: text) else {
                throw APIFailure.invalid("contact.language", "The language of mails is de or en.")
            }
            language = chosen
        }
        let checked = Appointment.Contact(name: name, email: email, language: language, phone: phone)
        return checked.isEmpty ? nil : checked
    }

    /// `needs` (`["wheelchair"]`) and `languages` (`["tr", "en"]`: help in any of them) as sent, checked.
    static func needs(_ names: [String]?, languages: [String]?) throws(APIFailure) -> Needs {
        var needs: Needs = []
        for (index, name) in (names ?? []).enumerated() {
            guard let need = Needs.byName[name] else {
                throw APIFailure.invalid("needs[\(index)]",
                                         "Unknown need \(name); known: \(Needs.byName.keys.sorted().joined(separator: ", ")).")
            }
            needs.insert(need)
        }
        for (index, code) in (languages ?? []).enumerated() {
            needs.insert(.speaking(try language(code, field: "languages[\(index)]")))
        }
        return needs
    }

    /// A language by its ISO 639-1 code, or a 422 naming `field` that lists the known codes.
    static func language(_ code: String, field: String) throws(APIFailure) -> SpokenLanguage {
        guard let language = SpokenLanguage(rawValue: code) else {
            throw APIFailure.invalid(field, "Unknown language \(code); known (ISO 639-1): \(SpokenLanguage.codes.joined(separator: ", ")).")
        }
        return language
    }

    /// A canonical text of what a booking request asks for, to recognise repeats of an idempotency key.
    static func fingerprint(_ source: BookingEngine.BookingSource, contact: Appointment.Contact?, pseudonym: String?) -> String {
        switch source {
        case .hold(let id):
            return fingerprint(asking: "hold=\(id)", contact: contact, pseudonym: pseudonym)
        case .direct(let officeID, let start, let services, let channel, let needs, _):   // seats have their own route
            return fingerprint(asking: "office=\(officeID);start=\(start.secondsSinceEpoch);channel=\(channel.rawValue);services="
                                   + services.map { "\($0.serviceID):\($0.quantity)" }.joined(separator: ",")
                                   + ";needs=" + needs.tokens.joined(separator: ","),
                               contact: contact, pseudonym: pseudonym)
        }
    }

    /// The fingerprint of a request asking for `asking` (its canonical text) for the citizen named by `contact` and
    /// `pseudonym`.
    static func fingerprint(asking: String, contact: Appointment.Contact?, pseudonym: String?) -> String {
        let text = asking + ";name=\(contact?.name ?? "");email=\(contact?.email ?? "")"
            + (contact?.language.map { ";language=\($0.rawValue)" } ?? "")
        return pseudonym.map { text + ";pseudonym=\($0)" } ?? text
    }

    /// The request's `Idempotency-Key`, if it carries one: 1 to `idempotencyKeyBytesMax` bytes.
    static func idempotencyKey(_ request: HTTPRequest) throws(APIFailure) -> String? {
        let key = request.header("idempotency-key")
        if let key, key.isEmpty || key.utf8.count > idempotencyKeyBytesMax {
            throw APIFailure.malformed("Idempotency-Key", "An Idempotency-Key has 1 to \(idempotencyKeyBytesMax) bytes.")
        }
        return key
    }
}
