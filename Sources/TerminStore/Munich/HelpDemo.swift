import TerminCore

/// Demonstration data for in-person help: Munich publishes no master data of its help desks, so this is made up and
/// says so in every name (and in `demo` on places and helpers). Three digital help desks in senior citizens' centres,
/// one mobile route of three weekly stops, one call-back line, five helpers (speaking de, en, tr, uk, ru, ar, fr),
/// four help services, and a weekly course with seats at two of the centres. The seeder writes it beside Munich's data.
public enum HelpDemo {
    /// The help services, ids from 9,900,001 (Munich's are below 10,400,000 and never in this range).
    public static let services: [Service] = [
        service(9_900_001, "Hilfe bei der Online-Ausweisfunktion (eID)", "Help with the online ID function (eID)", 30),
        service(9_900_002, "Hilfe bei Online-Anträgen", "Help with online applications", 30),
        service(9_900_003, "Smartphone- und Tablet-Sprechstunde", "Smartphone and tablet help", 60),
        service(9_900_004, "Rückruf: Beratung zu Online-Diensten", "Call-back: advice on online services", 30),
        service(9_900_005, "Kurs: Sicher online mit Smartphone und Tablet", "Course: safely online with smartphone and tablet", 120),
    ]

    /// The course the group sessions are of.
    public static let course = 9_900_005

    /// The places, ids from 990,001.
    public static let offices: [Office] = [
        place(990_001, .helpDesk, "Digitale Hilfe im Alten- und Service-Zentrum Au", "Digital help, senior citizens' centre Au",
              street: "Balanstraße", number: "12", postalCode: "81669", lat: 48.1268, lon: 11.5895, stepFree: true),
        place(990_002, .helpDesk, "Digitale Hilfe im Alten- und Service-Zentrum Neuhausen",
              "Digital help, senior citizens' centre Neuhausen",
              street: "Nymphenburger Straße", number: "150", postalCode: "80634", lat: 48.1553, lon: 11.5395, stepFree: false),
        place(990_003, .helpDesk, "Digitale Hilfe im Alten- und Service-Zentrum Giesing",
              "Digital help, senior citizens' centre Giesing",
              street: "Tegernseer Landstraße", number: "75", postalCode: "81539", lat: 48.1140, lon: 11.5780, stepFree: true),
        place(990_011, .mobile, "Mobiles Bürgerbüro, Halt Hasenbergl", "Mobile office, stop Hasenbergl",
              street: "Dülferstraße", number: "69", postalCode: "80933", lat: 48.2150, lon: 11.5530, stepFree: true, route: route),
        place(990_012, .mobile, "Mobiles Bürgerbüro, Halt Milbertshofen", "Mobile office, stop Milbertshofen",
              street: "Curt-Mezger-Platz", number: "1", postalCode: "80809", lat: 48.1840, lon: 11.5700, stepFree: true, route: route),
        place(990_013, .mobile, "Mobiles Bürgerbüro, Halt Freimann", "Mobile office, stop Freimann",
              street: "Situlistraße", number: "2", postalCode: "80939", lat: 48.1960, lon: 11.6130, stepFree: true, route: route),
        place(990_021, .phone, "Rückruf-Service Digitale Hilfe", "Call-back line for digital help",
              street: "Ruppertstraße", number: "19", postalCode: "80337", lat: 48.1230, lon: 11.5520, stepFree: true),
    ]

    /// The mobile stops' route.
    public static let route = "Demo: Mobiles Bürgerbüro Nord"

    /// The helpers, ids from 9,901.
    public static let helpers: [Helper] = [
        Helper(id: 9_901, name: "Demo: Anna Huber", languages: [.de, .en], skills: [9_900_001, 9_900_002, 9_900_003], isDemo: true),
        Helper(id: 9_902, name: "Demo: Mehmet Yılmaz", languages: [.de, .tr], skills: [9_900_001, 9_900_002, 9_900_004], isDemo: true),
        Helper(id: 9_903, name: "Demo: Olena Kovalenko", languages: [.uk, .ru, .de], skills: [9_900_001, 9_900_003], isDemo: true),
        Helper(id: 9_904, name: "Demo: Karim Haddad", languages: [.ar, .fr, .de, .en], skills: [9_900_001, 9_900_002, 9_900_004],
               isDemo: true),
        Helper(id: 9_905, name: "Demo: Sophie Wagner", languages: [.de, .en], skills: [9_900_001, 9_900_004], isDemo: true),
    ]

    /// Who serves where and when: (helper, place, ISO weekdays, from, to). A helper has one desk per place.
    static let rota: [(helperID: Int, officeID: Int, weekdays: Set<Int>, from: String, to: String)] = [
        (9_901, 990_011, [1], "09:00", "11:00"), (9_901, 990_012, [1], "12:00", "14:00"), (9_901, 990_013, [4], "09:00", "11:00"),
        (9_901, 990_001, [2, 4], "13:00", "16:00"),
        (9_902, 990_002, [1, 3], "14:00", "17:00"), (9_902, 990_021, [5], "09:00", "12:00"),
        (9_903, 990_003, [2], "14:00", "17:00"), (9_903, 990_001, [3], "10:00", "13:00"),
        (9_904, 990_003, [4], "09:00", "12:00"), (9_904, 990_021, [2], "09:00", "12:00"), (9_904, 990_002, [5], "13:00", "16:00"),
        (9_905, 990_021, [1, 2, 3, 4, 5], "13:00", "16:00"),
    ]

