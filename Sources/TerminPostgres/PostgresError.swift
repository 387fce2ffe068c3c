/// A failure talking to PostgreSQL. Evolvable: new codes never break callers.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable { case connectionFailed, queryFailed, poolTimeout, migrationFailed, launchFailed, decodingFailed }
        let base: Base
        public var description: String { base.rawValue }
        public static let connectionFailed = Code(base: .connectionFailed)
        public static let queryFailed = Code(base: .queryFailed)
        /// No pooled connection became free within the pool's acquire time-out.
        public static let poolTimeout = Code(base: .poolTimeout)
        public static let migrationFailed = Code(base: .migrationFailed)
        /// The embedded cluster could not be created or started.
        public static let launchFailed = Code(base: .launchFailed)
        /// A value the server sent does not have the type its column was declared with.
        public static let decodingFailed = Code(base: .decodingFailed)
    }

    public let code: Code
    /// The server's SQLSTATE, e.g. `23505` for a unique violation.
    public let sqlState: String?
    public let message: String
    /// The statement that failed, without its parameter values.
    public let query: String?

    public init(_ code: Code, message: String, sqlState: String? = nil, query: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.query = query
    }

    /// An exclusion or unique constraint refused the row: somebody else has that time.
    public var isConflict: Bool { sqlState == "23P01" || sqlState == "23505" }

    /// The server refused the data of a statement (SQLSTATE classes 22 and 23, and P0 for a trigger's exception): a value
    /// or a row, not the connection or the server's state. The same statement fails again however often it is sent.
    public var refusesData: Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("22") || sqlState.hasPrefix("23") || sqlState.hasPrefix("P0")
    }

    public var description: String {
        "\(code)\(sqlState.map { " [\($0)]" } ?? ""): \(message)" + (query.map { " (query: \($0))" } ?? "")
    }
}
