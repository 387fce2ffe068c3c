/// The instance compiled for search. Time is counted in grid units; every desk's opening intervals are *lanes*, each
/// with an occupancy bitset; every request has *options*: a lane it may use with the range of starts its windows and
/// the lane allow. Placements (request, desk, start) are never enumerated: a start is chosen inside an option's range
/// where the lane is free.
struct Problem: Sendable {
    /// A lane a request may use, with the starts allowed there (lane-relative units, both ends included).
    struct Option: Sendable {
        let lane: Int32
        let lo: Int16
        let hi: Int16
        let units: Int16
        /// 1000 × priority − 10 × office rank: the value before the delay.
        let base: Int32
        /// The window's start, in local minutes, for the delay (whole hours from it).
        let windowFrom: Int32
    }

    let instance: SolverInstance
    let grid: Int
    // Lanes.
    let laneDesk: [Int32]
    let laneOffice: [Int32]
    /// Global unit (local minute / grid) where the lane begins.
    let laneStart: [Int32]
    let laneLength: [Int16]
    let laneWordOffset: [Int32]
    /// Occupancy before any assignment: `occupied`, and the padding past each lane's end.
    let initialWords: [UInt64]
    /// Lanes grouped by office and opening interval: the region a large-neighbourhood move rebuilds.
    let laneGroup: [Int32]
    let groups: [[Int32]]
    // Desks (indices into the instance's offices and desks).
    let deskID: [String]
    // Requests.
    let priority: [Int32]
    let options: [[Option]]
    /// For each lane, the requests with an option on it.
    let laneRequests: [[Int32]]

    var requestCount: Int { options.count }
    var laneCount: Int { laneDesk.count }

    init(_ instance: SolverInstance) {
        self.instance = instance
        let grid = instance.gridMinutes
        self.grid = grid
        var laneDesk: [Int32] = [], laneOffice: [Int32] = [], laneStart: [Int32] = [], laneLength: [Int16] = []
        var laneWordOffset: [Int32] = [], words: [UInt64] = [], laneGroup: [Int32] = [], groups: [[Int32]] = []
        var deskID: [String] = [], deskIndex: [String: Int] = [:]
        var lanesOfDesk: [[Int32]] = []
        for (officeIndex, office) in instance.offices.enumerated() {
            // Open intervals as unit ranges, the grid-aligned part of each.
            let intervals = office.open.compactMap { interval -> (start: Int, length: Int)? in
                let first = (interval.from.value + grid - 1) / grid, last = interval.to.value / grid
                return last > first ? (first, min(last - first, Int(Int16.max) - 64)) : nil
            }
            var groupOfInterval: [Int] = []
            for _ in intervals {
                groupOfInterval.append(groups.count)
                groups.append([])
            }
            for desk in office.desks {
                deskIndex[desk.id] = deskID.count
                deskID.append(desk.id)
                var lanes: [Int32] = []
                for (intervalIndex, interval) in intervals.enumerated() {
                    let lane = Int32(laneDesk.count)
                    lanes.append(lane)
                    laneDesk.append(Int32(deskID.count - 1))
                    laneOffice.append(Int32(officeIndex))
                    laneStart.append(Int32(interval.start))
                    laneLength.append(Int16(interval.length))
                    laneWordOffset.append(Int32(words.count))
                    let wordCount = (interval.length + 63) / 64
                    for word in 0..<wordCount {
                        let used = min(64, interval.length - word * 64)
                        words.append(used == 64 ? 0 : ~UInt64(0) << UInt64(used))   // padding is taken
                    }
                    laneGroup.append(Int32(groupOfInterval[intervalIndex]))
                    groups[groupOfInterval[intervalIndex]].append(lane)
                }
                lanesOfDesk.append(lanes)
            }
        }
        // Desk time already taken.
        for entry in instance.occupied {
            guard let desk = deskIndex[entry.desk] else { continue }
            let from = entry.interval.from.value / grid, to = (entry.interval.to.value + grid - 1) / grid
            for lane in lanesOfDesk[desk] {
                let start = Int(laneStart[Int(lane)]), length = Int(laneLength[Int(lane)])
                for unit in max(from, start)..<max(max(from, start), min(to, start + length)) {
                    let offset = unit - start
                    words[Int(laneWordOffset[Int(lane)]) + offset / 64] |= 1 << UInt64(offset % 64)
                }
            }
        }
        // Requests and their options.
        var officeIndex: [String: Int] = [:]
        for (index, office) in instance.offices.enumerated() { officeIndex[office.id] = index }
        var options: [[Option]] = [], priority: [Int32] = []
        var laneRequests = [[Int32]](repeating: [], count: laneDesk.count)
        for (requestIndex, request) in instance.requests.enumerated() {
            priority.append(Int32(request.priority))
            var requestOptions: [Option] = []
            for (rank, officeID) in request.offices.enumerated() {
                guard let index = officeIndex[officeID] else { continue }
                let office = instance.offices[index]
                guard request.services.allSatisfy({ office.durations[$0.id] != nil }) else { continue }
                let minutes = request.services.reduce(0) { $0 + office.durations[$1.id]! * $1.quantity }
                let units = (minutes + grid - 1) / grid
                let base = 1000 * request.priority - 10 * rank
                for desk in office.desks where (!request.needsWheelchair || desk.accessible)
                    && request.services.allSatisfy({ desk.services.contains($0.id) }) {
                    for lane in lanesOfDesk[deskIndex[desk.id]!] {
                        let start = Int(laneStart[Int(lane)]), length = Int(laneLength[Int(lane)])
                        for window in request.windows {
                            let first = max(start, (window.from.value + grid - 1) / grid)
                            let last = min(start + length, window.to.value / grid) - units
                            guard first <= last else { continue }
                            requestOptions.append(Option(lane: lane, lo: Int16(first - start), hi: Int16(last - start),
                                                         units: Int16(units), base: Int32(base), windowFrom: Int32(window.from.value)))
                        }
                    }
                }
            }
            for lane in Set(requestOptions.map(\.lane)) { laneRequests[Int(lane)].append(Int32(requestIndex)) }
            options.append(requestOptions)
        }
        self.laneDesk = laneDesk
        self.laneOffice = laneOffice
        self.laneStart = laneStart
        self.laneLength = laneLength
        self.laneWordOffset = laneWordOffset
        self.initialWords = words
        self.laneGroup = laneGroup
        self.groups = groups
        self.deskID = deskID
        self.priority = priority
        self.options = options
        self.laneRequests = laneRequests.map { $0.sorted() }
    }

    /// The objective value of a request placed by `option` at lane-relative `start`.
    @inline(__always)
    func value(_ option: Option, start: Int) -> Int {
        let startMinute = (Int(laneStart[Int(option.lane)]) + start) * grid
        return Int(option.base) - max(0, (startMinute - Int(option.windowFrom)) / 60)
    }

    /// The local time of a lane-relative start.
    func localMinute(lane: Int, start: Int) -> LocalMinute {
        LocalMinute((Int(laneStart[lane]) + start) * grid)
    }
}
