import TerminCore
import TerminPostgres

/// The columns an appointment is read from, declared once: `selection` writes the select (or `RETURNING`) list,
/// `decode` reads a row by the same declarations. Queries alias the table as `a`.
enum AppointmentColumns {
    static let id = PostgresColumn("a.id", PostgresText.text)
    static let officeID = PostgresColumn("a.office_id", PostgresText.int)
    static let deskID = PostgresColumn("a.desk_id", PostgresText.int)
    static let day = PostgresColumn("a.day") { LocalDate(iso: $0) }
    static let startUnit = PostgresColumn("a.start_unit", PostgresText.int)
    static let units = PostgresColumn("a.units", PostgresText.int)
    static let channel = PostgresColumn("a.channel") { Channel(rawValue: $0) }
    static let status = PostgresColumn("a.status") { AppointmentStatus(rawValue: $0) }
    static let start = InstantColumn.required("lower(a.span)")
    static let end = InstantColumn.required("upper(a.span)")
    static let expiresAt = InstantColumn.optional("a.expires_at")
    static let contactName = PostgresColumn<String?>.optional("a.contact_name", PostgresText.text)
    static let contactEmail = PostgresColumn<String?>.optional("a.contact_email", PostgresText.text)
    static let contactLanguage = PostgresColumn<String?>.optional("a.contact_language", PostgresText.text)
    static let contactPhone = PostgresColumn<String?>.optional("a.contact_phone", PostgresText.text)
    static let serviceIDs = PostgresColumn("array_to_string(a.service_ids, ',')", PostgresText.list(PostgresText.int))
    static let quantities = PostgresColumn("array_to_string(a.quantities, ',')", PostgresText.list(PostgresText.int))
    static let revision = PostgresColumn("a.revision", PostgresText.int)

    static let selection = PostgresSelection(id, officeID, deskID, day, startUnit, units, channel, status, start, end,
                                             expiresAt, contactName, contactEmail, contactLanguage, contactPhone, serviceIDs,
                                             quantities, revision)

    /// The appointment a row of `selection` describes.
    static func decode(_ row: PostgresRow) throws(PostgresError) -> Appointment {
        let serviceIDs = try row[serviceIDs], quantities = try row[quantities]
        guard !serviceIDs.isEmpty, serviceIDs.count == quantities.count else {
            throw PostgresError(.decodingFailed, message: "appointment \(try row[id]) has \(serviceIDs.count) services and "
                                + "\(quantities.count) quantities")
        }
        let start = try row[start], end = try row[end]
        guard start < end else { throw PostgresError(.decodingFailed, message: "appointment \(try row[id]) does not last") }
        let name = try row[contactName], email = try row[contactEmail], language = try row[contactLanguage].flatMap { Appointment.Language(rawValue: $0) }
        let contact = Appointment.Contact(name: name, email: email, language: language, phone: try row[contactPhone])
        return Appointment(
            id: try row[id],
            run: SlotRun(officeID: try row[officeID], deskID: try row[deskID], date: try row[day],
                         startUnit: try row[startUnit], units: try row[units]),
            channel: try row[channel], status: try row[status], start: start, end: end,
            services: zip(serviceIDs, quantities).map { ServiceRequest(serviceID: $0.0, quantity: $0.1) },
            expiresAt: try row[expiresAt],
            contact: contact.isEmpty ? nil : contact,
            revision: try row[revision])
    }

    /// Every row of a result read as an appointment.
    static func decode(_ rows: PostgresRows) throws(PostgresError) -> [Appointment] {
        try selection.decode(rows, decode)
    }
}
