/// One column of a select list: its SQL expression and how its text form decodes.
///
/// Declare a query's columns once, in a `PostgresSelection`; the same declaration writes the select list and reads
/// the rows, so positions cannot drift and a value that does not parse is a `decodingFailed` error naming the
/// column, never a crash.
public struct PostgresColumn<Value>: PostgresSelectable, Sendable {
    /// The expression in the select list, e.g. `a.day` or `extract(epoch FROM a.expires_at)::bigint`.
    public let expression: String
    /// Turns the text form (`nil` for NULL) into a value; `nil` when it is not one.
    let decode: @Sendable (String?) -> Value?

    /// A column whose text form `decode` parses; NULL is a decoding error.
    public init(_ expression: String, _ decode: @escaping @Sendable (String) -> Value?) {
        self.expression = expression
        self.decode = { $0.flatMap(decode) }
    }

    /// A nullable column: NULL decodes to `nil`, any other text through `decode`.
    public static func optional<Wrapped>(_ expression: String, _ decode: @escaping @Sendable (String) -> Wrapped?)
        -> PostgresColumn<Wrapped?> where Value == Wrapped? {
        PostgresColumn<Wrapped?>(expression: expression) { text in
            guard let text else { return .some(nil) }
            return decode(text).map { .some($0) }
        }
    }

    init(expression: String, decode: @escaping @Sendable (String?) -> Value?) {
        self.expression = expression
        self.decode = decode
    }
}

/// Decoders for PostgreSQL's text forms of the common types.
public enum PostgresText {
    public static func text(_ text: String) -> String? { text }
    public static func int(_ text: String) -> Int? { Int(text) }
    public static func int64(_ text: String) -> Int64? { Int64(text) }
    public static func double(_ text: String) -> Double? { Double(text) }
    public static func bool(_ text: String) -> Bool? { text == "t" ? true : text == "f" ? false : nil }
    /// A one-dimensional array sent as `array_to_string(x, ',')`: its elements, each decoded.
    public static func list<Element>(_ element: @escaping @Sendable (String) -> Element?) -> @Sendable (String) -> [Element]? {
        { text in
            var elements: [Element] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: true) {
                guard let value = element(String(part)) else { return nil }
                elements.append(value)
            }
            return elements
        }
    }
}

/// Anything that stands in a select list.
public protocol PostgresSelectable: Sendable {
    var expression: String { get }
}

/// The select list of a query, declared once: `sql` goes into the statement, and `row(_:)` reads a result row by
/// the same columns.
public struct PostgresSelection: Sendable {
    /// The columns joined for a select or `RETURNING` list.
    public let sql: String
    private let positions: [String: Int]

    /// The columns in the order they are selected.
    public init(_ columns: any PostgresSelectable...) { self.init(columns.map(\.expression)) }

    public init(_ expressions: [String]) {
        precondition(Set(expressions).count == expressions.count, "a selection names each column once")
        sql = expressions.joined(separator: ", ")
        positions = Dictionary(uniqueKeysWithValues: expressions.enumerated().map { ($1, $0) })
    }

    /// A result row read through this selection.
    /// - Throws: `PostgresError(.decodingFailed)` when the result has fewer columns than the selection.
    public func row(_ values: [String?]) throws(PostgresError) -> PostgresRow {
        guard values.count == positions.count else {
            throw PostgresError(.decodingFailed, message: "a row has \(values.count) columns, the selection \(positions.count)")
        }
        return PostgresRow(values: values, positions: positions)
    }

    /// Every row of a result, each turned into a value by `decode`.
    public func decode<Row>(_ rows: PostgresRows, _ decode: (PostgresRow) throws(PostgresError) -> Row)
        throws(PostgresError) -> [Row] {
        var decoded: [Row] = []
        decoded.reserveCapacity(rows.count)
        for values in rows.rows { decoded.append(try decode(try row(values))) }
        return decoded
    }
}

/// A result row whose values are read by their column declarations.
public struct PostgresRow: Sendable {
    let values: [String?]
    let positions: [String: Int]

    /// The value of `column`.
    /// - Throws: `PostgresError(.decodingFailed)` naming the column when it is not in the selection, is NULL where
    ///   NULL is not allowed, or does not parse.
    public subscript<Value>(_ column: PostgresColumn<Value>) -> Value {
        get throws(PostgresError) {
            guard let position = positions[column.expression] else {
                throw PostgresError(.decodingFailed, message: "column \(column.expression) is not selected")
            }
            let text = values[position]
            guard let value = column.decode(text) else {
                throw PostgresError(.decodingFailed,
                                    message: "column \(column.expression): \(text.map { "'\($0)'" } ?? "NULL") does not decode")
            }
            return value
        }
    }
}

extension PostgresConnection {
    /// Runs `SELECT <selection> <rest>` and decodes each row.
    public func select<Row>(_ selection: PostgresSelection, _ rest: String, _ parameters: [String?] = [],
                            _ decode: (PostgresRow) throws(PostgresError) -> Row) throws(PostgresError) -> [Row] {
        try selection.decode(try query("SELECT \(selection.sql) \(rest)", parameters), decode)
    }
}
