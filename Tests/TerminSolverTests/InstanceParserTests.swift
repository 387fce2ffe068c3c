import Foundation
import Testing
@testable import TerminSolver

/// Instance files: read as the exchange format says, faults refused with the place named.
@Suite struct InstanceParserTests {
    static func resource(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Resources/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    @Test func theTinyPublicInstanceReads() throws {
        let instance = try InstanceParser.parse(try Self.resource("tiny.json"))
        #expect(instance.gridMinutes == 5 && instance.offices.count == 1 && instance.requests.count == 40)
        #expect(instance.offices[0].desks.count == 3 && instance.occupied.count == 16)
        #expect(instance.requests[0].windows[0].from < instance.requests[0].windows[0].to)
    }

    static let valid = #"""
    {"grid_minutes":5,"offices":[{"id":"1","durations":{"s":15},"desks":[{"id":"1-1","services":["s"],"accessible":true}],
     "open":[{"date":"2027-03-01","from":"07:30","to":"12:00"}]}],
     "occupied":[{"desk":"1-1","start":"2027-03-01T07:30:00","end":"2027-03-01T07:45:00"}],
     "requests":[{"id":"r1","services":[{"id":"s","quantity":1}],"offices":["1"],
                  "windows":[{"from":"2027-03-01T07:30","to":"2027-03-01T18:00"}],"needs":[],"priority":1}]}
    """#

    @Test func aSmallInstanceReadsWithItsTimes() throws {
        let instance = try InstanceParser.parse(Array(Self.valid.utf8))
        #expect(instance.occupied[0].interval.from.description == "2027-03-01T07:30:00")
        #expect(instance.requests[0].windows[0].to.description == "2027-03-01T18:00:00")
        #expect(instance.offices[0].open[0].to.minuteOfDay == 12 * 60)
    }

    @Test(arguments: [
        (#""windows":[{"from":"2027-03-01T07:30","to":"2027-03-01T18:00"}]"#, #""windows":[{"from":"2027-03-01 07:30","to":"2027-03-01T18:00"}]"#,
         "requests[0].windows[0].from"),
        (#""offices":["1"]"#, #""offices":["9"]"#, "requests[0].offices[0]"),
        (#""quantity":1"#, #""quantity":0"#, "requests[0].services[0].quantity"),
        (#""quantity":1"#, #""quantity":1.5"#, "requests[0].services[0].quantity"),
        (#""needs":[]"#, #""needs":["jetpack"]"#, "requests[0].needs[0]"),
        (#""desk":"1-1""#, #""desk":"1-9""#, "occupied[0].desk"),
        (#""from":"07:30","to":"12:00""#, #""from":"12:30","to":"12:00""#, "offices[0].open[0].to"),
        (#""date":"2027-03-01""#, #""date":"2027-02-30""#, "offices[0].open[0].date"),
        (#""s":15"#, #""s":"15""#, "offices[0].durations.s"),
        (#""grid_minutes":5"#, #""grid_minutes":7"#, "grid_minutes"),
        (#""priority":1"#, #""priority":true"#, "requests[0].priority"),
        (#""id":"r1""#, #""id":"""#, "requests[0].id"),
    ])
    func faultsNameTheirPlace(original: String, replacement: String, field: String) {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.valid, "the table's original text is in the instance")
        #expect {
            try InstanceParser.parse(Array(text.utf8))
        } throws: { ($0 as? InstanceError)?.field == field }
    }

    @Test func notJSONAndTheWrongShapeAreRefused() {
        #expect(throws: InstanceError("", "not valid JSON")) { try InstanceParser.parse(Array("{".utf8)) }
        #expect(throws: InstanceError("offices", "missing")) { try InstanceParser.parse(Array("{}".utf8)) }
        #expect(throws: InstanceError("", "must be an object")) { try InstanceParser.parse(Array("[]".utf8)) }
    }
}
