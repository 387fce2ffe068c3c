import Foundation
import TerminCore

/// Webhook signatures as the Standard Webhooks specification defines them, so that a receiver verifies with that
/// specification's own libraries: `webhook-signature: v1,<base64 of HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`,
/// the secret handed out as `whsec_<base64>`.
public enum WebhookSignature {
    /// Random bytes in a new secret (the specification asks for 24 to 64).
    public static let secretBytes = 32

    /// The secret as a receiver is given it.
    public static func secretText(_ secret: [UInt8]) -> String { "whsec_" + Data(secret).base64EncodedString() }

    /// The `webhook-signature` value of `body` sent as message `id` at `timestamp` (Unix seconds).
    public static func signature(id: String, timestamp: Int64, body: [UInt8], secret: [UInt8]) -> String {
        "v1," + Data(HMACSHA256.code(key: secret, message: Array("\(id).\(timestamp).".utf8) + body)).base64EncodedString()
    }

    /// The three headers of one try.
    public static func headers(id: String, timestamp: Int64, body: [UInt8], secret: [UInt8]) -> [(name: String, value: String)] {
        [("webhook-id", id), ("webhook-timestamp", String(timestamp)),
         ("webhook-signature", signature(id: id, timestamp: timestamp, body: body, secret: secret))]
    }
}
