import TerminCore

/// The documented, deterministic staffing model of the seed data.
///
/// Munich's export has no opening hours, desk counts or qualifications, so the engine states its own model:
///
/// - **Main Bürgerbüros** (10489 Ruppertstraße, 102522 Orleansplatz, 54261 Pasing, 102526 Forstenrieder Allee,
///   102523 Leonrodstraße, 102524 Scheidplatz): Monday–Friday 07:00–12:30 and Tuesday and Thursday also 14:00–18:00.
///   Ruppertstraße staffs 30 desks, the others 20 each. The same-day release at 7:00 falls in the first window.
/// - **Offices on a fine grid** (slot ≤ 30 minutes): Monday–Friday 08:00–12:00, Tuesday 14:00–17:30,
///   Thursday 13:00–16:00; one desk per two services offered, between 2 and 8 desks.
/// - **Offices on a coarse grid** (slot > 30 minutes, e.g. inspections, fire-safety consultations):
///   Monday–Thursday 07:00–17:00 with 2 desks (the grid starts at midnight, so a 210-minute grid offers 07:00 and
///   10:30, a 240-minute grid 08:00 and 12:00).
/// - Every desk handles every service of its office, except at the main Bürgerbüros, where services of 30 minutes
///   or more per unit of quantity are handled at the first half of the desks only. Desk 1 of every office is
///   accessible (step-free, lowered counter).
/// - Booking policy: 30 % of each office-day's desk time is withheld from online booking for staff and walk-ins;
///   online booking from 30 minutes ahead up to 60 days ahead (Bürgerbüros: 42 days).
///
/// Sized so that a month of the fewest working days carries more than 100,000 online appointments at each office's
/// average service length (see `StaffingModelTests`).
public enum StaffingModel {
    /// The six main Bürgerbüros.
    public static let mainCitizenOffices: Set<Int> = [10489, 102522, 54261, 102526, 102523, 102524]
    /// Share of desk time withheld from online booking, in percent.
    public static let onlineWithheldPercentDefault = 30
    public static let minNoticeMinutesDefault = 30
    public static let horizonDaysDefault = 60
    public static let horizonDaysCitizenOffice = 42
    /// The first day the seeded opening rules apply.
    public static let rulesValidFrom = LocalDate(year: 2025, month: 1, day: 1)!

    /// Booking policy of an office: (horizon days, minimum notice minutes, withheld online share percent).
    public static func policy(officeID: Int) -> (horizonDays: Int, minNoticeMinutes: Int, onlineWithheldPercent: Int) {
        (mainCitizenOffices.contains(officeID) ? horizonDaysCitizenOffice : horizonDaysDefault,
         minNoticeMinutesDefault, onlineWithheldPercentDefault)
    }

    /// Number of desks an office staffs.
    public static func deskCount(officeID: Int, slotMinutes: Int, servicesOffered: Int) -> Int {
        if officeID == 10489 { return 30 }
        if mainCitizenOffices.contains(officeID) { return 20 }
        if slotMinutes > 30 { return 2 }
        return min(8, max(2, (servicesOffered + 1) / 2))
    }

    /// The desks of an office with their qualifications.
    public static func desks(officeID: Int, slotMinutes: Int, offers: [Offer], services: [Int: Service]) -> [Desk] {
        let count = deskCount(officeID: officeID, slotMinutes: slotMinutes, servicesOffered: offers.count)
        let all = Set(offers.map(\.serviceID))
        let short = Set(offers.filter { (services[$0.serviceID]?.durationMinutes ?? 0) < 30 }.map(\.serviceID))
        return (1...count).map { number in
            let restricted = mainCitizenOffices.contains(officeID) && number > count / 2
            return Desk(id: officeID * 100 + number, officeID: officeID, number: number, isAccessible: number == 1,
                        serviceIDs: restricted ? short : all)
        }
    }

    /// The weekly opening rules of an office.
    public static func openingRules(officeID: Int, slotMinutes: Int, deskCount: Int) -> [OpeningRule] {
        func rule(_ days: Set<Int>, _ from: (Int, Int), _ to: (Int, Int)) -> OpeningRule {
            OpeningRule(officeID: officeID, weekdays: days, validFrom: rulesValidFrom, validTo: nil,
                        startMinute: from.0 * 60 + from.1, endMinute: to.0 * 60 + to.1, staffedDesks: deskCount)
        }
        let weekdays: Set<Int> = [1, 2, 3, 4, 5]
        if mainCitizenOffices.contains(officeID) {
            return [rule(weekdays, (7, 0), (12, 30)), rule([2, 4], (14, 0), (18, 0))]
        }
        if slotMinutes > 30 {
            return [rule([1, 2, 3, 4], (7, 0), (17, 0))]
        }
        return [rule(weekdays, (8, 0), (12, 0)), rule([2], (14, 0), (17, 30)), rule([4], (13, 0), (16, 0))]
    }
}
