/// PostgreSQL array literals for sending a column of a batch as one parameter (`unnest($1::uuid[], …)`).
public enum PostgresArray {
    /// `{"a","b",NULL}`: every element quoted, `"` and `\` escaped, `nil` as NULL.
    public static func literal(_ values: [String?]) -> String {
        var text = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            guard let value else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in value {
                if character == "\"" || character == "\\" { text += "\\" }
                text.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
