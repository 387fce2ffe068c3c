import TerminCore

/// A small catalogue for unit tests: office 1 on a 5-minute grid with three desks, Monday–Friday 08:00–12:00
/// (desks 1–3) and Tuesday 14:00–16:00 (desks 1–2). Desk 3 handles only the short service.
public enum Fixtures {
    public static let office = Office(id: 1, nameDE: "Testbüro", nameEN: nil, displayName: "Testbüro", organizationUnit: nil,
                               isPublic: true, address: .init(street: "Marienplatz", houseNumber: "8", postalCode: "80331", city: "München"),
                               geo: .init(lat: 48.137, lon: 11.575), slotMinutes: 5, horizonDays: 30, minNoticeMinutes: 30,
                               onlineWithheldPercent: 30, accessibility: [])
    /// 10 minutes, up to 3 at once, combinable with `long`.
    public static let short = Service(id: 10, nameDE: "Kurz", nameEN: nil, leika: nil, durationMinutes: 10, maxQuantity: 3,
                               isPublic: true, combinableWith: [10, 20])
    /// 30 minutes, only alone.
    public static let long = Service(id: 20, nameDE: "Lang", nameEN: nil, leika: nil, durationMinutes: 30, maxQuantity: 1,
                              isPublic: true, combinableWith: [20])
    /// Staff-only at office 1.
    public static let staffOnly = Service(id: 30, nameDE: "Intern", nameEN: nil, leika: nil, durationMinutes: 5, maxQuantity: 1,
                                   isPublic: false, combinableWith: [30])

    public static func catalog(closures: [Int: Set<LocalDate>] = [:]) -> Catalog {
        let offers = [Offer(officeID: 1, serviceID: 10, slotUnits: 2, bookableOnline: true),
                      Offer(officeID: 1, serviceID: 20, slotUnits: 6, bookableOnline: true),
                      Offer(officeID: 1, serviceID: 30, slotUnits: 1, bookableOnline: false)]
        let desks = [Desk(id: 101, officeID: 1, number: 1, isAccessible: true, serviceIDs: [10, 20, 30]),
                     Desk(id: 102, officeID: 1, number: 2, isAccessible: false, serviceIDs: [10, 20, 30]),
                     Desk(id: 103, officeID: 1, number: 3, isAccessible: false, serviceIDs: [10])]
        let from = LocalDate(iso: "2026-01-01")!
        let rules = [OpeningRule(officeID: 1, weekdays: [1, 2, 3, 4, 5], validFrom: from, validTo: nil,
                                 startMinute: 8 * 60, endMinute: 12 * 60, staffedDesks: 3),
                     OpeningRule(officeID: 1, weekdays: [2], validFrom: from, validTo: nil,
                                 startMinute: 14 * 60, endMinute: 16 * 60, staffedDesks: 2)]
        return Catalog(offices: [office], services: [short, long, staffOnly], offers: offers, desks: desks,
                       openingRules: rules, closingCalendar: ClosingCalendar(officeClosures: closures))
    }

    /// Tuesday 2026-12-01.
    public static let tuesday = LocalDate(iso: "2026-12-01")!
    /// Monday 2026-11-30, 09:00 Berlin.
    public static let mondayMorning = BerlinTime.instant(date: LocalDate(iso: "2026-11-30")!, minuteOfDay: 9 * 60)

    public static func at(_ date: LocalDate, _ hour: Int, _ minute: Int = 0) -> Instant {
        BerlinTime.instant(date: date, minuteOfDay: hour * 60 + minute)
    }
}
