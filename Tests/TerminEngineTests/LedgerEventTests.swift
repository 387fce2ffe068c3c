import Testing
import TerminCore
@testable import TerminEngine

/// The lines of a `termin_ledger` notification (Sql/004_ledger_notify.sql) and what is made of them.
@Suite struct LedgerEventTests {
    static let id = "0f8fad5b-d9cb-469f-a165-70867728950e"

    @Test func aPayloadYieldsOneEventPerLineAfterTheHeader() {
        let payload = "termin-4711\n+,\(Self.id),102522,10252203,2026-12-01,84,3,online\n-,\(Self.id),102522,10252203,2026-12-01,84,3,staff\n"
        let events = LedgerEvent.parse(payload: payload)
        #expect(events.count == 2)
        #expect(events[0].operation == .live && events[1].operation == .ended)
        #expect(events[0].id == Self.id)
        #expect(events[0].run == SlotRun(officeID: 102522, deskID: 10252203, date: LocalDate(iso: "2026-12-01")!,
                                        startUnit: 84, units: 3))
        #expect(events[0].channel == .online && events[1].channel == .staff)
    }

    @Test(arguments: [
        "",                                                          // empty
        "termin",                                                    // the header
        "*,id,102522,10252203,2026-12-01,84,3,online",               // unknown operation
        "+,id,102522,10252203,2026-12-01,84,3",                      // a field missing
        "+,id,102522,10252203,2026-12-01,84,3,online,extra",         // a field too many
        "+,id,x,10252203,2026-12-01,84,3,online",                    // office not a number
        "+,id,102522,10252203,2026-13-01,84,3,online",               // no such date
        "+,id,102522,10252203,2026-12-01,-1,3,online",               // negative start
        "+,id,102522,10252203,2026-12-01,84,0,online",               // no units
        "+,id,102522,10252203,2026-12-01,84,3,phone",                // unknown channel
    ])
    func malformedLinesAreSkipped(line: String) {
        #expect(LedgerEvent.parse(payload: line).isEmpty)
    }
}
