import Foundation
import TerminCore
import TerminForecast
import TerminPostgres
import TerminStore

/// `termin forecast`: demand forecasts chosen by backtest, staffing per hour, and lead times, from the engine's
/// history or a planner's own CSV series.
enum ForecastCommand: Command {
    static let name = "forecast"
    static let summary = "forecast demand (models chosen by backtest), staffing per hour, or lead times"
    /// What the command forecasts.
    enum Action: String, CaseIterable {
        case demand
        case staffing
        case leadTime = "lead-time"
    }

    /// How the result is written.
    enum Format: String, CaseIterable {
        case table, csv, json
    }

    static let positional: Positional? = Positional(name: "what", help: "", actions: Action.self, default: .demand) { action in
        switch action {
        case .demand: ("forecast a series with prediction intervals (default)", [csvInput, measure, offices, services, resolution, chart])
        case .staffing: ("desks and staff per hour for a service level, beside the opening rules (needs --office)",
                         [serviceLevel, within, patience, shrinkage])
        case .leadTime: ("days ahead to the next free online appointment, week by week (needs --office)", [targetDays, weeks])
        }
    }

    static let csvInput = Option.text("csv", value: "FILE", help: "forecast a planner's own series of period,value rows instead of the history")
    static let measure = Option.choice("measure", value: "WHAT", help: "what the history counts",
                                       default: HistoryRepository.Measure.bookings)
    static let offices = Option.text("offices", value: "IDS", help: "all (the city), bürgerbüros, or office ids separated by commas",
                                     default: "all")
    static let office = Option<Int>(name: "office", valueName: "ID",
                                    help: "the office (staffing, lead-time; for demand the same as --offices ID)",
                                    defaultValue: nil, defaultDescription: nil, environment: nil,
                                    expectation: "an office id") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
    static let services = Option.text("services", value: "IDS", help: "all, ausweise, meldewesen, or service ids separated by commas",
                                      default: "all")
    static let resolution = Option.choice("resolution", value: "R", help: "period of the series", default: Resolution.daily)
    static let horizon = Option<Int>(name: "horizon", valueName: "N",
                                     help: "future periods (default: a week of the pattern at hourly and daily, 13 weeks, 12 months)",
                                     defaultValue: nil, defaultDescription: nil, environment: nil,
                                     expectation: "a whole number from 1 to 10000") { Int($0).flatMap { (1...10_000).contains($0) ? $0 : nil } }
    static let format = Option.choice("format", value: "F", help: "output (staffing and lead-time: table or csv)",
                                      default: Format.table)
    static let chart = Option.text("chart", value: "FILE.svg", help: "also draw history, forecast and intervals as SVG")
    static let asOf = Option<LocalDate>(name: "as-of", valueName: "DATE", help: "forecast from this day, on the history before it (default today)",
                                        defaultValue: nil, defaultDescription: nil, environment: nil,
                                        expectation: "a date YYYY-MM-DD") { LocalDate(iso: $0) }
    static let serviceLevel = Option.decimal("service-level", value: "SHARE", help: "staffing: share of walk-ins served within --within",
                                             default: 0.8, range: 0.01...0.999)
    static let within = Option.decimal("within", value: "MIN", help: "staffing: the service level's waiting minutes", default: 20, range: 0...600)
    static let patience = Option.decimal("patience", value: "MIN", help: "staffing: mean patience of waiting walk-ins (Erlang A); unset: Erlang C",
                                         default: nil, range: 0.1...10_000)
    static let shrinkage = Option.decimal("shrinkage", value: "SHARE", help: "staffing: share of paid time away from desks", default: 0.3, range: 0...0.9)
    static let targetDays = Option.integer("target-days", value: "N", help: "lead-time: the promised days to the next free appointment",
                                           default: 14, range: 0...365)
    static let weeks = Option.integer("weeks", value: "N", help: "lead-time: weeks projected", default: 8, range: 1...52)

