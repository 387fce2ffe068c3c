import TerminCore
import TerminPostgres

/// Keys the deployment did not give in its environment (`termin_secret`): made by the first instance that needs one
/// and shared by every instance and every restart, so that all of them hash identities and derive booking codes alike.
public enum SecretRepository {
    /// The key named `name`: the one stored, else `proposed`, stored now (the first instance to store it wins, and
    /// every instance then uses that one).
    public static func secret(named name: String, proposing proposed: [UInt8], _ db: PostgresConnection) throws -> [UInt8] {
        _ = try db.query("""
            INSERT INTO termin_secret (name, value) VALUES ($1, decode($2, 'hex')) ON CONFLICT (name) DO NOTHING
            """, [name, Hex.encode(proposed)])
        guard let hex = try db.query("SELECT encode(value, 'hex') FROM termin_secret WHERE name = $1", [name]).scalar,
              let key = Hex.decode(hex) else {
            throw PostgresError(.decodingFailed, message: "the secret \(name) could not be read back")
        }
        return key
    }
}
