import TerminCore
import TerminPostgres

extension HelpWeek {
    /// A day of each help desk with the week's booked visitors and `dropInsPerPlace` drop-ins, simulated minute by minute
    /// on the engine's clock (`OfficeDay`), on the day of the week its helpers have the most time left: the drop-ins'
    /// waits, and whether everyone who came was served, booked visitors no later than the grace because of a drop-in.
    static func dropInDays(conninfo: String, catalog: Catalog, monday: LocalDate, _ db: PostgresConnection) throws
        -> (figures: [String: String], invariants: [Invariants.Result]) {
        var figures: [String: String] = [:]
        var unserved = 0, delayed = 0, came = 0
        for place in helpDesks {
            let helperDesks = Set((catalog.desks[place] ?? []).filter { $0.helperID != nil }.map(\.id))
            var best: (day: LocalDate, freeUnits: Int)?
            for day in (0..<5).map({ monday.adding(days: $0) }) {
                guard let layout = DayLayout.make(catalog: catalog, officeID: place, date: day) else { continue }
                let open = layout.desks.filter { helperDesks.contains($0.deskID) }.reduce(0) { $0 + $1.open.population }
                let booked = Int(try db.query("""
                    SELECT coalesce(sum(units), 0) FROM appointment WHERE office_id = $1 AND day = $2 AND status = 'confirmed'
                      AND desk_id = ANY($3::bigint[])
                    """, [String(place), day.description, PostgresArray.literal(helperDesks.map(String.init))]).scalar ?? "") ?? 0
                if open > 0, best == nil || open - booked > best!.freeUnits { best = (day, open - booked) }
            }
            guard let day = best?.day else { continue }
            let result = try OfficeDay(officeID: place, walkIns: dropInsPerPlace, bookedShare: 0, showShare: 0.93, seed: UInt64(place),
                                       date: day).run(conninfo: conninfo)
            let waits = result.walkInWaits
            figures["drop-ins at \(place) on \(day)"] = "\(waits.count) served, \(result.givenNoNumber) given no number; wait p50 "
                + (waits.isEmpty ? "-" : String(format: "%.0f / max %.0f min", waits[waits.count / 2], waits.last!))
            unserved += result.unserved
            delayed += result.delayedByWalkIns
            came += dropInsPerPlace
        }
        return (figures, [
            .init(name: "everyone who came to a help desk was served (or told at once there was no number left)", held: unserved == 0,
                  detail: "\(came) drop-ins at \(helpDesks.count) places, \(unserved) tickets open at the end of the day"),
            .init(name: "no booked visitor waited past the grace because of a drop-in", held: delayed == 0,
                  detail: "\(delayed) booked visitors delayed"),
        ])
    }
}
