/// Moves a non-Sendable value between threads where the program guarantees one owner at a time.
///
/// Every use says why it is safe: the pool hands each connection to one caller at a time (its idle list is behind
/// a mutex); the ledger sync creates its listener on one thread and then only the sync thread uses it.
public struct UnsafeSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