    static let options: [any OptionDeclaration] = Database.options + [office, horizon, format, asOf]
    static let details: String? = """
        Models (weekly season): the 4-week mean (a planner's spreadsheet), the 5-, 9- and 13-week medians, the
        13-week level-adjusted median, a 52-week profile with a 4-week level, Holt-Winters with a damped trend,
        the seasonal naive, and the median of the five window models (rescaled when the last two weeks both left
        its level: a sudden change of level), which is kept unless another model has a lower MASE in a
        rolling-origin backtest at the horizon asked for and a lower one in at least 3 of every 4 folds; the
        table shows the runner-up and the 4-week mean beside the chosen model.
        At hourly and daily resolution only the periods of the history's weekly pattern exist (an office
        closed at night has no night hours); Bavarian holidays and closing days are known closures.
        A faulty CSV is refused with its line and column (exit 65).
        """
    /// Largest CSV file read, in bytes.
    static let csvBytesMax = 64 << 20

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let action = options.action(Action.self)
        if action != .demand && options[format] == .json {
            throw ParsedOptions.UsageError(description: "--format json: \(action.rawValue) writes a table or csv")
        }
        let progress = ProgressLine()
        defer { progress.finish() }
        if let path = options.optional(csvInput) {
            return try demandFromCSV(path: path, options: options, progress: progress)
        }
        let origin = options.optional(asOf) ?? BerlinTime.local(SystemClock().now()).date
        progress.update("opening the database")
        let database = try Database.open(options)
        defer { database.close() }
        _ = try database.migrate()
        let db = try PostgresConnection(conninfo: database.conninfo)
        let catalog = try CatalogRepository.load(db)
        let officeID = options.optional(office)
        if let officeID, catalog.offices[officeID] == nil {
            throw ParsedOptions.UsageError(description: "--office: there is no office \(officeID)")
        }
        switch action {
        case .staffing, .leadTime:
            guard let officeID else { throw ParsedOptions.UsageError(description: "\(action.rawValue) needs --office ID") }
            return action == .staffing
                ? try staffing(office: officeID, origin: origin, options: options, catalog: catalog, db, progress: progress)
                : try leadTime(office: officeID, origin: origin, options: options, catalog: catalog, db, progress: progress)
        case .demand:
            let selection = try HistorySelection.resolve(measure: options[measure],
                                                         offices: officeID.map(String.init) ?? options[offices],
                                                         services: options[services], catalog: catalog)
            let resolution = options[resolution]
            progress.update("reading the history")
            let series: DemandSeries
            do { series = try selection.series(resolution: resolution, origin: origin, catalog: catalog, db) } catch let empty as DemandSeries.Empty {
                log("no \(selection.measure.rawValue) at \(selection.officeLabel) before \(origin): \(empty). "
                    + "`termin seed --history 6` writes a demo history; --csv FILE forecasts your own series")
                return ExitCode.failure
            }
            let title = "\(selection.measure.rawValue.capitalized) at \(selection.officeLabel), \(selection.serviceLabel), \(resolution)"
            return try emit(series: series, title: title, unit: selection.unit(resolution), options: options, progress: progress)
        }
    }

    /// Forecasts a planner's own series.
    static func demandFromCSV(path: String, options: ParsedOptions, progress: ProgressLine) throws -> Int32 {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, let data = FileManager.default.contents(atPath: path) else {
            log("cannot read \(path)")
            return ExitCode.failure
        }
        guard size <= csvBytesMax else {
            log("\(path): larger than \(csvBytesMax >> 20) MiB")
            return SolveCommand.dataError
        }
        guard let text = String(data: data, encoding: .utf8) else {
            log("\(path): not UTF-8 text")
            return SolveCommand.dataError
        }
        let read: (resolution: Resolution, observations: [Period: Double])
        do { read = try CSVSeriesReader.read(text) } catch {
            log("\(path): \(error)")
            return SolveCommand.dataError
        }
        let calendar = ClosingCalendar()
        // A planner's series is the city's: Bavarian holidays and the city's closing days are closed, unless the
        // history shows the series open on most of them (a series from elsewhere, a call centre open on holidays).
        let cityClosure: @Sendable (LocalDate) -> String? = { day in
            calendar.isClosed(officeID: 0, on: day) ? HistorySelection.closureName(day) : nil
        }
        let noClosures: @Sendable (LocalDate) -> String? = { _ in nil }
        let closure = CSVCalendarFit.fits(cityClosure, observations: read.observations) ? cityClosure : noClosures
        let series: DemandSeries
        do {
            series = try DemandSeries(resolution: read.resolution, observations: read.observations, absentIsZero: false, closure: closure)
        } catch {
            log("\(path): \(error)")
            return SolveCommand.dataError
        }
        return try emit(series: series, title: "\(URL(fileURLWithPath: path).lastPathComponent), \(read.resolution)",
                        unit: "value per " + ["hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month"][read.resolution.rawValue]!,
                        options: options, progress: progress)
    }

    /// Backtests, forecasts and writes the result in the chosen format (and the chart).
    static func emit(series: DemandSeries, title: String, unit: String, options: ParsedOptions, progress: ProgressLine) throws -> Int32 {
        let horizon = options.optional(horizon) ?? series.resolution.defaultHorizon(weekSlots: series.seasonLength)
        progress.update("backtesting \(series.periods.count) periods")
        let forecast: Forecast
        do { forecast = try Forecast(series: series, horizon: horizon) } catch {
            log("cannot forecast: \(error)")
            return SolveCommand.dataError
        }
        progress.finish()
        switch options[format] {
        case .csv: print(ForecastReport.csv(forecast), terminator: "")
        case .json: print(ForecastReport.json(forecast, title: title, unit: unit), terminator: "")
        case .table: print(ForecastReport.table(forecast, title: title, unit: unit))
        }
        if let path = options.optional(chart) {
            guard write(ForecastChart.svg(forecast, title: title, unit: unit), to: path) else {
                log("cannot write \(path)")
                return ExitCode.failure
            }
        }
        return ExitCode.success
    }

    /// Desks and staff per hour at an office for the next week of its pattern.
    static func staffing(office: Int, origin: LocalDate, options: ParsedOptions, catalog: Catalog, _ db: PostgresConnection,
                         progress: ProgressLine) throws -> Int32 {
        func hourly(_ measure: HistoryRepository.Measure) throws -> [Period: Double] {
            let selection = HistorySelection(measure: measure, officeIDs: [office], officeLabel: "", serviceIDs: nil, serviceLabel: "")
            progress.update("forecasting \(measure.rawValue)")
            let series: DemandSeries
            // No rows of this kind (an office without walk-ins): no demand of it; a failing database still fails.
            do { series = try selection.series(resolution: .hourly, origin: origin, catalog: catalog, db) } catch is DemandSeries.Empty {
                return [:]
            }
            let forecast = try Forecast(series: series, horizon: options.optional(horizon) ?? series.seasonLength)
            return Dictionary(uniqueKeysWithValues: forecast.points.map { ($0.period, $0.forecast) })
        }
        let appointments = try hourly(.appointments), walkIns = try hourly(.walkIns)
        guard !appointments.isEmpty || !walkIns.isEmpty else {
            log("office \(office) has no history of appointments or walk-ins before \(origin)")
            return SolveCommand.dataError
        }
        let before = BerlinTime.instant(date: origin, minuteOfDay: 0)
        let catalogueMinutes = meanCatalogueMinutes(office: office, catalog: catalog)
        let walkInMinutes = try HistoryRepository.meanMinutes(channel: .walkIn, officeIDs: [office], before: before, db) ?? catalogueMinutes
        let appointmentMinutes = try HistoryRepository.meanMinutes(channel: .online, officeIDs: [office], before: before, db) ?? catalogueMinutes
        let demand = Set(appointments.keys).union(walkIns.keys).sorted().map { period in
            StaffingPlan.Demand(period: period, walkIns: walkIns[period] ?? 0, appointments: appointments[period] ?? 0,
                                desksProvided: StaffingReport.desksProvided(office: office, period: period, catalog: catalog))
        }
        let targets = StaffingPlan.Targets(serviceLevel: options[serviceLevel], withinMinutes: options[within],
                                           patienceMinutes: options.optional(patience), shrinkage: options[shrinkage])
        let plan = StaffingPlan(demand: demand, walkInHandlingMinutes: walkInMinutes, appointmentHandlingMinutes: appointmentMinutes,
                                targets: targets)
        progress.finish()
        switch options[format] {
        case .csv, .json: print(StaffingReport.csv(plan), terminator: "")
        case .table:
            print(StaffingReport.table(plan, title: "Staffing at \(catalog.offices[office]!.displayName) (\(office)), hourly",
                                       walkInMinutes: walkInMinutes, appointmentMinutes: appointmentMinutes))
        }
        return ExitCode.success
    }

    /// Days ahead to the next free online appointment at an office, week by week.
    static func leadTime(office: Int, origin: LocalDate, options: ParsedOptions, catalog: Catalog, _ db: PostgresConnection,
                         progress: ProgressLine) throws -> Int32 {
        var selection = HistorySelection(measure: .bookings, officeIDs: [office], officeLabel: "", serviceIDs: nil, serviceLabel: "")
        selection.channels = [.online]
        progress.update("forecasting online bookings")
        let series = try selection.series(resolution: .daily, origin: origin, catalog: catalog, db)
        let forecast = try Forecast(series: series, horizon: options[weeks] * series.seasonLength)
        let before = BerlinTime.instant(date: origin, minuteOfDay: 0)
        let details = catalog.offices[office]!
        let minutes = try HistoryRepository.meanMinutes(channel: .online, officeIDs: [office], before: before, db)
            ?? meanCatalogueMinutes(office: office, catalog: catalog)
        let unitsPerAppointment = max(1, minutes / Double(details.slotMinutes))
        var capacity: [LocalDate: Double] = [:]
        for ahead in 0...(options[weeks] * 7 + details.horizonDays) {
            let day = origin.adding(days: ahead)
            if let layout = DayLayout.make(catalog: catalog, officeID: office, date: day) {
                capacity[day] = (Double(layout.onlineQuotaUnits) / unitsPerAppointment).rounded(.down)
            }
        }
        let booked = try HistoryRepository.onlineBooked(officeIDs: [office], from: origin, db).mapValues(Double.init)
        let demand = forecast.points.map { (day: $0.period.date, appointments: $0.forecast) }
        let projection = LeadTimeProjection(today: origin.adding(days: -1), demand: demand, capacity: capacity, booked: booked,
                                            horizonDays: details.horizonDays, targetDays: options[targetDays])
        progress.finish()
        switch options[format] {
        case .csv, .json: print(LeadTimeReport.csv(projection), terminator: "")
        case .table:
            print(LeadTimeReport.table(projection, title: "Lead time at \(details.displayName) (\(office)): online bookings "
                                       + "forecast by \(forecast.model), capacity from the opening rules"))
        }
        return ExitCode.success
    }

    /// The mean catalogue minutes of the services an office offers online (the fallback without history).
    static func meanCatalogueMinutes(office: Int, catalog: Catalog) -> Double {
        let offers = (catalog.offers[office] ?? [:]).values.filter(\.bookableOnline)
        guard !offers.isEmpty, let slot = catalog.offices[office]?.slotMinutes else { return 15 }
        return Double(offers.reduce(0) { $0 + $1.slotUnits * slot }) / Double(offers.count)
    }

    /// Writes `text` whole to a temporary file, then renames it: a reader never sees half a file.
    static func write(_ text: String, to path: String) -> Bool {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)), rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }
}
