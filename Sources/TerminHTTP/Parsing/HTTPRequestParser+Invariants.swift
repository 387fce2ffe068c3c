/// What must hold for any bytes a client sends, checked by the fuzzer and by the corpus replay in the tests.
extension HTTPRequestParser {
    /// Most pipelined requests parsed from one input.
    static let invariantRequestsMax = 64

    /// Parses `bytes` as a client's stream, request after request, and stops the process if an invariant breaks:
    /// a request consumes at least one byte and no more than it was given, its body stays within the limit, its
    /// path is absolute, its header names are lower-case tokens, and a refusal is a 4xx or 5xx. A request is never
    /// complete in fewer bytes than it consumed from the whole input, and the bytes parsed as they arrive, in pieces,
    /// give what they give parsed whole.
    public func checkInvariants(_ bytes: [UInt8]) {
        var rest = bytes[...]
        for _ in 0..<Self.invariantRequestsMax {
            let whole = parse(rest)
            checkArrivingInPieces(rest, give: whole)
            switch whole {
            case .needMore:
                return
            case .reject(let problem):
                precondition((400...599).contains(problem.status), "a refusal is a client or server error")
                return
            case .request(let request, let consumed):
                precondition(consumed > 0 && consumed <= rest.count, "a request consumes what it was given")
                precondition(request.body.count <= limits.bodyBytesMax, "a body stays within its limit")
                precondition(request.path.utf8.first == UInt8(ascii: "/"), "a path is absolute")
                precondition(request.headers.allSatisfy { header in
                    !header.name.isEmpty && header.name.utf8.allSatisfy { Self.isTokenByte($0) && !($0 >= 65 && $0 <= 90) }
                }, "header names are lower-case tokens")
                if consumed > 1, case .request(_, let early) = parse(rest.prefix(consumed - 1)) {
                    preconditionFailure("a request completed after \(early) of its \(consumed) bytes")
                }
                rest = rest.dropFirst(consumed)
            }
        }
    }

    /// Parses `bytes` as they would arrive in pieces (of one byte, then of several) and stops the process unless the
    /// outcome is `whole`'s: the same request consuming as much, or the same refusal, or still incomplete.
    private func checkArrivingInPieces(_ bytes: ArraySlice<UInt8>, give whole: Outcome) {
        for piece in [1, 7, 64] {
            var progress = Progress()
            var arrived = 0
            var outcome = Outcome.needMore
            while arrived < bytes.count {
                arrived = min(bytes.count, arrived + piece)
                outcome = parse(bytes.prefix(arrived), resuming: &progress)
                if case .needMore = outcome { continue }
                break
            }
            switch (whole, outcome) {
            case (.needMore, .needMore): break
            case (.reject(let expected), .reject(let got)):
                precondition(expected.status == got.status && expected.detail == got.detail,
                             "arriving in pieces of \(piece), refused with \(got.status) instead of \(expected.status)")
            case (.request(let expected, let consumed), .request(let got, let gotConsumed)):
                precondition(consumed == gotConsumed && expected.body == got.body && expected.target == got.target
                             && expected.headers.elementsEqual(got.headers, by: { $0 == $1 }),
                             "arriving in pieces of \(piece), a request parsed otherwise")
            default:
                preconditionFailure("arriving in pieces of \(piece), the outcome differs from the whole input's")
            }
        }
    }
}
