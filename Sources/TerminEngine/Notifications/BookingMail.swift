import Foundation
import TerminCore
import TerminMail
import TerminStore

/// The mail a message of the outbox becomes: in the language the booking asked for (without a choice, German with
/// English below), naming the office, its address, the services and their expected duration, and how to move or
/// cancel; the appointment attached as iCalendar (`REQUEST` for a booking or a move, with the same `UID` and its
/// revision as `SEQUENCE`; `CANCEL`). An offer of an earlier time names the time held, until when, the booking's own
/// time, and how to take it; it attaches nothing, as nothing changed yet.
public enum BookingMail {
    /// Where mails come from and where they point.
    public struct Sender: Sendable {
        public let from: MailAddress
        /// The portal's page for a booking: `?booking=ID&code=CODE` is appended (the code when it can be derived).
        public let portalURL: String
        /// Derives the code the link carries.
        public let codes: BookingCodes
        public init(from: MailAddress, portalURL: String, codes: BookingCodes) {
            self.from = from
            self.portalURL = portalURL
            self.codes = codes
        }
    }

    /// The mail for a due message; `nil` when the booking has no contact e-mail (erased meanwhile), or an offer's hold
    /// is gone.
    public static func message(_ due: OutboxRepository.Due, catalog: Catalog, sender: Sender, now: Instant) -> MailMessage? {
        let booking = due.appointment
        guard let email = booking.contact?.email, let office = catalog.offices[booking.run.officeID] else { return nil }
        // An offer tells of the time held for the booking, and of the booking's own time below it.
        let offered = due.kind == .offer ? due.offeredHold : nil
        guard due.kind != .offer || offered?.expiresAt != nil else { return nil }
        let shown = offered ?? booking
        let services = booking.services.map { request in
            let name = catalog.services[request.serviceID]
            return (de: (name?.nameDE ?? String(request.serviceID)) + (request.quantity > 1 ? " × \(request.quantity)" : ""),
                    en: (name?.nameEN ?? name?.nameDE ?? String(request.serviceID)) + (request.quantity > 1 ? " × \(request.quantity)" : ""))
        }
        let minutes = Int(shown.end.secondsSinceEpoch - shown.start.secondsSinceEpoch) / 60
        let address = "\(office.displayName), \(office.address.street) \(office.address.houseNumber), "
            + "\(office.address.postalCode) \(office.address.city)"
        let cutoffMinutes = catalog.changeCutoffMinutes(officeID: office.id, services: booking.services)
        let code = due.codeSHA256.flatMap { sender.codes.code(for: due.codeID, hashedAs: $0) }
        let link = sender.portalURL + (sender.portalURL.contains("?") ? "&" : "?") + "booking=" + booking.id
            + (code.map { "&code=" + $0 } ?? "")
        // A link without the code (one made before codes were derived) asks for it.
        let (needsCodeDE, needsCodeEN) = code == nil ? (" (mit Ihrem Buchungscode)", " (with your booking code)") : ("", "")
        let heldUntil = offered?.expiresAt.map { clock(BerlinTime.local($0).minuteOfDay) } ?? ""
        let (subjectDE, subjectEN, stateDE, stateEN): (String, String, String, String) = switch due.kind {
        case .confirmation: ("Terminbestätigung", "Appointment confirmed", "Ihr Termin ist gebucht.", "Your appointment is booked.")
        case .move: ("Termin verschoben", "Appointment moved", "Ihr Termin wurde verschoben; es gilt diese Zeit.",
                     "Your appointment was moved; this is its time now.")
        case .cancellation: ("Termin abgesagt", "Appointment cancelled", "Ihr Termin ist abgesagt.", "Your appointment is cancelled.")
        case .reminder: ("Erinnerung an Ihren Termin", "Reminder of your appointment", "wir erinnern Sie an Ihren Termin.",
                         "This is a reminder of your appointment.")
        case .offer: ("Früherer Termin frei", "An earlier time is free",
                      "ein früherer Termin ist frei geworden. Wir halten ihn bis \(heldUntil) Uhr für Sie.",
                      "An earlier time has come free. It is held for you until \(heldUntil).")
        }
        let greetingName = booking.contact?.name.map { " \($0)" } ?? ""
        let germanAction = switch due.kind {
        case .cancellation: ""
        case .offer: """
            Bisher:    \(germanTime(booking))

            Annehmen\(needsCodeDE): \(link)&offer=\(offered!.id)
            Wenn Sie nichts tun, bleibt Ihr Termin, wie er ist.

            """
        default: """
            Verschieben oder absagen\(needsCodeDE): \(link)
            Online bis \(cutoffMinutes) Minuten vor Beginn, danach telefonisch beim Amt.

            """
        }
        let englishAction = switch due.kind {
        case .cancellation: ""
        case .offer: """
            Until now: \(englishTime(booking))

            Take it\(needsCodeEN): \(link)&offer=\(offered!.id)
            If you do nothing, your appointment stays as it is.

            """
        default: """
            Move or cancel\(needsCodeEN): \(link)
            Online until \(cutoffMinutes) minutes before the start, later by phone to the office.

            """
        }
        let german = """
            Guten Tag\(greetingName),

            \(stateDE)

            Wann:      \(germanTime(shown))
            Wo:        \(address)
            Anliegen:  \(services.map(\.de).joined(separator: ", ")) (etwa \(minutes) Minuten)
            Buchung:   \(booking.id)

            """ + germanAction
        let english = """
            Hello\(greetingName),

            \(stateEN)

            When:      \(englishTime(shown))
            Where:     \(address)
            Services:  \(services.map(\.en).joined(separator: ", ")) (about \(minutes) minutes)
            Booking:   \(booking.id)

            """ + englishAction
        // The citizen's language; without a choice, German with English below.
        let (text, subject): (String, String) = switch booking.contact?.language {
        case .de: (german, "\(subjectDE): \(office.displayName), \(germanTime(shown))")
        case .en: (english, "\(subjectEN): \(office.displayName), \(englishTime(shown))")
        case nil: (german + "\n" + english, "\(subjectDE) / \(subjectEN): \(office.displayName), \(germanTime(shown))")
        }
        // An offer changes nothing yet: no calendar object.
        var calendar: MailMessage.CalendarPart?
        if due.kind != .offer {
            let names = booking.services.map { catalog.services[$0.serviceID]?.nameDE ?? String($0.serviceID) }
            let method = due.kind == .cancellation ? "CANCEL" : "REQUEST"
            calendar = MailMessage.CalendarPart(method: method, content: ICalendar.event(
                for: booking, office: office, serviceNames: names, stamp: now, method: method, organizer: sender.from.address,
                attendee: email))
        }
        return MailMessage(messageID: "<\(due.id)@termin>", from: sender.from, to: MailAddress(email, name: booking.contact?.name),
                           subject: subject,
                           date: Date(timeIntervalSince1970: TimeInterval(now.secondsSinceEpoch)), text: text,
                           calendar: calendar)
    }

    static let weekdaysDE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
    static let weekdaysEN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let monthsDE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                           "November", "Dezember"]
    static let monthsEN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                           "November", "December"]

    /// `Dienstag, 1. Dezember 2026, 09:00–09:15 Uhr`.
    static func germanTime(_ booking: Appointment) -> String {
        let (date, from) = BerlinTime.local(booking.start), to = BerlinTime.local(booking.end).minuteOfDay
        let (year, month, day) = date.components
        return "\(weekdaysDE[date.isoWeekday - 1]), \(day). \(monthsDE[month - 1]) \(year), \(clock(from))–\(clock(to)) Uhr"
    }

    /// `Tuesday, 1 December 2026, 09:00–09:15`.
    static func englishTime(_ booking: Appointment) -> String {
        let (date, from) = BerlinTime.local(booking.start), to = BerlinTime.local(booking.end).minuteOfDay
        let (year, month, day) = date.components
        return "\(weekdaysEN[date.isoWeekday - 1]), \(day) \(monthsEN[month - 1]) \(year), \(clock(from))–\(clock(to))"
    }

    static func clock(_ minuteOfDay: Int) -> String {
        String(format: "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60)
    }
}
