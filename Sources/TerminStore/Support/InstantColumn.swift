import TerminCore
import TerminPostgres

/// Timestamps read as `Instant`s: the column's epoch seconds, so no time-zone text is parsed.
enum InstantColumn {
    /// A `timestamptz` column or expression that is never NULL.
    static func required(_ expression: String) -> PostgresColumn<Instant> {
        PostgresColumn("extract(epoch FROM \(expression))::bigint", decode)
    }

    /// A nullable `timestamptz` column or expression.
    static func optional(_ expression: String) -> PostgresColumn<Instant?> {
        PostgresColumn<Instant?>.optional("extract(epoch FROM \(expression))::bigint", decode)
    }

    @Sendable static func decode(_ text: String) -> Instant? { Int64(text).map(Instant.init(secondsSinceEpoch:)) }
}
