import TerminHTTP
import TerminJSON

/// Decoding request bodies and encoding responses, with decoding failures turned into problems naming the field.
enum JSONBody {
    /// Largest accepted JSON body, in bytes (the HTTP layer's own bound is larger).
    static let bytesMax = 64 * 1024

    /// Reads a JSON object body with `JSONReader` (the hot routes' way), or explains why it cannot.
    static func read(_ request: HTTPRequest) throws(APIFailure) -> JSONFields {
        try JSONFields(try parsed(request), path: "")
    }

    /// Decodes a JSON body (read by `JSONReader`, decoded by `JSONValueDecoder`, whose errors are `JSONDecoder`'s) or
    /// explains, by field, why it cannot.
    static func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest) throws(APIFailure) -> T {
        do {
            return try JSONValueDecoder().decode(T.self, from: try parsed(request))
        } catch let failure as APIFailure {
            throw failure
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context):
                throw APIFailure.invalid(path(context.codingPath + [key]), "This field is required.")
            case .typeMismatch(let expected, let context):
                throw APIFailure.invalid(path(context.codingPath), "Expected \(describe(expected)).")
            case .valueNotFound(let expected, let context):
                throw APIFailure.invalid(path(context.codingPath), "Expected \(describe(expected)), found null.")
            case .dataCorrupted(let context) where context.codingPath.isEmpty:
                throw malformedJSON
            case .dataCorrupted(let context):
                throw APIFailure.invalid(path(context.codingPath), context.debugDescription)
            @unknown default:
                throw APIFailure.invalid("body", "The body could not be read.")
            }
        } catch {
            throw APIFailure.invalid("body", "The body could not be read.")
        }
    }

    static let malformedJSON = APIFailure(ProblemDetails(type: APIFailure.typeBase + "malformed-json", title: "Malformed JSON",
                                                         status: 400, detail: "The body is not valid JSON.", field: "body"))

    /// The body read as JSON, once its media type and size are right and it is not empty, and its text can be stored.
    private static func parsed(_ request: HTTPRequest) throws(APIFailure) -> JSONValue {
        let body = try checked(request)
        let value: JSONValue
        do { value = try JSONReader.parse(body) } catch { throw malformedJSON }
        try refuseAmbiguity(in: value, at: "")
        return value
    }

    /// Refuses what a body cannot mean one way: text with U+0000, which PostgreSQL's text cannot hold (and libpq's
    /// parameters end at), so it must not reach a statement (and fail every other write batched with it); and an
    /// object with a key twice, which readers resolve differently (the first, the last), naming where.
    private static func refuseAmbiguity(in value: JSONValue, at path: String) throws(APIFailure) {
        switch value {
        case .string(let text) where text.utf8.contains(0):
            throw APIFailure.invalid(path.isEmpty ? "body" : path, "Text must not contain the character U+0000.")
        case .array(let elements):
            for (index, element) in elements.enumerated() { try refuseAmbiguity(in: element, at: path + "[\(index)]") }
        case .object(let members):
            // Bodies' objects are small: compared pairwise, without a set to allocate on the hot routes.
            var keys = members.count > 16 ? Set<String>() : nil
            for (index, member) in members.enumerated() {
                let memberPath = path.isEmpty ? member.key : path + "." + member.key
                guard !member.key.utf8.contains(0) else {
                    throw APIFailure.invalid(path.isEmpty ? "body" : path, "Text must not contain the character U+0000.")
                }
                let repeated = keys?.insert(member.key).inserted == false || (keys == nil && members[..<index].contains { $0.key == member.key })
                guard !repeated else { throw APIFailure.invalid(memberPath, "This key is sent twice.") }
                try refuseAmbiguity(in: member.value, at: memberPath)
            }
        default:
            return
        }
    }

    /// The body, once its media type and size are right and it is not empty.
    private static func checked(_ request: HTTPRequest) throws(APIFailure) -> [UInt8] {
        if let contentType = request.header("content-type")?.lowercased(),
           !(contentType.hasPrefix("application/json") || contentType.hasPrefix("application/problem+json")) {
            throw APIFailure(ProblemDetails(type: APIFailure.typeBase + "unsupported-media-type", title: "Unsupported Media Type",
                                            status: 415, detail: "Send the body as application/json.", field: "Content-Type"))
        }
        guard request.body.count <= bytesMax else {
            throw APIFailure(.http(413, "A JSON body is at most \(bytesMax) bytes.", field: "Content-Length"))
        }
        guard !request.body.isEmpty else { throw APIFailure.invalid("body", "The request needs a JSON body.") }
        return request.body
    }

    /// `services[0].quantity` from a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "body" : text
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "a value of another kind"
        }
    }

    /// The answers' encoder: keys sorted, slashes not escaped (the bytes `JSONEncoder` with `[.sortedKeys,
    /// .withoutEscapingSlashes]` writes, as the tests hold it to).
    static let encoder = JSONValueEncoder()

    /// A JSON response.
    static func response<T: Encodable>(_ status: Int, _ value: T, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        // Encoding our own response types cannot fail: they hold no NaN or infinity.
        .json(status, try! encoder.encode(value), headers: headers)
    }
}
