import Foundation
import Synchronization
import Testing
@testable import TerminHTTP

/// The access log's lines are valid JSON with the fields operators read, escaped where they must be, and reach the
/// sink in chunks of whole lines no longer than a pipe takes at once.
@Suite struct AccessLogTests {
    final class Chunks: Sendable {
        let all = Mutex<[[UInt8]]>([])
    }

    @Test func linesAreJSONAndChunksHoldWholeLinesWithinTheBound() throws {
        let chunks = Chunks()
        var writer = AccessLog.Writer { chunk in chunks.all.withLock { $0.append(chunk) } }
        let paths = ["/v1/bookings", "/v1/bookings/\"quoted\"\\back", "/weird\u{1}control\nnewline", "/ümlaut"]
        for index in 0..<200 {
            writer.append(requestID: "id-\(index)", method: "POST", path: paths[index % paths.count], route: "/v1/bookings",
                          status: 201, durationSeconds: Double(index) * 0.000_123_4, bytesOut: index * 7)
        }
        #expect(chunks.all.withLock { $0.isEmpty } == false)   // full chunks were handed on before the flush
        writer.flush()
        let all = chunks.all.withLock { $0 }
        #expect(all.allSatisfy { $0.count <= AccessLog.chunkBytesMax && $0.last == UInt8(ascii: "\n") })
        let lines = all.flatMap { $0.split(separator: UInt8(ascii: "\n")) }
        #expect(lines.count == 200)
        for (index, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            #expect(object["request_id"] as? String == "id-\(index)")
            #expect(object["path"] as? String == paths[index % paths.count])
            #expect(object["status"] as? Int == 201 && object["bytes_out"] as? Int == index * 7)
            let milliseconds = try #require(object["duration_ms"] as? Double)
            #expect(abs(milliseconds - Double(index) * 0.1234) < 0.0011, "line \(index): \(milliseconds)")
            let time = try #require(object["time"] as? String)
            #expect(time.count == 24 && time.hasSuffix("Z") && time.dropFirst(10).first == "T")
        }
    }

    /// A request without an `X-Request-Id` gets 16 hex digits, never the same twice from one loop's generator; a
    /// printable one of the client's is kept.
    @Test func requestIDsAreKeptOrNewAndNeverRepeat() {
        var generator = AccessLog.RequestIDGenerator()
        let bare = HTTPRequest(method: "GET", target: "/", path: "/", query: [], minorVersion: 1, headers: [], body: [])
        var seen = Set<String>()
        for _ in 0..<100_000 {
            let id = AccessLog.requestID(for: bare, using: &generator)
            #expect(id.utf8.count == 16 && id.allSatisfy(\.isHexDigit))
            seen.insert(id)
        }
        #expect(seen.count == 100_000)
        let named = HTTPRequest(method: "GET", target: "/", path: "/", query: [], minorVersion: 1,
                                headers: [("x-request-id", "portal-42")], body: [])
        #expect(AccessLog.requestID(for: named, using: &generator) == "portal-42")
    }
}
