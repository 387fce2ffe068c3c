/// Why a scheduling request cannot be honoured. Evolvable: new codes never break callers.
///
/// `field` names the part of the request at fault (`office`, `start`, `services[1].quantity`, …) so the API
/// edge can point the client at it.
public struct SchedulingError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Sendable {
            case unknownOffice, unknownService, serviceNotOffered, notBookableOnline, quantityOutOfRange,
                 notCombinable, duplicateService, noServices, tooManyServices, noQualifiedDesk,
                 offGrid, outsideOpeningHours, closedDay, beyondHorizon, insideMinimumNotice, slotTaken,
                 invalidRange, noAccessibleDesk, nothingFree, allocatedByRound, reservedOffer
        }
        let base: Base
        public var description: String { base.rawValue }

        public static let unknownOffice = Code(base: .unknownOffice)
        public static let unknownService = Code(base: .unknownService)
        public static let serviceNotOffered = Code(base: .serviceNotOffered)
        public static let notBookableOnline = Code(base: .notBookableOnline)
        public static let quantityOutOfRange = Code(base: .quantityOutOfRange)
        public static let notCombinable = Code(base: .notCombinable)
        public static let duplicateService = Code(base: .duplicateService)
        public static let noServices = Code(base: .noServices)
        public static let tooManyServices = Code(base: .tooManyServices)
        public static let noQualifiedDesk = Code(base: .noQualifiedDesk)
        public static let offGrid = Code(base: .offGrid)
        public static let outsideOpeningHours = Code(base: .outsideOpeningHours)
        public static let closedDay = Code(base: .closedDay)
        public static let beyondHorizon = Code(base: .beyondHorizon)
        public static let insideMinimumNotice = Code(base: .insideMinimumNotice)
        /// The time was free when asked but is taken now (a conflict, like `nothingFree` and `allocatedByRound`; the
        /// others are invalid requests).
        public static let slotTaken = Code(base: .slotTaken)
        public static let invalidRange = Code(base: .invalidRange)
        /// No qualified desk meets the request's needs (`Needs`).
        public static let noAccessibleDesk = Code(base: .noAccessibleDesk)
        /// A flexible request found no free start in any of its windows at any accepted office (a conflict, like
        /// `slotTaken`: the same request may succeed later).
        public static let nothingFree = Code(base: .nothingFree)
        /// The office-day is being allocated by an open release round; first come first served waits until it closes.
        public static let allocatedByRound = Code(base: .allocatedByRound)
        /// The offer is reserved for some people (`Offer.reservedFor`): only a helper or an intermediary books it.
        public static let reservedOffer = Code(base: .reservedOffer)

        /// Whether the request was valid but the state of the office forbids it now (HTTP 409 rather than 422).
        public var isConflict: Bool { [.slotTaken, .nothingFree, .allocatedByRound].contains(base) }
    }

    public let code: Code
    /// The request field at fault, as a path (`services[0].id`).
    public let field: String
    /// A sentence for the client.
    public let detail: String

    public init(_ code: Code, field: String, detail: String) {
        self.code = code
        self.field = field
        self.detail = detail
    }

    public var description: String { "\(code) (\(field)): \(detail)" }
}
