import Foundation
import Testing
import TerminTestSupport
@testable import TerminAPI

@Suite struct ObservabilityTests {
    @Test func metricsCountRequestsByRouteAndStatus() throws {
        let app = try TestServer()
        let client = try app.client()
        for _ in 0..<3 { #expect(try client.send("GET", "/healthz").status == 200) }
        #expect(try client.send("GET", "/v1/offices/999").status == 404)
        #expect(try client.send("GET", "/nowhere").status == 404)
        #expect(try client.send("POST", "/v1/bookings", body: TestServer.holdBody(start: TestServer.tuesday("08:00"))).status == 201)
        let metrics = try client.send("GET", "/metrics")
        #expect(metrics.status == 200 && metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.text
        #expect(text.contains(#"termin_http_requests_total{method="GET",route="/healthz",status="200"} 3"#))
        #expect(text.contains(#"termin_http_requests_total{method="GET",route="/v1/offices/{id}",status="404"} 1"#))
        #expect(text.contains(#"termin_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
        #expect(text.contains(#"termin_http_request_duration_seconds_count{route="/v1/bookings"} 1"#))
        #expect(text.contains(#"termin_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 3"#))
        #expect(text.contains("termin_http_open_connections 1"))
        #expect(text.contains("termin_commit_entries_total 1") && text.contains("termin_ledger_appointments 1"))
    }

    @Test func everyRequestIsOneJSONLogLineWithItsRequestID() throws {
        let app = try TestServer()
        let client = try app.client()
        let echoed = try client.send("GET", "/v1/offices/102522?secret=1", headers: ["X-Request-Id": "portal-7f3a"])
        #expect(echoed.header("X-Request-Id") == "portal-7f3a")
        let generated = try client.send("GET", "/healthz")
        let id = try #require(generated.header("X-Request-Id"))
        #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))
        let refused = try client.send("GET", "/healthz", headers: ["X-Request-Id": String(repeating: "x", count: 200)])
        #expect(refused.header("X-Request-Id")?.count == 16)
        // Lines are handed on once per turn of the event loop, just after the answers are written.
        try Wait.required("three log lines") { app.logLines.all.count >= 3 }
        let lines = app.logLines.all
        #expect(lines.count == 3)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["request_id"] as? String == "portal-7f3a")
        #expect(first["route"] as? String == "/v1/offices/{id}" && first["status"] as? Int == 200)
        #expect(first["path"] as? String == "/v1/offices/102522")   // the query string is not logged
        #expect(first["duration_ms"] is Double && (first["time"] as? String)?.hasSuffix("Z") == true)
        #expect(!lines.joined().contains("secret"))
    }
}
