/// A fault in an instance file, naming the place (`requests[12].windows[0].from`).
public struct InstanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path of the faulty value; empty for the file as a whole.
    public let field: String
    public let message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}
