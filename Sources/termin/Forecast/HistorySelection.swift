import TerminCore
import TerminForecast
import TerminPostgres
import TerminStore

/// The history a forecast reads from the engine's store: a measure at some offices for some services, up to an
/// origin, laid out as a `DemandSeries`.
struct HistorySelection {
    /// Offices by name of group, for `--offices`.
    static let officeGroups = ["all", "bürgerbüros", "buergerbueros"]
    /// Services by name of group, for `--services`: identity documents and residence registration.
    static let serviceGroups: [String: (label: String, ids: [Int])] = [
        "ausweise": ("identity documents (Personalausweis, Reisepass, eID)", [1063441, 1063453, 10225119]),
        "meldewesen": ("registration (An-, Ab-, Ummeldung, Meldebescheinigung)", [1063475, 10224132, 1063486, 1063576]),
    ]

    let measure: HistoryRepository.Measure
    /// `nil`: the city (every office).
    let officeIDs: [Int]?
    let officeLabel: String
    /// `nil`: every service.
    let serviceIDs: [Int]?
    let serviceLabel: String
    var channels: [Channel]? = nil

    /// Resolves `--offices` (`all`, `bürgerbüros` or ids separated by commas) and `--services` (`all`, a group
    /// or ids) against the catalogue.
    static func resolve(measure: HistoryRepository.Measure, offices: String, services: String, catalog: Catalog)
        throws(ParsedOptions.UsageError) -> HistorySelection {
        let officeIDs: [Int]?, officeLabel: String
        switch offices.lowercased() {
        case "all": (officeIDs, officeLabel) = (nil, "the city (\(catalog.offices.count) offices)")
        case "bürgerbüros", "buergerbueros":
            (officeIDs, officeLabel) = (StaffingModel.mainCitizenOffices.sorted(), "the six main Bürgerbüros")
        default:
            let ids = try ids(offices, option: "offices")
            for id in ids where catalog.offices[id] == nil {
                throw ParsedOptions.UsageError(description: "--offices: there is no office \(id)")
            }
            officeIDs = ids
            officeLabel = ids.count == 1 ? catalog.offices[ids[0]]!.displayName + " (\(ids[0]))" : "offices " + offices
        }
        let serviceIDs: [Int]?, serviceLabel: String
        if services.lowercased() == "all" {
            (serviceIDs, serviceLabel) = (nil, "all services")
        } else if let group = serviceGroups[services.lowercased()] {
            (serviceIDs, serviceLabel) = (group.ids, group.label)
        } else {
            let ids = try ids(services, option: "services")
            for id in ids where catalog.services[id] == nil {
                throw ParsedOptions.UsageError(description: "--services: there is no service \(id)")
            }
            serviceIDs = ids
            serviceLabel = ids.count == 1 ? catalog.services[ids[0]]!.nameDE : "services " + services
        }
        return HistorySelection(measure: measure, officeIDs: officeIDs, officeLabel: officeLabel, serviceIDs: serviceIDs,
                                serviceLabel: serviceLabel)
    }

    static func ids(_ text: String, option: String) throws(ParsedOptions.UsageError) -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        var ids: [Int] = []
        for part in parts {
            guard let id = Int(part), id > 0 else {
                throw ParsedOptions.UsageError(description: "--\(option) takes all, a group or office ids separated by commas, not '\(text)'")
            }
            ids.append(id)
        }
        return ids
    }

    /// Whether the measure is counted when things are done online (any day) rather than at the office.
    var countsMakingTime: Bool { measure == .bookings || measure == .cancellations }

    /// The series of this selection at `resolution`, from the store's history before the period of `origin`.
    func series(resolution: Resolution, origin: LocalDate, catalog: Catalog, _ db: PostgresConnection) throws -> DemandSeries {
        // Whole periods only: the history stops where the origin's period begins.
        let cut = Period(resolution, containing: origin).date
        let before = BerlinTime.instant(date: cut, minuteOfDay: 0)
        var counts = try HistoryRepository.hourlyCounts(measure, .init(officeIDs: officeIDs, serviceIDs: serviceIDs,
                                                                        channels: channels, before: before), db)
        if countsMakingTime, let first = try HistoryRepository.firstAppointmentDay(officeIDs: officeIDs, db) {
            counts.removeAll { $0.date < first }
        }
        var observations: [Period: Double] = [:]
        for count in counts { observations[Period(resolution, containing: count.date, hour: count.hour), default: 0] += Double(count.count) }
        // A first week or month that began before the history did is partial: left out.
        if let firstDay = counts.first?.date, let firstPeriod = observations.keys.min(), firstPeriod.date < firstDay,
           resolution == .weekly || resolution == .monthly {
            observations[firstPeriod] = nil
        }
        let calendar = catalog.closingCalendar
        let closureOffice = officeIDs?.count == 1 ? officeIDs![0] : nil
        let closure: @Sendable (LocalDate) -> String?
        if countsMakingTime {
            closure = { _ in nil }
        } else {
            closure = { day in
                if let office = closureOffice { return calendar.isClosed(officeID: office, on: day) ? Self.closureName(day) : nil }
                return BavarianHolidays.cityClosingDays(year: day.year)[day]
            }
        }
        return try DemandSeries(resolution: resolution, observations: observations, absentIsZero: true, closure: closure)
    }

    /// The name of a closing day: the holiday's, or "closed" for an office's own closure.
    static func closureName(_ day: LocalDate) -> String {
        BavarianHolidays.cityClosingDays(year: day.year)[day] ?? "closed"
    }

    /// What the series counts, in words, with its unit (`bookings per day`).
    func unit(_ resolution: Resolution) -> String {
        let per = ["hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month"][resolution.rawValue]!
        return measure.rawValue + " per " + per
    }
}
