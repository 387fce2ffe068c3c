import Dispatch
import Foundation
import Synchronization

/// A rush of bookings against a running server, for the tests that kill or stop it in the middle: `clients` threads
/// each post up to `attemptsPerClient` bookings of `service` at `office`, at the starts `start` picks, until the
/// server goes away or says `Connection: close`. Every 201 is remembered with its code.
public final class BookingBurst: Sendable {
    public struct Confirmation: Sendable {
        public let id: String
        public let code: String
        public let start: String
    }

    private let confirmations = Mutex<[Confirmation]>([])
    private let answers = Atomic<Int>(0)
    private let clientsDone = DispatchGroup()

    /// Starts the clients at once.
    /// - Parameters:
    ///   - start: the start time a client asks for at an attempt.
    ///   - idempotent: whether each booking carries its own `Idempotency-Key`.
    public init(port: Int, office: Int, service: Int, clients: Int, attemptsPerClient: Int, idempotent: Bool,
                start: @escaping @Sendable (_ client: Int, _ attempt: Int) -> String) {
        for index in 0..<clients {
            clientsDone.enter()
            Thread { [self] in
                defer { clientsDone.leave() }
                guard let client = try? TestHTTPClient(port: port) else { return }
                for attempt in 0..<attemptsPerClient {
                    let time = start(index, attempt)
                    let body = #"{"office":\#(office),"start":"\#(time)","services":[{"id":\#(service)}]}"#
                    let headers = idempotent ? ["Idempotency-Key": "c\(index)-\(attempt)"] : [:]
                    guard let response = try? client.send("POST", "/v1/bookings", headers: headers, body: body) else { return }
                    answers.add(1, ordering: .relaxed)
                    if response.status == 201, let id = response.json["id"] as? String, let code = response.json["code"] as? String {
                        confirmations.withLock { $0.append(Confirmation(id: id, code: code, start: time)) }
                    }
                    if response.header("Connection") == "close" { return }
                }
            }.start()
        }
    }

    /// Responses received so far.
    public var answered: Int { answers.load(ordering: .relaxed) }

    /// Waits until at least `count` responses arrived.
    /// - Throws: `Wait.TimedOut` after `seconds`.
    public func waitForAnswers(atLeast count: Int, seconds: Double = 60) throws {
        try Wait.required("\(count) answers to the burst", seconds: seconds) { answered >= count }
    }

    /// Waits for every client to end (the server gone or the attempts used up) and returns the confirmations.
    /// - Throws: `Wait.TimedOut` when the clients are not done within `seconds`.
    public func finish(seconds: Double = 120) throws -> [Confirmation] {
        guard clientsDone.wait(timeout: .now() + seconds) == .success else {
            throw Wait.TimedOut(description: "the burst's clients did not end within \(seconds) s")
        }
        return confirmations.withLock { $0 }
    }
}
