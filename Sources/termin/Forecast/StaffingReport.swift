import TerminCore
import TerminForecast

/// The staffing table for one office: per forecast hour the walk-ins and appointments expected, the desks they
/// need, occupancy and staff, beside the desks the opening rules staff.
enum StaffingReport {
    /// Desks the opening rules staff at `office` in `period`'s hour (the most of any rule open during it).
    static func desksProvided(office: Int, period: Period, catalog: Catalog) -> Int {
        guard !catalog.closingCalendar.isClosed(officeID: office, on: period.date) else { return 0 }
        let from = period.hour * 60, to = from + 60
        return (catalog.openingRules[office] ?? []).filter { $0.applies(on: period.date) && $0.startMinute < to && $0.endMinute > from }
            .map(\.staffedDesks).max() ?? 0
    }

    static func table(_ plan: StaffingPlan, title: String, walkInMinutes: Double, appointmentMinutes: Double) -> String {
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String { ForecastReport.pad(text, width, right: right) }
        let targets = plan.targets
        var lines = [title, ""]
        lines.append(String(format: "target    %.0f %% of walk-ins served within %.0f min (%@); shrinkage %.0f %%",
                            targets.serviceLevel * 100, targets.withinMinutes,
                            targets.patienceMinutes.map { String(format: "Erlang A, mean patience %.0f min", $0) } ?? "Erlang C",
                            targets.shrinkage * 100))
        lines.append(String(format: "handling  walk-ins %.1f min, appointments %.1f min (means of the history)", walkInMinutes, appointmentMinutes))
        lines.append("")
        lines.append(pad("hour", 15) + pad("walk-ins", 10, right: true) + pad("appts", 8, right: true) + pad("desks", 7, right: true)
                     + pad("(appt+walk)", 13, right: true) + pad("occup.", 8, right: true) + pad("staff", 7, right: true)
                     + pad("rules", 7, right: true) + pad("short", 7, right: true))
        for hour in plan.hours {
            let d = hour.demand
            lines.append(pad(d.period.description, 15) + pad(String(format: "%.1f", d.walkIns), 10, right: true)
                         + pad(String(format: "%.1f", d.appointments), 8, right: true) + pad(String(hour.desksNeeded), 7, right: true)
                         + pad("(\(hour.appointmentDesks)+\(hour.walkInDesks))", 13, right: true)
                         + pad(String(format: "%.0f %%", hour.occupancy * 100), 8, right: true) + pad(String(hour.staffNeeded), 7, right: true)
                         + pad(String(d.desksProvided), 7, right: true) + pad(hour.desksShort > 0 ? String(hour.desksShort) : "", 7, right: true))
        }
        let short = plan.shortHours
        let needed = plan.hours.reduce(0) { $0 + $1.desksNeeded }, provided = plan.hours.reduce(0) { $0 + $1.demand.desksProvided }
        lines.append("")
        lines.append("desk-hours needed \(needed), staffed by the rules \(provided); "
                     + (short.isEmpty ? "no hour falls short" : "\(short.count) hours fall short, by up to \(short.map(\.desksShort).max()!) desks: "
                        + short.prefix(8).map(\.demand.period.description).joined(separator: ", ") + (short.count > 8 ? ", …" : "")))
        return lines.joined(separator: "\n")
    }

    static func csv(_ plan: StaffingPlan) -> String {
        var text = "period,walk_ins,appointments,desks_needed,appointment_desks,walk_in_desks,occupancy,staff_needed,desks_provided,desks_short\n"
        for hour in plan.hours {
            let d = hour.demand
            text += [d.period.description, ForecastReport.plain(d.walkIns), ForecastReport.plain(d.appointments),
                     String(hour.desksNeeded), String(hour.appointmentDesks), String(hour.walkInDesks),
                     ForecastReport.plain(hour.occupancy), String(hour.staffNeeded), String(d.desksProvided),
                     String(hour.desksShort)].joined(separator: ",") + "\n"
        }
        return text
    }
}

/// The lead-time table for one office: per week the demand, the capacity released, and days to the next free
/// online appointment, with the first week that breaks the target.
enum LeadTimeReport {
    static func table(_ projection: LeadTimeProjection, title: String) -> String {
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String { ForecastReport.pad(text, width, right: right) }
        var lines = [title, "", "target    the next free online appointment within \(projection.targetDays) days", ""]
        lines.append(pad("week of", 12) + pad("demand", 10, right: true) + pad("released", 10, right: true)
                     + pad("lead days", 11, right: true) + "  ")
        for week in projection.weeks {
            lines.append(pad(week.start.description, 12) + pad(ForecastReport.number(week.demand), 10, right: true)
                         + pad(ForecastReport.number(week.capacity), 10, right: true)
                         + pad(week.leadDays.map(String.init) ?? "none free", 11, right: true)
                         + (week.breaksTarget ? "  over target" : ""))
        }
        lines.append("")
        lines.append(projection.firstBreach.map { "the first week over target begins \($0.start)" } ?? "no week breaks the target")
        return lines.joined(separator: "\n")
    }

    static func csv(_ projection: LeadTimeProjection) -> String {
        var text = "week,demand,capacity_released,lead_days,breaks_target\n"
        for week in projection.weeks {
            text += "\(week.start),\(ForecastReport.plain(week.demand)),\(ForecastReport.plain(week.capacity)),"
                + "\(week.leadDays.map(String.init) ?? ""),\(week.breaksTarget)\n"
        }
        return text
    }
}
