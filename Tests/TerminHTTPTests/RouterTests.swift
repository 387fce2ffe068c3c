import Testing
@testable import TerminHTTP

@Suite struct RouterTests {
    func request(_ method: String, _ path: String) -> HTTPRequest {
        HTTPRequest(method: method, target: path, path: path, query: [], minorVersion: 1, headers: [], body: [])
    }

    var router: Router {
        var router = Router()
        router.add("GET", "/v1/bookings/{id}") { _, parameters in HTTPResponse(status: 200, body: Array(parameters["id"]!.utf8)) }
        router.add("DELETE", "/v1/bookings/{id}") { _, _ in HTTPResponse(status: 204) }
        router.add("GET", "/v1/bookings/{id}/calendar.ics") { _, _ in HTTPResponse(status: 200, body: Array("ics".utf8)) }
        return router
    }

    @Test func matchesParameters() {
        #expect(router.respond(to: request("GET", "/v1/bookings/abc")).body == Array("abc".utf8))
        #expect(router.respond(to: request("GET", "/v1/bookings/abc/calendar.ics")).body == Array("ics".utf8))
        #expect(router.respond(to: request("HEAD", "/v1/bookings/abc")).status == 200)
    }

    /// A combining mark after a slash must not merge two segments (Character comparison would: found by fuzzing).
    @Test func segmentsSplitOnBytesNotGraphemes() {
        let response = router.respond(to: request("GET", "/v1/bookings/\u{0364}x"))
        #expect(response.status == 200 && response.body == Array("\u{0364}x".utf8))
        #expect(router.respond(to: request("GET", "/v1/bookings\u{0364}/abc")).status == 404)
        // Canonically equivalent but differently encoded text is a different path.
        #expect(router.respond(to: request("GET", "/v1/booking\u{0073}\u{0307}/abc")).status == 404)
    }

    @Test func unknownPathsAre404AndWrongMethods405WithAllow() {
        #expect(router.respond(to: request("GET", "/v1/bookings")).status == 404)
        #expect(router.respond(to: request("GET", "/v1/bookings/")).status == 404)
        let response = router.respond(to: request("POST", "/v1/bookings/abc"))
        #expect(response.status == 405)
        #expect(response.headers.first { $0.name == "Allow" }?.value == "GET, DELETE, HEAD")
        #expect(response.headers.first { $0.name == "Content-Type" }?.value == "application/problem+json")
        // Each names what is at fault.
        #expect(String(decoding: response.body, as: UTF8.self).contains(#""field":"method""#))
        #expect(String(decoding: router.respond(to: request("GET", "/v1/bookings")).body, as: UTF8.self).contains(#""field":"target""#))
    }
}