    /// The group sessions' series: (place, ISO weekday, start, seats, the helper leading them), weekly from
    /// `seriesFirstDay` to `seriesLastDay`.
    static let series: [(officeID: Int, weekday: Int, start: String, seats: Int, leaderID: Int)] = [
        (990_002, 4, "10:00", 8, 9_905), (990_003, 1, "10:00", 10, 9_903),
    ]
    static let seriesFirstDay = LocalDate(iso: "2026-11-02")!
    static let seriesLastDay = LocalDate(iso: "2027-06-30")!

    /// The desks: one per helper and place, numbered from 1 at each place in the rota's order, then the seats of the
    /// places with group sessions.
    public static let desks: [Desk] = {
        var desks: [Desk] = []
        func number(at office: Office) -> Int { desks.count { $0.officeID == office.id } + 1 }
        for entry in rota where !desks.contains(where: { $0.helperID == entry.helperID && $0.officeID == entry.officeID }) {
            let helper = helpers.first { $0.id == entry.helperID }!
            let office = offices.first { $0.id == entry.officeID }!
            let number = number(at: office)
            desks.append(Desk(id: office.id * 100 + number, officeID: office.id, number: number,
                              isAccessible: office.accessibility.contains("step_free"), serviceIDs: helper.skills,
                              helperID: helper.id, languages: helper.languages))
        }
        for entry in series {
            let office = offices.first { $0.id == entry.officeID }!
            for seat in 1...entry.seats {
                let number = number(at: office)
                desks.append(Desk(id: office.id * 100 + number, officeID: office.id, number: number,
                                  isAccessible: office.accessibility.contains("step_free"), serviceIDs: [course],
                                  seatNumber: seat))
            }
        }
        return desks
    }()

    /// The group sessions, ids from 9,700,001 in date order per series.
    public static let sessions: [GroupSession] = {
        var sessions: [GroupSession] = []
        for entry in series {
            var day = seriesFirstDay
            while day <= seriesLastDay {
                if day.isoWeekday == entry.weekday {
                    sessions.append(GroupSession(id: 9_700_001 + sessions.count, officeID: entry.officeID, serviceID: course,
                                                 date: day, startMinute: minute(entry.start), seats: entry.seats,
                                                 leaderID: entry.leaderID))
                }
                day = day.adding(days: 1)
            }
        }
        return sessions
    }()

    /// The helpers' shifts, from the rota, valid from 2026 on.
    public static let shifts: [HelperShift] = rota.map { entry in
        let desk = desks.first { $0.helperID == entry.helperID && $0.officeID == entry.officeID }!
        return HelperShift(deskID: desk.id, hours: OpeningRule(officeID: entry.officeID, weekdays: entry.weekdays,
                                                               validFrom: LocalDate(iso: "2026-01-01")!, validTo: nil,
                                                               startMinute: minute(entry.from), endMinute: minute(entry.to),
                                                               staffedDesks: 1))
    }

    /// The mobile stop at a care home, and whom its slots are reserved for.
    public static let careHomeStop = (officeID: 990_013, reservedFor: "Demo: die Bewohnerinnen und Bewohner des Seniorenwohnens Freimann")

    /// Each place offers what its helpers help with, bookable online; the care home's stop only on its residents'
    /// behalf.
    public static let offers: [Offer] = offices.flatMap { office in
        let skills = Set(desks.filter { $0.officeID == office.id }.flatMap(\.serviceIDs))
        let slotMinutes = office.slotMinutes
        return skills.sorted().map { serviceID in
            let minutes = services.first { $0.id == serviceID }!.durationMinutes
            return Offer(officeID: office.id, serviceID: serviceID, slotUnits: minutes / slotMinutes, bookableOnline: true,
                         reservedFor: office.id == careHomeStop.officeID ? careHomeStop.reservedFor : nil)
        }
    }

    private static func service(_ id: Int, _ nameDE: String, _ nameEN: String, _ minutes: Int) -> Service {
        Service(id: id, nameDE: "Demo: " + nameDE, nameEN: "Demo: " + nameEN, leika: nil, durationMinutes: minutes,
                maxQuantity: 1, isPublic: true, combinableWith: [])
    }

    /// The share of a help desk's helper time kept from online booking for drop-in visitors (and bookings made on their
    /// behalf), in percent.
    public static let dropInPercent = 25

    private static func place(_ id: Int, _ kind: Office.Kind, _ nameDE: String, _ nameEN: String, street: String,
                              number: String, postalCode: String, lat: Double, lon: Double, stepFree: Bool,
                              route: String? = nil) -> Office {
        Office(id: id, nameDE: "Demo: " + nameDE, nameEN: "Demo: " + nameEN, displayName: "Demo: " + nameDE,
               organizationUnit: nil, isPublic: true,
               address: .init(street: street, houseNumber: number, postalCode: postalCode, city: "München"),
               geo: .init(lat: lat, lon: lon), slotMinutes: 30, horizonDays: 60, minNoticeMinutes: 60,
               onlineWithheldPercent: kind == .helpDesk ? dropInPercent : 0, accessibility: stepFree ? ["step_free", "accessible_desk"] : [],
               kind: kind, route: route, isDemo: true)
    }

    private static func minute(_ clock: String) -> Int {
        let parts = clock.split(separator: ":").map { Int($0)! }
        return parts[0] * 60 + parts[1]
    }
}
