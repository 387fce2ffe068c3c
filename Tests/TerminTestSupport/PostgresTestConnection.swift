import TerminStore
import TerminPostgres

/// Plain SQL against a test database, for checking what a test did.
public struct PostgresTestConnection {
    let connection: PostgresConnection

    public init(_ conninfo: String) throws { connection = try PostgresConnection(conninfo: conninfo) }

    public func scalar(_ sql: String) throws -> String? { try connection.query(sql).scalar }
    public func rows(_ sql: String) throws -> [[String?]] { try connection.query(sql).rows }
}
