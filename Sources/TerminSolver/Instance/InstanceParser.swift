import Foundation

/// Reads an instance in the exchange format, checking every value and every reference; a fault is an
/// `InstanceError` naming its place. Bounds keep a hostile file from exhausting memory.
public enum InstanceParser {
    /// Limits on what one instance may hold.
    public struct Limits: Sendable {
        /// Largest file, in bytes.
        public var bytesMax = 512 * 1024 * 1024
        public var officesMax = 10_000
        public var requestsMax = 2_000_000
        /// Most windows, services or offices in one request.
        public var perRequestMax = 64
        public init() {}
    }

    /// Parses `data`.
    public static func parse(_ data: [UInt8], limits: Limits = Limits()) throws(InstanceError) -> SolverInstance {
        guard data.count <= limits.bytesMax else { throw InstanceError("", "the file is larger than \(limits.bytesMax) bytes") }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: Data(data)) } catch {
            throw InstanceError("", "not valid JSON")
        }
        var reader = Reader()
        return try reader.instance(root, limits: limits)
    }

    private struct Reader {
        mutating func instance(_ root: Any, limits: Limits) throws(InstanceError) -> SolverInstance {
            let object = try self.object(root, "")
            let grid = try integer(object["grid_minutes"] ?? 5, "grid_minutes", 1...60)
            guard 60 % grid == 0 else { throw InstanceError("grid_minutes", "must divide 60") }
            let officeValues = try array(object["offices"], "offices", max: limits.officesMax)
            var offices: [SolverInstance.Office] = []
            var officeIDs: Set<String> = [], deskIDs: Set<String> = []
            for (index, value) in officeValues.enumerated() {
                let office = try self.office(value, "offices[\(index)]", grid: grid)
                guard officeIDs.insert(office.id).inserted else { throw InstanceError("offices[\(index)].id", "\(office.id) appears twice") }
                for (deskIndex, desk) in office.desks.enumerated() where !deskIDs.insert(desk.id).inserted {
                    throw InstanceError("offices[\(index)].desks[\(deskIndex)].id", "\(desk.id) appears twice")
                }
                offices.append(office)
            }
            var occupied: [SolverInstance.Occupied] = []
            for (index, value) in try array(object["occupied"] ?? [Any](), "occupied", max: Int.max).enumerated() {
                let path = "occupied[\(index)]"
                let entry = try self.object(value, path)
                let desk = try string(entry["desk"], "\(path).desk")
                guard deskIDs.contains(desk) else { throw InstanceError("\(path).desk", "no desk \(desk)") }
                let interval = try self.interval(entry, "\(path)", fromKey: "start", toKey: "end")
                occupied.append(.init(desk: desk, interval: interval))
            }
            var requests: [SolverInstance.Request] = []
            var requestIDs: Set<String> = []
            for (index, value) in try array(object["requests"], "requests", max: limits.requestsMax).enumerated() {
                let request = try self.request(value, "requests[\(index)]", offices: officeIDs, limits: limits)
                guard requestIDs.insert(request.id).inserted else { throw InstanceError("requests[\(index)].id", "\(request.id) appears twice") }
                requests.append(request)
            }
            return SolverInstance(gridMinutes: grid, offices: offices, occupied: occupied, requests: requests)
        }

        func office(_ value: Any, _ path: String, grid: Int) throws(InstanceError) -> SolverInstance.Office {
            let object = try self.object(value, path)
            let id = try string(object["id"], "\(path).id")
            var durations: [String: Int] = [:]
            let durationObject = try self.object(object["durations"] ?? [String: Any](), "\(path).durations")
            for (service, minutes) in durationObject {
                durations[service] = try integer(minutes, "\(path).durations.\(service)", 1...24 * 60)
            }
            var desks: [SolverInstance.Desk] = []
            for (index, deskValue) in try array(object["desks"], "\(path).desks", max: 100_000).enumerated() {
                let deskPath = "\(path).desks[\(index)]"
                let desk = try self.object(deskValue, deskPath)
                var services: Set<String> = []
                for (serviceIndex, service) in try array(desk["services"], "\(deskPath).services", max: 100_000).enumerated() {
                    services.insert(try string(service, "\(deskPath).services[\(serviceIndex)]"))
                }
                desks.append(.init(id: try string(desk["id"], "\(deskPath).id"), services: services,
                                   accessible: try bool(desk["accessible"] ?? false, "\(deskPath).accessible")))
            }
            var open: [SolverInstance.Interval] = []
            for (index, openValue) in try array(object["open"], "\(path).open", max: 1_000_000).enumerated() {
                let openPath = "\(path).open[\(index)]"
                let entry = try self.object(openValue, openPath)
                let dateText = try string(entry["date"], "\(openPath).date")
                guard let day = LocalDateText.day(dateText) else { throw InstanceError("\(openPath).date", "not a date YYYY-MM-DD") }
                let fromText = try string(entry["from"], "\(openPath).from"), toText = try string(entry["to"], "\(openPath).to")
                guard let from = LocalDateText.minuteOfDay(fromText) else { throw InstanceError("\(openPath).from", "not a time HH:MM") }
                guard let to = LocalDateText.minuteOfDay(toText) else { throw InstanceError("\(openPath).to", "not a time HH:MM") }
                guard from < to else { throw InstanceError("\(openPath).to", "ends before it starts") }
                open.append(.init(from: LocalMinute(day * 1440 + from), to: LocalMinute(day * 1440 + to)))
            }
            return .init(id: id, durations: durations, desks: desks, open: open)
        }

        func request(_ value: Any, _ path: String, offices known: Set<String>, limits: Limits) throws(InstanceError)
            -> SolverInstance.Request {
            let object = try self.object(value, path)
            let id = try string(object["id"], "\(path).id")
            var services: [(id: String, quantity: Int)] = []
            for (index, service) in try array(object["services"], "\(path).services", max: limits.perRequestMax).enumerated() {
                let servicePath = "\(path).services[\(index)]"
                let entry = try self.object(service, servicePath)
                services.append((try string(entry["id"], "\(servicePath).id"),
                                 try integer(entry["quantity"] ?? 1, "\(servicePath).quantity", 1...100)))
            }
            guard !services.isEmpty else { throw InstanceError("\(path).services", "names no service") }
            var offices: [String] = []
            for (index, office) in try array(object["offices"], "\(path).offices", max: limits.perRequestMax).enumerated() {
                let officeID = try string(office, "\(path).offices[\(index)]")
                guard known.contains(officeID) else { throw InstanceError("\(path).offices[\(index)]", "no office \(officeID)") }
                guard !offices.contains(officeID) else { throw InstanceError("\(path).offices[\(index)]", "\(officeID) appears twice") }
                offices.append(officeID)
            }
            guard !offices.isEmpty else { throw InstanceError("\(path).offices", "names no office") }
            var windows: [SolverInstance.Interval] = []
            for (index, window) in try array(object["windows"], "\(path).windows", max: limits.perRequestMax).enumerated() {
                windows.append(try interval(try self.object(window, "\(path).windows[\(index)]"), "\(path).windows[\(index)]",
                                            fromKey: "from", toKey: "to"))
            }
            guard !windows.isEmpty else { throw InstanceError("\(path).windows", "names no window") }
            var needsWheelchair = false
            for (index, need) in try array(object["needs"] ?? [Any](), "\(path).needs", max: limits.perRequestMax).enumerated() {
                let text = try string(need, "\(path).needs[\(index)]")
                guard text == "wheelchair" else { throw InstanceError("\(path).needs[\(index)]", "unknown need \(text)") }
                needsWheelchair = true
            }
            return .init(id: id, services: services, offices: offices, windows: windows, needsWheelchair: needsWheelchair,
                         priority: try integer(object["priority"] ?? 1, "\(path).priority", 1...1_000))
        }

        func interval(_ object: [String: Any], _ path: String, fromKey: String, toKey: String) throws(InstanceError)
            -> SolverInstance.Interval {
            let fromText = try string(object[fromKey], "\(path).\(fromKey)"), toText = try string(object[toKey], "\(path).\(toKey)")
            guard let from = LocalDateText.localMinute(fromText) else {
                throw InstanceError("\(path).\(fromKey)", "not a local time YYYY-MM-DDTHH:MM")
            }
            guard let to = LocalDateText.localMinute(toText) else {
                throw InstanceError("\(path).\(toKey)", "not a local time YYYY-MM-DDTHH:MM")
            }
            guard from < to else { throw InstanceError("\(path).\(toKey)", "ends before it starts") }
            return .init(from: from, to: to)
        }

        func object(_ value: Any?, _ path: String) throws(InstanceError) -> [String: Any] {
            guard let object = value as? [String: Any] else { throw InstanceError(path, value == nil ? "missing" : "must be an object") }
            return object
        }

        func array(_ value: Any?, _ path: String, max: Int) throws(InstanceError) -> [Any] {
            guard let array = value as? [Any] else { throw InstanceError(path, value == nil ? "missing" : "must be an array") }
            guard array.count <= max else { throw InstanceError(path, "holds more than \(max) entries") }
            return array
        }

        func string(_ value: Any?, _ path: String) throws(InstanceError) -> String {
            guard let text = value as? String else { throw InstanceError(path, value == nil ? "missing" : "must be a string") }
            guard !text.isEmpty else { throw InstanceError(path, "is empty") }
            return text
        }

        func integer(_ value: Any?, _ path: String, _ range: ClosedRange<Int>) throws(InstanceError) -> Int {
            // JSONSerialization gives NSNumber; a Bool (objCType "c") must not pass for 1.
            guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
                  let integer = Int(exactly: number.doubleValue) else {
                throw InstanceError(path, value == nil ? "missing" : "must be a whole number")
            }
            guard range.contains(integer) else { throw InstanceError(path, "must be from \(range.lowerBound) to \(range.upperBound)") }
            return integer
        }

        func bool(_ value: Any?, _ path: String) throws(InstanceError) -> Bool {
            guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else {
                throw InstanceError(path, "must be true or false")
            }
            let flag = number.boolValue
            return flag
        }
    }
}
