import Foundation
import Synchronization
import Testing
import TerminCore
import TerminTestSupport

/// Kill -9 in the middle of a burst, restart, and check that every 201 a client received is in the database with
/// the same data, and that the restarted ledger offers exactly the time the database says is free.
@Suite struct CrashRecoveryTests {
    static let office = 102522
    /// Führungszeugnis: 5 minutes, one unit, every desk of Orleansplatz handles it.
    static let service = 1063565

    /// The first day with free starts from tomorrow on, and its starts (real time: the server runs on the wall clock).
    static func releasedDay(port: Int) throws -> (date: String, starts: [String]) {
        let from = BerlinTime.local(Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970) + 86_400)).date
        let response = try TestHTTPClient(port: port).send(
            "GET", "/v1/availability?office=\(office)&service=\(service)&from=\(from)&to=\(from.adding(days: 14))")
        return try #require(response.availabilityDays.first)
    }

    @Test func aKilledServerLosesNoConfirmedBookingAndLeaksNoSlot() throws {
        let conninfo = try TestDatabase.create()
        let first = try ServerProcess(conninfo: conninfo)
        let (date, starts) = try Self.releasedDay(port: first.port)
        // The rush: 32 clients book random times of the day until the server dies under them.
        let burst = BookingBurst(port: first.port, office: Self.office, service: Self.service, clients: 32,
                                 attemptsPerClient: 10_000, idempotent: true) { _, _ in starts.randomElement()! }
        try burst.waitForAnswers(atLeast: 400)
        first.kill(SIGKILL)
        try first.wait()
        let confirmed = try burst.finish()
        #expect(confirmed.count > 50)

        // Every 201 is in the database, as it was answered.
        let second = try ServerProcess(conninfo: conninfo)
        let client = try TestHTTPClient(port: second.port)
        for confirmation in confirmed {
            let read = try client.send("GET", "/v1/bookings/\(confirmation.id)", headers: ["Authorization": "Booking \(confirmation.code)"])
            #expect(read.status == 200, "booking \(confirmation.id) answered 201 but is gone")
            #expect(read.json["start"] as? String == confirmation.start && read.json["status"] as? String == "confirmed")
        }
        // The restarted ledger offers a start exactly when fewer desks than there are are booked at that unit.
        let db = try PostgresTestConnection(conninfo)
        let desks = Int(try db.scalar("SELECT count(*) FROM desk WHERE office_id = \(Self.office)") ?? "")!
        var live: [String: Int] = [:]
        for row in try db.rows("""
            SELECT to_char(lower(span) AT TIME ZONE 'Europe/Berlin', 'HH24:MI'), count(*) FROM appointment
            WHERE office_id = \(Self.office) AND day = '\(date)' AND status IN ('held', 'confirmed') GROUP BY 1
            """) { live[row[0]!] = Int(row[1]!)! }
        let offered = try client.send("GET", "/v1/availability?office=\(Self.office)&service=\(Self.service)&from=\(date)&to=\(date)")
        let offeredStarts = Set(offered.availabilityDays.first?.starts ?? [])
        for start in starts {
            let time = String(start.dropFirst(11).prefix(5))
            #expect(offeredStarts.contains(start) == ((live[time] ?? 0) < desks), "\(start): \(live[time] ?? 0) of \(desks) desks booked")
        }
    }
}
