import TerminCore
import TerminHTTP

/// The abuse controls the API applies itself (rate limits live in the HTTP server): each optional, each off-able.
public struct Protection: Sendable {
    /// Proof of work on online holds, bookings and requests (`nil`: not required).
    public var proofOfWork: ProofOfWork?
    /// Peers (the portal's servers and proxies) whose `Citizen-Pseudonym` header names the citizen for the
    /// per-identity caps; from anyone else the header is refused, or anyone could be anyone.
    public var trustedProxies: Set<ClientAddress>
    public init(proofOfWork: ProofOfWork? = nil, trustedProxies: Set<ClientAddress> = []) {
        self.proofOfWork = proofOfWork
        self.trustedProxies = trustedProxies
    }
}

extension TerminAPI {
    /// `GET /v1/challenge`: a new ALTCHA challenge (404 when proof of work is off).
    func challenge() throws(APIFailure) -> HTTPResponse {
        guard let proofOfWork = protection.proofOfWork else {
            throw APIFailure(ProblemDetails(type: APIFailure.typeBase + "proof-of-work-off", title: "Not enabled", status: 404,
                                            detail: "This server does not ask for proof of work.", field: nil))
        }
        return .json(200, proofOfWork.challenge(now: engine.clock.now()).bytes, headers: [("Cache-Control", "no-store")])
    }

    /// Longest pseudonym accepted, in bytes.
    static let pseudonymBytesMax = 255

    /// The citizen's pseudonym in `Citizen-Pseudonym`, accepted only from a trusted proxy (the portal, which signed
    /// the citizen in); `nil` when absent.
    func pseudonym(_ request: HTTPRequest) throws(APIFailure) -> String? {
        guard let pseudonym = request.header("citizen-pseudonym") else { return nil }
        let field = CitizenIdentity.pseudonymField
        guard let peer = request.peer, protection.trustedProxies.contains(peer) else {
            throw APIFailure(ProblemDetails(type: APIFailure.typeBase + "pseudonym-untrusted", title: "Not allowed", status: 403,
                                            detail: "Only the portal's trusted proxies name citizens by pseudonym.", field: field))
        }
        guard (1...Self.pseudonymBytesMax).contains(pseudonym.utf8.count) else {
            throw APIFailure.malformed(field, "A pseudonym has 1 to \(Self.pseudonymBytesMax) bytes.")
        }
        return pseudonym
    }

    /// When proof of work is on, an online write needs a fresh solution in its `Altcha` header (staff, whose bearer
    /// token names them, do not; a token that names no one is refused, 401). Call once per request: the solution is
    /// used up.
    func requireProofOfWork(_ request: HTTPRequest) throws(APIFailure) {
        guard let proofOfWork = protection.proofOfWork, try optionalStaffMember(request) == nil else { return }
        do {
            try proofOfWork.verify(request.header("altcha"), now: engine.clock.now())
        } catch {
            if error == .tooBusy {
                throw APIFailure(.http(503, "Too many solutions to remember; try again shortly."), headers: [("Retry-After", "5")])
            }
            let detail = switch error {
            case .missing: "Solve a challenge from GET /v1/challenge and send it in the Altcha header."
            case .malformed: "The Altcha header is not a base64 JSON solution with algorithm SHA-256."
            case .wrongSignature: "The challenge was not issued by this service."
            case .wrongNumber: "The number does not solve the challenge."
            case .expired: "The challenge expired, or its salt names no expires; fetch a new one."
            case .lifetimeTooLong: "The challenge's expires lies too far ahead (an hour at most); issue challenges that expire sooner."
            case .replayed: "This solution was used already; each is accepted once."
            case .tooBusy: ""
            }
            throw APIFailure(ProblemDetails(type: APIFailure.typeBase + "proof-of-work-" + APIFailure.slug(error.rawValue),
                                            title: "Proof of work required", status: 403, detail: detail, field: "Altcha"))
        }
    }
}
