import TerminCore
import TerminSolver
import TerminStore

/// A month-scale allocation instance built from the seeded Munich catalogue and the staffing model: four weeks from
/// `first`, every office open by its rules (Bavarian holidays closed), and requests with the month load test's mix.
///
/// 65 % at the six main Bürgerbüros (by desks; Personalausweis 25 %, Wohnsitzanmeldung 20 %, Reisepass 15 %,
/// Wohnsitzanmeldung – Familie 8 %, Meldebescheinigung 8 %, Führungszeugnis 6 %, Beglaubigung 6 %, eID-PIN 6 %,
/// Abmeldung 6 %), accepting one to three of them; 35 % at the other offices (by desks, any service offered online),
/// one office. The wanted day falls in week 1 to 4 by weights 4:3:2:1, Monday to Friday; the window is that morning
/// (07:00–12:30, 40 %), that day (30 %) or the week from it (30 %). 4 % need an accessible desk, 5 % are urgent.
enum MunichMonthInstance {
    static let citizenServices: [(service: Int, weight: Int)] = [
        (1063441, 25), (1063475, 20), (1063453, 15), (10224132, 8), (1063576, 8), (1063565, 6), (1063428, 6),
        (10225119, 6), (1063486, 6),
    ]

    static func generate(requests count: Int, seed: UInt64, first: LocalDate) throws -> SolverInstance {
        let catalog = try MunichCatalog.load().catalog
        var offices: [SolverInstance.Office] = []
        var occupied: [SolverInstance.Occupied] = []
        let days = (0..<28).map { first.adding(days: $0) }
        for officeID in catalog.offices.keys.sorted() {
            let office = catalog.offices[officeID]!
            guard let desks = catalog.desks[officeID], !desks.isEmpty else { continue }
            var durations: [String: Int] = [:]
            for offer in (catalog.offers[officeID] ?? [:]).values { durations[String(offer.serviceID)] = offer.slotUnits * office.slotMinutes }
            var open: [SolverInstance.Interval] = []
            for day in days {
                guard let layout = DayLayout.make(catalog: catalog, officeID: officeID, date: day) else { continue }
                // The office is open where any desk is; a desk closed inside that time is occupied there.
                let units = layout.unitsPerDay
                var any = [Bool](repeating: false, count: units)
                for desk in layout.desks { for unit in 0..<units where desk.open[unit] { any[unit] = true } }
                for run in runs(any) {
                    open.append(.init(from: minute(day, run.lowerBound, office.slotMinutes), to: minute(day, run.upperBound, office.slotMinutes)))
                    for desk in layout.desks {
                        for closed in runs(run.map { !desk.open[$0] }) {
                            occupied.append(.init(desk: "\(officeID)-\(desk.deskID)",
                                                  interval: .init(from: minute(day, run.lowerBound + closed.lowerBound, office.slotMinutes),
                                                                  to: minute(day, run.lowerBound + closed.upperBound, office.slotMinutes))))
                        }
                    }
                }
            }
            offices.append(.init(id: String(officeID), durations: durations,
                                 desks: desks.map { .init(id: "\(officeID)-\($0.id)", services: Set($0.serviceIDs.map(String.init)),
                                                          accessible: $0.isAccessible) },
                                 open: open))
        }
        var random = SeededRandom(seed: seed)
        let main = StaffingModel.mainCitizenOffices.sorted()
        let mainWeights = main.map { catalog.desks[$0]?.count ?? 0 }
        let others = catalog.offices.keys.sorted().filter { !StaffingModel.mainCitizenOffices.contains($0) }.compactMap { id -> (Int, Int, [Int])? in
            let services = (catalog.offers[id] ?? [:]).values.filter(\.bookableOnline).map(\.serviceID).sorted()
            guard let desks = catalog.desks[id]?.count, desks > 0, !services.isEmpty else { return nil }
            return (id, desks, services)
        }
        var requests: [SolverInstance.Request] = []
        requests.reserveCapacity(count)
        for index in 0..<count {
            var acceptable: [String], service: Int
            if random.unit() < 0.65 {
                let office = main[random.weighted(mainWeights)]
                service = citizenServices[random.weighted(citizenServices.map(\.weight))].service
                acceptable = [String(office)]
                for _ in 0..<random.below(3) {
                    let extra = String(main[random.below(main.count)])
                    if !acceptable.contains(extra) { acceptable.append(extra) }
                }
            } else {
                let office = others[random.weighted(others.map(\.1))]
                service = office.2[random.below(office.2.count)]
                acceptable = [String(office.0)]
            }
            let week = random.weighted([4, 3, 2, 1])
            let day = first.adding(days: week * 7 + random.below(5))
            let kind = random.unit()
            let window: SolverInstance.Interval = kind < 0.4
                ? .init(from: minute(day, 7 * 60), to: minute(day, 12 * 60 + 30))
                : kind < 0.7 ? .init(from: minute(day, 7 * 60), to: minute(day, 18 * 60))
                : .init(from: minute(day, 7 * 60), to: minute(day.adding(days: 6), 18 * 60))
            requests.append(.init(id: "r\(index)", services: [(String(service), 1)], offices: acceptable, windows: [window],
                                  needsWheelchair: random.unit() < 0.04, priority: random.unit() < 0.05 ? 3 : 1))
        }
        return SolverInstance(gridMinutes: 5, offices: offices, occupied: occupied, requests: requests)
    }

    /// The local minute of `unit` (of `slotMinutes`) on `day`.
    static func minute(_ day: LocalDate, _ unit: Int, _ slotMinutes: Int) -> LocalMinute {
        LocalMinute(day.dayNumber * 1440 + unit * slotMinutes)
    }

    static func minute(_ day: LocalDate, _ minuteOfDay: Int) -> LocalMinute { LocalMinute(day.dayNumber * 1440 + minuteOfDay) }

    /// The runs of `true` in `flags`.
    static func runs(_ flags: [Bool]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int?
        for (index, flag) in flags.enumerated() {
            if flag, start == nil { start = index }
            if !flag, let from = start {
                runs.append(from..<index)
                start = nil
            }
        }
        if let from = start { runs.append(from..<flags.count) }
        return runs
    }
}
