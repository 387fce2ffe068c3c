/// An allocation instance as `FORMAT.md` (the exchange format) describes it: offices with desks and opening
/// intervals, desk time already taken, and requests to place. Times are local wall-clock minutes
/// (`LocalMinute`); validated on parsing (`InstanceParser`).
public struct SolverInstance: Sendable, Equatable {
    public var gridMinutes: Int
    public var offices: [Office]
    public var occupied: [Occupied]
    public var requests: [Request]

    public init(gridMinutes: Int, offices: [Office], occupied: [Occupied], requests: [Request]) {
        self.gridMinutes = gridMinutes
        self.offices = offices
        self.occupied = occupied
        self.requests = requests
    }

    public struct Office: Sendable, Equatable {
        public var id: String
        /// Minutes per service at this office.
        public var durations: [String: Int]
        public var desks: [Desk]
        public var open: [Interval]
        public init(id: String, durations: [String: Int], desks: [Desk], open: [Interval]) {
            self.id = id
            self.durations = durations
            self.desks = desks
            self.open = open
        }
    }

    public struct Desk: Sendable, Equatable {
        public var id: String
        public var services: Set<String>
        public var accessible: Bool
        public init(id: String, services: Set<String>, accessible: Bool) {
            self.id = id
            self.services = services
            self.accessible = accessible
        }
    }

    /// A stretch of local time, `[from, to)`.
    public struct Interval: Sendable, Equatable {
        public var from: LocalMinute
        public var to: LocalMinute
        public init(from: LocalMinute, to: LocalMinute) {
            self.from = from
            self.to = to
        }
    }

    public struct Occupied: Sendable, Equatable {
        public var desk: String
        public var interval: Interval
        public init(desk: String, interval: Interval) {
            self.desk = desk
            self.interval = interval
        }
    }

    public struct Request: Sendable, Equatable {
        public var id: String
        public var services: [(id: String, quantity: Int)]
        /// Acceptable offices, most preferred first.
        public var offices: [String]
        public var windows: [Interval]
        public var needsWheelchair: Bool
        /// 1 normal, 3 urgent.
        public var priority: Int

        public init(id: String, services: [(id: String, quantity: Int)], offices: [String], windows: [Interval],
                    needsWheelchair: Bool, priority: Int) {
            self.id = id
            self.services = services
            self.offices = offices
            self.windows = windows
            self.needsWheelchair = needsWheelchair
            self.priority = priority
        }

        public static func == (lhs: Request, rhs: Request) -> Bool {
            lhs.id == rhs.id && lhs.services.map(\.id) == rhs.services.map(\.id)
                && lhs.services.map(\.quantity) == rhs.services.map(\.quantity) && lhs.offices == rhs.offices
                && lhs.windows == rhs.windows && lhs.needsWheelchair == rhs.needsWheelchair && lhs.priority == rhs.priority
        }
    }
}

/// A local wall-clock time as whole minutes from 1970-01-01T00:00 (local, no zone): `dayNumber × 1440 + minute of day`.
public struct LocalMinute: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }

    public static func < (lhs: LocalMinute, rhs: LocalMinute) -> Bool { lhs.value < rhs.value }

    public var dayNumber: Int { value >= 0 ? value / 1440 : (value - 1439) / 1440 }
    public var minuteOfDay: Int { value - dayNumber * 1440 }

    /// `2027-03-01T07:30:00`.
    public var description: String {
        let date = LocalDateText.format(dayNumber: dayNumber)
        let hour = minuteOfDay / 60, minute = minuteOfDay % 60
        return date + "T" + (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute) + ":00"
    }
}
