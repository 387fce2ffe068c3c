import Testing
import TerminTestSupport
@testable import TerminPostgres

/// One declaration writes the select list and reads the row; bad values are errors naming the column.
@Suite struct PostgresColumnsTests {
    static let id = PostgresColumn("id", PostgresText.int)
    static let name = PostgresColumn<String?>.optional("name", PostgresText.text)
    static let tags = PostgresColumn("array_to_string(tags, ',')", PostgresText.list(PostgresText.int))
    static let selection = PostgresSelection(id, name, tags)

    @Test func theSelectionWritesTheListAndReadsTheRowsByTheSameColumns() throws {
        let db = try PostgresConnection(conninfo: try TestDatabase.createEmpty())
        try db.execute("CREATE TABLE t (id int, name text, tags int[]); INSERT INTO t VALUES (1, NULL, '{3,4}'), (2, 'b', '{}')")
        #expect(Self.selection.sql == "id, name, array_to_string(tags, ',')")
        let rows = try db.select(Self.selection, "FROM t ORDER BY id") { row throws(PostgresError) in
            (try row[Self.id], try row[Self.name], try row[Self.tags])
        }
        #expect(rows.map(\.0) == [1, 2] && rows.map(\.1) == [nil, "b"] && rows.map(\.2) == [[3, 4], []])
    }

    @Test(arguments: [
        (["x", nil, ""], "column id: 'x' does not decode"),
        ([nil, nil, ""], "column id: NULL does not decode"),
        (["1", nil, "3,z"], "column array_to_string(tags, ','): '3,z' does not decode"),
    ] as [([String?], String)])
    func aValueThatDoesNotDecodeIsAnErrorNamingTheColumn(values: [String?], message: String) throws {
        let row = try Self.selection.row(values)
        #expect {
            _ = (try row[Self.id], try row[Self.tags])
        } throws: { error in
            let error = error as! PostgresError
            return error.code == .decodingFailed && error.message == message
        }
    }

    @Test func aRowOfAnotherShapeIsRefused() {
        #expect(throws: PostgresError.self) { try Self.selection.row(["1", nil]) }
        let other = PostgresColumn("other", PostgresText.int)
        #expect(throws: PostgresError.self) { _ = try Self.selection.row(["1", nil, ""])[other] }
    }
}
