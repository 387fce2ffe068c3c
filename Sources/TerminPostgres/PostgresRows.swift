/// The rows of a result, each value as PostgreSQL's text form or `nil` for NULL. Read them through a
/// `PostgresSelection`, which names each column once.
public struct PostgresRows: Sendable {
    public let columns: [String]
    public let rows: [[String?]]

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// The value of the first column of the first row.
    public var scalar: String? { rows.first?.first ?? nil }
}
