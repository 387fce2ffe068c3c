import Foundation
import TerminJSON

/// What decoding a document gave, in words that compare: the value's description, or the error's case with its
/// coding path (`keyNotFound services[0].id`). `JSONValueDecoder` is held to Foundation's `JSONDecoder` with it.
public enum DecodingOutcome: Equatable, CustomStringConvertible {
    case value(String)
    case keyNotFound(path: String)
    case typeMismatch(String, path: String)
    case valueNotFound(String, path: String)
    case dataCorrupted(path: String)
    /// `JSONValueDecoder`'s refusal of a number that does not fit, at its field.
    case numberNotFitting(path: String)
    case other(String)

    public init(_ decode: () throws -> Any) {
        do {
            var text = ""
            dump(try decode(), to: &text)
            self = .value(text)
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, let context): self = .keyNotFound(path: Self.path(context.codingPath + [key]))
            case .typeMismatch(let type, let context): self = .typeMismatch("\(type)", path: Self.path(context.codingPath))
            case .valueNotFound(let type, let context): self = .valueNotFound("\(type)", path: Self.path(context.codingPath))
            case .dataCorrupted(let context) where context.underlyingError is JSONNumber.NotRepresentable:
                self = .numberNotFitting(path: Self.path(context.codingPath))
            case .dataCorrupted(let context): self = .dataCorrupted(path: Self.path(context.codingPath))
            @unknown default: self = .other("\(error)")
            }
        } catch {
            self = .other("\(error)")
        }
    }

    /// Whether `JSONValueDecoder`'s outcome is Foundation's: the same, but for the field it names where Foundation
    /// calls a number that does not fit the whole document's fault.
    public func agrees(with foundation: DecodingOutcome) -> Bool {
        if case .numberNotFitting = self { return foundation == .dataCorrupted(path: "") }
        return self == foundation
    }

    /// Both decoders' outcomes for `bytes` as `type`.
    public static func both<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) -> (ours: DecodingOutcome, foundation: DecodingOutcome) {
        (DecodingOutcome { try JSONValueDecoder().decode(type, from: bytes) },
         DecodingOutcome { try JSONDecoder().decode(type, from: Data(bytes)) })
    }

    /// `services[0].id`: keys by name, array indices by number (`Index 0` is `[0]`).
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { key in key.intValue.map { "[\($0)]" } ?? "." + key.stringValue }.joined()
    }

    public var description: String {
        switch self {
        case .value(let text): "value \(text)"
        case .keyNotFound(let path): "keyNotFound \(path)"
        case .typeMismatch(let type, let path): "typeMismatch \(type) \(path)"
        case .valueNotFound(let type, let path): "valueNotFound \(type) \(path)"
        case .dataCorrupted(let path): "dataCorrupted \(path)"
        case .numberNotFitting(let path): "numberNotFitting \(path)"
        case .other(let text): "other \(text)"
        }
    }
}
