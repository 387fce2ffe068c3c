import Testing
@testable import TerminHTTP

/// One connection's decisions at made-up instants, with no socket: time-outs, keep-alive, pipelining, refusals.
@Suite struct HTTPConnectionStateMachineTests {
    static let t0 = ContinuousClock.now
    static let date = "Mon, 30 Nov 2026 08:00:00 GMT"

    static func machine(_ configure: (inout HTTPLimits) -> Void = { _ in }) -> HTTPConnectionStateMachine {
        var limits = HTTPLimits()
        configure(&limits)
        return HTTPConnectionStateMachine(limits: limits, parser: HTTPRequestParser(limits: limits), now: t0)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The path of the next request, or what came instead.
    static func next(_ machine: inout HTTPConnectionStateMachine, at now: ContinuousClock.Instant = t0) -> String {
        switch machine.next(now: now) {
        case .request(let request): request.method + " " + request.path
        case .reject(let problem): "reject \(problem.status)"
        case .wait: "wait"
        }
    }

    static func respond(_ machine: inout HTTPConnectionStateMachine, _ text: String = "ok", stopping: Bool = false) {
        machine.respond(HTTPResponse(status: 200, body: bytes(text)), head: false, date: date, stopping: stopping)
    }

    /// Writes everything queued at `now`; returns the bytes as text.
    static func drain(_ machine: inout HTTPConnectionStateMachine, at now: ContinuousClock.Instant = t0) -> String {
        var written: [UInt8] = []
        while let (head, body, offset) = machine.pendingWrite {
            let all = head + body
            written += all[offset...]
            machine.wrote(all.count - offset, now: now)
        }
        return String(decoding: written, as: UTF8.self)
    }

    @Test func aSlowHeaderSectionIsAnswered408AfterTheHeaderTimeOut() {
        var machine = Self.machine { $0.headerReadTimeoutSeconds = 10 }
        machine.received(Self.bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: "), now: Self.t0)
        do { let holds = Self.next(&machine) == "wait"; #expect(holds, "Self.next(&machine) == 'wait'") }
        do { let holds = machine.expire(now: Self.t0 + .milliseconds(9_999)) == .none; #expect(holds, "machine.expire(now: Self.t0 + .milliseconds(9_999)) == .none") }
        do { let holds = machine.expire(now: Self.t0 + .seconds(10)) == .reject(.http(408, "The header section did not arrive within 10 s.", field: "headers")); #expect(holds, "machine.expire(now: Self.t0 + .seconds(10)) == .reject(.http(408, 'The header section did not arrive within 10 s.'))") }
        Self.respond(&machine)
        do { let holds = Self.drain(&machine).contains("Connection: close"); #expect(holds, "Self.drain(&machine).contains('Connection: close')") }
        #expect(machine.interestAfterFlush == .close)
    }

    @Test func aSlowBodyIsAnswered408AfterTheBodyTimeOutFromTheEndOfTheHeaders() {
        var machine = Self.machine { $0.bodyReadTimeoutSeconds = 30 }
        machine.received(Self.bytes("POST / HTTP/1.1\r\nHost: a\r\n"), now: Self.t0)
        do { let holds = Self.next(&machine) == "wait"; #expect(holds, "Self.next(&machine) == 'wait'") }
        machine.received(Self.bytes("Content-Length: 10\r\n\r\nab"), now: Self.t0 + .seconds(5))
        do { let holds = Self.next(&machine, at: Self.t0 + .seconds(5)) == "wait"; #expect(holds, "Self.next(&machine, at: Self.t0 + .seconds(5)) == 'wait'") }
        // The header time-out (10 s from the first byte) no longer applies: the headers are complete.
        do { let holds = machine.expire(now: Self.t0 + .seconds(20)) == .none; #expect(holds, "machine.expire(now: Self.t0 + .seconds(20)) == .none") }
        do { let holds = machine.expire(now: Self.t0 + .seconds(35)) == .reject(.http(408, "The body did not arrive within 30 s.", field: "body")); #expect(holds, "machine.expire(now: Self.t0 + .seconds(35)) == .reject(.http(408, 'The body did not arrive within 30 s.'))") }
        #expect(machine.state == .closing)
    }

    @Test func anIdleKeepAliveConnectionClosesAfterTheIdleTimeOutFromItsLastActivity() {
        var machine = Self.machine { $0.idleTimeoutSeconds = 60 }
        machine.received(Self.bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\n"), now: Self.t0)
        do { let holds = Self.next(&machine) == "GET /a"; #expect(holds, "Self.next(&machine) == 'GET /a'") }
        Self.respond(&machine)
        _ = Self.drain(&machine, at: Self.t0 + .seconds(1))
        do { let holds = Self.next(&machine) == "wait" && machine.interestAfterFlush == .read; #expect(holds, "Self.next(&machine) == 'wait' && machine.interestAfterFlush == .read") }
        do { let holds = machine.expire(now: Self.t0 + .seconds(60)) == .none; #expect(holds, "machine.expire(now: Self.t0 + .seconds(60)) == .none") }
        do { let holds = machine.expire(now: Self.t0 + .seconds(61)) == .close; #expect(holds, "machine.expire(now: Self.t0 + .seconds(61)) == .close") }
    }

    @Test func answersThePeerTakesNothingOfAreDroppedAfterTheWriteTimeOut() {
        var machine = Self.machine { $0.writeTimeoutSeconds = 30 }
        machine.received(Self.bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\n"), now: Self.t0)
        #expect(Self.next(&machine) == "GET /a")
        Self.respond(&machine, String(repeating: "x", count: 1_000))
        machine.wrote(100, now: Self.t0 + .seconds(5))   // the socket took a part, then nothing more
        #expect(machine.expire(now: Self.t0 + .seconds(34)) == .none)
        #expect(machine.expire(now: Self.t0 + .seconds(35)) == .close)
    }

    @Test func noTimeOutWhileARequestIsWithAWorker() {
        var machine = Self.machine { $0.idleTimeoutSeconds = 1 }
        machine.received(Self.bytes("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n"), now: Self.t0)
        do { let holds = Self.next(&machine) == "GET /slow"; #expect(holds, "Self.next(&machine) == 'GET /slow'") }
        machine.dispatched()
        #expect(machine.interestAfterFlush == .none)
        do { let holds = machine.expire(now: Self.t0 + .seconds(3_600)) == .none; #expect(holds, "machine.expire(now: Self.t0 + .seconds(3_600)) == .none") }
    }

    @Test func pipelinedRequestsWaitBehindTheOneWithAWorkerAndAreAnsweredInOrder() {
        var machine = Self.machine()
        machine.received(Self.bytes("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n"),
                         now: Self.t0)
        do { let holds = Self.next(&machine) == "GET /1"; #expect(holds, "Self.next(&machine) == 'GET /1'") }
        machine.dispatched()
        do { let holds = Self.next(&machine) == "wait" && !machine.canParse; #expect(holds, "Self.next(&machine) == 'wait' && !machine.canParse") }
        Self.respond(&machine, "one")
        #expect(!machine.canParse)   // the answer must be written before the next request is parsed
        do { let holds = Self.drain(&machine).hasSuffix("one"); #expect(holds, "Self.drain(&machine).hasSuffix('one')") }
        #expect(machine.canParse)
        do { let holds = Self.next(&machine) == "GET /2"; #expect(holds, "Self.next(&machine) == 'GET /2'") }
        Self.respond(&machine, "two")   // answered inline: parsing goes on
        do { let holds = Self.next(&machine) == "GET /3"; #expect(holds, "Self.next(&machine) == 'GET /3'") }
        Self.respond(&machine, "three")
        do { let holds = Self.next(&machine) == "wait"; #expect(holds, "Self.next(&machine) == 'wait'") }
        let written = Self.drain(&machine)
        #expect(written.range(of: "two")!.lowerBound < written.range(of: "three")!.lowerBound)
    }

    @Test func connectionCloseMakesTheResponseTheLast() {
        var machine = Self.machine()
        machine.received(Self.bytes("GET /a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n"),
                         now: Self.t0)
        do { let holds = Self.next(&machine) == "GET /a"; #expect(holds, "Self.next(&machine) == 'GET /a'") }
        Self.respond(&machine)
        #expect(Self.next(&machine) == "wait")   // /b is never parsed
        do { let holds = Self.drain(&machine).contains("Connection: close") && machine.interestAfterFlush == .close; #expect(holds, "Self.drain(&machine).contains('Connection: close') && machine.interestAfterFlush == .close") }
    }

    @Test func aStoppingServerMakesEveryResponseTheLast() {
        var machine = Self.machine()
        machine.received(Self.bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\n"), now: Self.t0)
        do { let holds = Self.next(&machine) == "GET /a"; #expect(holds, "Self.next(&machine) == 'GET /a'") }
        Self.respond(&machine, stopping: true)
        do { let holds = Self.drain(&machine).contains("Connection: close") && machine.interestAfterFlush == .close; #expect(holds, "Self.drain(&machine).contains('Connection: close') && machine.interestAfterFlush == .close") }
    }

    @Test func thePeerClosingMidRequestClosesAndClosingWhileIdleClosesAtOnce() {
        var idle = Self.machine()
        do { let holds = idle.receivedEndOfInput(); #expect(holds, "idle.receivedEndOfInput()") }
        var partial = Self.machine()
        partial.received(Self.bytes("GET / HTTP/1.1\r\nHo"), now: Self.t0)
        do { let holds = !partial.receivedEndOfInput(); #expect(holds, "!partial.receivedEndOfInput()") }
        do { let holds = Self.next(&partial) == "wait" && partial.interestAfterFlush == .close; #expect(holds, "Self.next(&partial) == 'wait' && partial.interestAfterFlush == .close") }
        var inFlight = Self.machine()
        inFlight.received(Self.bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\n"), now: Self.t0)
        do { let holds = Self.next(&inFlight) == "GET /a"; #expect(holds, "Self.next(&inFlight) == 'GET /a'") }
        inFlight.dispatched()
        do { let closesNow = inFlight.receivedEndOfInput(); #expect(!closesNow) }   // the answer is still written
        Self.respond(&inFlight)
        do { let holds = Self.drain(&inFlight).contains("Connection: close") && inFlight.interestAfterFlush == .close; #expect(holds, "Self.drain(&inFlight).contains('Connection: close') && inFlight.interestAfterFlush == .close") }
    }

    /// A client may send its requests and close its side at once (`shutdown(SHUT_WR)`): each is answered, in order,
    /// and the last answer closes the connection.
    @Test func requestsSentBeforeAHalfCloseAreAllAnswered() {
        var machine = Self.machine()
        machine.received(Self.bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n"), now: Self.t0)
        let closesNow = machine.receivedEndOfInput()
        #expect(!closesNow)
        #expect(Self.next(&machine) == "GET /a")
        machine.dispatched()
        Self.respond(&machine, "a")
        #expect(!Self.drain(&machine).contains("Connection: close") && machine.interestAfterFlush == .read)
        #expect(Self.next(&machine) == "GET /b")
        machine.dispatched()
        Self.respond(&machine, "b")
        #expect(Self.drain(&machine).contains("Connection: close") && machine.interestAfterFlush == .close)
    }

    @Test func aMalformedRequestIsRefusedAndNothingAfterItIsParsed() {
        var machine = Self.machine()
        machine.received(Self.bytes("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nGET /x HTTP/1.1\r\n"),
                         now: Self.t0)
        do { let holds = Self.next(&machine) == "reject 400"; #expect(holds, "Self.next(&machine) == 'reject 400'") }
        machine.respond(.problem(.http(400, "bad")), head: false, date: Self.date, stopping: false)
        do { let holds = Self.next(&machine) == "wait" && machine.state == .closing; #expect(holds, "Self.next(&machine) == 'wait' && machine.state == .closing") }
        #expect(machine.bufferedInputBytes == 0)
    }

    @Test func chunkFramingBeyondTheInputBoundIsRefused413() {
        var machine = Self.machine {
            $0.requestLineBytesMax = 64
            $0.headerBytesMax = 64
            $0.bodyBytesMax = 16
        }
        // 1-byte chunks: each costs 6 bytes of framing, so the buffer outgrows its bound before the body does.
        machine.received(Self.bytes("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), now: Self.t0)
        do { let holds = Self.next(&machine) == "wait"; #expect(holds, "Self.next(&machine) == 'wait'") }
        while machine.wantsInput { machine.received(Self.bytes("1\r\na\r\n"), now: Self.t0) }
        do { let holds = Self.next(&machine) == "reject 413"; #expect(holds, "Self.next(&machine) == 'reject 413'") }
    }

    @Test func parsingPausesWhenTooMuchOutputIsQueued() {
        var machine = Self.machine()
        let big = String(repeating: "x", count: HTTPConnectionStateMachine.queuedOutputBytesMax)
        machine.received(Self.bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n"), now: Self.t0)
        do { let holds = Self.next(&machine) == "GET /a"; #expect(holds, "Self.next(&machine) == 'GET /a'") }
        Self.respond(&machine, big)
        #expect(Self.next(&machine) == "wait")   // a slow reader cannot make the server queue without bound
        _ = Self.drain(&machine)
        do { let holds = Self.next(&machine) == "GET /b"; #expect(holds, "Self.next(&machine) == 'GET /b'") }
    }

    /// A streaming response: a head without Content-Length that closes the connection, then the bytes its writers
    /// send, never a time-out; what the peer sends is dropped, and its closing ends the stream at once.
    @Test func aStreamWritesUntilThePeerGoesAndNeverTimesOut() {
        var machine = Self.machine()
        machine.received(Self.bytes("GET /calls HTTP/1.1\r\nHost: x\r\n\r\n"), now: Self.t0)
        #expect(Self.next(&machine) == "GET /calls")
        machine.dispatched()
        var response = HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream")], body: Self.bytes("retry: 3000\n\n"))
        response.stream = ResponseStream(keepAlive: Self.bytes(": keep-alive\n\n"), start: { _ in true }, onClose: {})
        machine.startStream(response, date: Self.date)
        let head = Self.drain(&machine)
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n") && head.contains("Connection: close\r\n") && !head.contains("Content-Length"))
        #expect(head.hasSuffix("\r\n\r\nretry: 3000\n\n"))
        machine.stream(Self.bytes("event: call\ndata: {}\n\n"), now: Self.t0)
        #expect(Self.drain(&machine) == "event: call\ndata: {}\n\n")
        #expect(machine.interestAfterFlush == .read)
        let hourLater = Self.t0 + .seconds(3600)
        let expiry = machine.expire(now: hourLater)
        #expect(expiry == .none)
        #expect(machine.streamIsQuiet(now: hourLater, seconds: 15))
        machine.received(Self.bytes("GET /more HTTP/1.1\r\n\r\n"), now: hourLater)
        #expect(machine.bufferedInputBytes == 0 && !machine.canParse)
        let closeNow = machine.receivedEndOfInput()
        #expect(closeNow)
    }

    /// RFC 9110 §10.1.1: a client that sends `Expect: 100-continue` waits for `100 Continue` (curl, a second at most)
    /// before it sends its body; it is told once, and only when a body is to come.
    @Test func aRequestExpectingContinueIsToldToContinueOnce() {
        var machine = Self.machine()
        machine.received(Self.bytes("POST /a HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"), now: Self.t0)
        #expect(Self.next(&machine) == "wait")
        #expect(Self.drain(&machine) == "HTTP/1.1 100 Continue\r\n\r\n")
        machine.received(Self.bytes("ab"), now: Self.t0)
        #expect(Self.next(&machine) == "wait")
        #expect(machine.pendingWrite == nil)
        machine.received(Self.bytes("cdGET /b HTTP/1.1\r\nHost: a\r\n\r\n"), now: Self.t0)
        #expect(Self.next(&machine) == "POST /a")
        Self.respond(&machine)
        #expect(Self.drain(&machine).hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(Self.next(&machine) == "GET /b")
        for request in ["POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n",
                        "POST /c HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"] {
            var other = Self.machine()
            other.received(Self.bytes(request), now: Self.t0)
            #expect(Self.next(&other) == "wait")
            #expect(other.pendingWrite == nil, "\(request.debugDescription)")
        }
    }

    /// An HTTP/1.0 client closes unless told the connection stays open: a kept connection says so.
    @Test func anHTTP10KeepAliveIsAcknowledged() {
        var machine = Self.machine()
        machine.received(Self.bytes("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), now: Self.t0)
        #expect(Self.next(&machine) == "GET /a")
        machine.dispatched()
        Self.respond(&machine)
        #expect(Self.drain(&machine).contains("Connection: keep-alive\r\n") && machine.interestAfterFlush == .read)
        machine.received(Self.bytes("GET /b HTTP/1.1\r\nHost: a\r\n\r\n"), now: Self.t0)
        #expect(Self.next(&machine) == "GET /b")
        machine.dispatched()
        Self.respond(&machine)
        #expect(!Self.drain(&machine).contains("Connection:"))
    }
}
