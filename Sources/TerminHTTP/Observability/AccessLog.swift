import Foundation
import Glibc

/// One structured JSON line per request, and the request id that ties it to the client's view.
public enum AccessLog {
    /// Longest `X-Request-Id` taken from a client; a longer or non-printable one is replaced.
    public static let requestIDBytesMax = 128

    /// The client's `X-Request-Id` if it is printable ASCII of sensible length, else a new random one.
    public static func requestID(for request: HTTPRequest) -> String {
        if let given = request.header("x-request-id"), !given.isEmpty, given.utf8.count <= requestIDBytesMax,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return given
        }
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// `{"time":…,"level":"info","msg":"request",…}`. The query string is left out: it may carry personal data.
    public static func line(requestID: String, method: String, path: String, route: String, status: Int,
                            durationSeconds: Double, bytesOut: Int) -> String {
        "{\"time\":\"\(timestamp())\",\"level\":\"info\",\"msg\":\"request\",\"request_id\":\"\(escape(requestID))\","
            + "\"method\":\"\(escape(method))\",\"path\":\"\(escape(path))\",\"route\":\"\(escape(route))\","
            + "\"status\":\(status),\"duration_ms\":\(String(format: "%.3f", durationSeconds * 1000)),\"bytes_out\":\(bytesOut)}"
    }

    /// Writes a line to standard error in one write (lines stay whole between threads).
    public static func toStandardError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S", &parts)
        let base = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return base + String(format: ".%03dZ", spec.tv_nsec / 1_000_000)
    }

    /// JSON string escaping.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default:
                if scalar.value < 0x20 { escaped += String(format: "\\u%04x", scalar.value) } else { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }
}
