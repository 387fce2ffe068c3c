import Foundation
import Testing
import TerminTestSupport
@testable import TerminAPI

@Suite struct CatalogRoutesTests {
    @Test func servicesAndOfficesFilterEachOther() throws {
        let app = try TestServer()
        let client = try app.client()
        let all = try client.send("GET", "/v1/services")
        #expect((all.json["services"] as? [Any])?.count == 287 + 5)   // Munich's and the demo help services
        let atOrleansplatz = try client.send("GET", "/v1/services?office=102522")
        #expect((atOrleansplatz.json["services"] as? [Any])?.count == 23)
        let offices = try client.send("GET", "/v1/offices?service=1063441")
        let ids = (offices.json["offices"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } ?? []
        #expect(ids.contains(102522) && ids.contains(10489))
        let office = try client.send("GET", "/v1/offices/102522")
        #expect(office.json["display_name"] as? String == "Bürgerbüro Orleansplatz")
        #expect(office.json["time_zone"] as? String == "Europe/Berlin")
        #expect(((office.json["services"] as? [[String: Any]])?.first { $0["id"] as? Int == 1063441 })?["duration_minutes"] as? Int == 15)
    }

    @Test func healthAndOpenAPI() throws {
        let app = try TestServer()
        let client = try app.client()
        #expect(try client.send("GET", "/healthz").status == 200)
        let document = try client.send("GET", "/v1/openapi.json")
        #expect(document.status == 200 && document.json["openapi"] as? String == "3.1.0")
    }

    /// The OpenAPI document describes exactly the routes the API serves.
    @Test func theOpenAPIDocumentDescribesEveryRoute() throws {
        let app = try TestServer()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys where method != "parameters" { documented.insert(method.uppercased() + " " + path) }
        }
        let routed = Set(TerminAPI(assembly: app.assembly).router().table.map { $0.method + " " + $0.pattern })
        #expect(documented == routed)
    }
}
