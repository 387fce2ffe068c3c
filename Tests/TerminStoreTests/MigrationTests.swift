import Foundation
import Testing
import TerminCore
import TerminPostgres
import TerminTestSupport
@testable import TerminStore

/// Termin's own migrations carry existing rows forward.
@Suite struct MigrationTests {
    func folder(_ files: [String: String]) throws -> String {
        let path = NSTemporaryDirectory() + "termin-migrations-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    /// 003 moves each booking's services from appointment_service into the appointment row, in order.
    @Test func inliningServicesKeepsExistingBookings() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        let all = try Migrator()
        let early = try folder(Dictionary(uniqueKeysWithValues: all.migrations.filter { $0.version < 3 }.map { ($0.name, $0.sql) }))
        try Migrator(directory: early).migrate(db)
        // The master data the booking needs, as the schema stood then (today's seeder writes later columns).
        try db.execute("""
            INSERT INTO office (id, name_de, display_name, public, street, house_number, postal_code, city, lat, lon,
                                slot_minutes, horizon_days, min_notice_minutes, online_withheld_percent)
            VALUES (102522, 'Bürgerbüro Orleansplatz', 'Bürgerbüro Orleansplatz', true, 'Orleansplatz', '11', '81667',
                    'München', 48.13, 11.60, 5, 60, 60, 20);
            INSERT INTO service (id, name_de, duration_minutes, max_quantity, public)
            VALUES (1063441, 'Personalausweis', 15, 5, true), (1063453, 'Reisepass', 15, 5, true);
            INSERT INTO desk (id, office_id, number, accessible) VALUES (10252201, 102522, 1, true);
            """)
        try db.execute("""
            INSERT INTO appointment (id, office_id, desk_id, day, start_unit, units, span, channel, status, code_hash, created_at)
            VALUES ('00000000-0000-0000-0000-000000000001', 102522, 10252201, '2026-12-01', 84, 7,
                    tstzrange('2026-12-01 07:00+01', '2026-12-01 07:35+01'), 'online', 'confirmed', '\\x00', now());
            INSERT INTO appointment_service VALUES ('00000000-0000-0000-0000-000000000001', 1, 1063453, 2),
                                                   ('00000000-0000-0000-0000-000000000001', 0, 1063441, 1);
            """)
        let full = try folder(Dictionary(uniqueKeysWithValues: all.migrations.map { ($0.name, $0.sql) }))
        #expect(try Migrator(directory: full).migrate(db) == all.migrations.filter { $0.version >= 3 }.map(\.name))
        let record = try #require(try AppointmentRepository.fetch(id: "00000000-0000-0000-0000-000000000001", db))
        #expect(record.services == [ServiceRequest(serviceID: 1063441, quantity: 1), ServiceRequest(serviceID: 1063453, quantity: 2)])
    }
}
