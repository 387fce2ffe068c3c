import Foundation
import Synchronization
import Testing
import TerminTestSupport
@testable import TerminHTTP

@Suite struct HTTPServerTests {
    func server(_ configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws -> HTTPServer {
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        configuration.loopCount = 2
        configuration.workerThreads = 2
        configure(&configuration)
        let server = try HTTPServer(configuration: configuration) { request in
            if request.path == "/slow" { Thread.sleep(forTimeInterval: 0.2) }
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("\(request.method) \(request.path)".utf8))
        }
        TestThreads.start(server.loops)
        return server
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let server = try server()
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        for index in 0..<20 {
            let response = try client.send("GET", "/n\(index)")
            #expect(response.status == 200 && response.text == "GET /n\(index)")
            #expect(response.header("Date")?.hasSuffix("GMT") == true)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let server = try server()
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        try client.sendRaw(Array("GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /fast HTTP/1.1\r\nHost: a\r\n\r\nPOST /third HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n".utf8))
        #expect(try client.readResponse().text == "GET /slow")
        #expect(try client.readResponse().text == "GET /fast")
        #expect(try client.readResponse().text == "POST /third")
    }

    @Test func headHasTheLengthButNoBody() throws {
        let server = try server()
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        let head = try client.send("HEAD", "/abc")
        #expect(head.status == 200 && head.body.isEmpty && head.header("Content-Length") == "9")
        #expect(try client.send("GET", "/abc").text == "GET /abc")
    }

    @Test func aMalformedRequestGetsAProblemAndTheConnectionCloses() throws {
        let server = try server()
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        try client.sendRaw(Array("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n".utf8))
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByPeer())
    }

    /// An upload refused at its head (413) is answered while its body still comes: the server reads and drops the rest
    /// before it closes. Closed with those bytes unread, the connection was reset and the client lost its answer.
    @Test func aRefusedUploadIsAnsweredNotReset() throws {
        let server = try server { $0.limits.bodyBytesMax = 1024 }
        defer { server.stop() }
        for _ in 0..<3 {
            let client = try TestHTTPClient(port: server.port)
            try client.sendRaw(Array("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 4000000\r\n\r\n".utf8))
            let part = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
            for _ in 0..<60 { try? client.sendRaw(part) }   // as an upload goes on while its answer is on its way
            let response = try client.readResponse()
            #expect(response.status == 413 && response.header("Connection") == "close")
            #expect(client.isClosedByPeer())
        }
    }

    @Test func http10WithoutKeepAliveIsClosedAfterTheResponse() throws {
        let server = try server()
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        try client.sendRaw(Array("GET /old HTTP/1.0\r\n\r\n".utf8))
        #expect(try client.readResponse().text == "GET /old")
        #expect(client.isClosedByPeer())
    }

    @Test func aFullWorkQueueAnswers503WithRetryAfter() throws {
        let server = try server {
            $0.workerThreads = 1
            $0.loopCount = 1
            $0.limits.pendingRequestsMax = 1
        }
        defer { server.stop() }
        // Six requests at once: one runs, one waits; the rest find the queue full.
        let clients = try (0..<6).map { _ in try TestHTTPClient(port: server.port) }
        for client in clients { try client.sendRaw(Array("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n".utf8)) }
        var seen: [Int] = []
        for client in clients {
            let response = try client.readResponse()
            seen.append(response.status)
            if response.status == 503 { #expect(response.header("Retry-After") == "1") }
        }
        #expect(seen.count == 6)
        #expect(seen.contains(200) && seen.contains(503))
    }

    /// The loop checks time-outs on its own (each time-out's rules: `HTTPConnectionStateMachineTests`).
    @Test func aSlowHeaderSectionIsAnswered408() throws {
        let server = try server { $0.limits.headerReadTimeoutSeconds = 1 }
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        try client.sendRaw(Array("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ".utf8))
        let response = try client.readResponse()
        #expect(response.status == 408 && response.header("Connection") == "close")
        #expect(client.isClosedByPeer())
    }

    @Test func connectionsBeyondTheBoundAreRefusedWith503() throws {
        let server = try server {
            $0.loopCount = 1
            $0.limits.connectionsPerLoopMax = 2
        }
        defer { server.stop() }
        let first = try TestHTTPClient(port: server.port), second = try TestHTTPClient(port: server.port)
        #expect(try first.send("GET", "/1").status == 200 && second.send("GET", "/2").status == 200)
        let third = try TestHTTPClient(port: server.port)
        let refused = try third.readResponse()
        #expect(refused.status == 503 && refused.header("Retry-After") == "1")
        #expect(third.isClosedByPeer())
        #expect(try first.send("GET", "/still-served").status == 200)
    }

    /// A running server of `router` on one event loop and two workers, on a free port, configured further by `configure`.
    static func serving(_ router: Router, _ configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws -> HTTPServer {
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        configuration.loopCount = 1
        configuration.workerThreads = 2
        configure(&configuration)
        let server = try HTTPServer(configuration: configuration, router: router)
        TestThreads.start(server.loops)
        return server
    }

    /// Inline routes answer on the event loop, the others on workers; a pipeline mixing both is answered in order.
    @Test func aPipelineMixingInlineAndWorkerRoutesIsAnsweredInOrder() throws {
        var router = Router()
        router.add("GET", "/inline/{n}", inline: true) { _, parameters in HTTPResponse(status: 200, body: Array("i\(parameters["n"]!)".utf8)) }
        router.add("GET", "/worker/{n}") { _, parameters in HTTPResponse(status: 200, body: Array("w\(parameters["n"]!)".utf8)) }
        let server = try Self.serving(router)
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        let count = 600
        var bytes: [UInt8] = []
        for index in 0..<count {
            let path = index % 3 == 0 ? "/worker/\(index)" : "/inline/\(index)"
            bytes += Array("GET \(path) HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        }
        try client.sendRaw(bytes)
        for index in 0..<count {
            #expect(try client.readResponse().text == (index % 3 == 0 ? "w\(index)" : "i\(index)"))
        }
    }

    /// Parsing pauses while a megabyte of answers waits to be written; once the socket took them all, the requests
    /// still buffered are answered (no more bytes need arrive to wake the connection).
    @Test func aPipelineWhoseAnswersFillTheOutputQueueIsAnsweredInFull() throws {
        var router = Router()
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 100_000)
        router.add("GET", "/big/{n}", inline: true) { _, parameters in HTTPResponse(status: 200, body: Array(parameters["n"]!.utf8) + body) }
        let server = try Self.serving(router)
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        let count = 30   // 3 MB of answers
        try client.sendRaw((0..<count).flatMap { Array("GET /big/\($0) HTTP/1.1\r\nHost: a\r\n\r\n".utf8) })
        for index in 0..<count {
            let response = try client.readResponse()
            #expect(response.status == 200 && response.text.hasPrefix("\(index)x"))
        }
    }

    /// A deferring route answers later from another thread without a worker, or passes a request on to its blocking
    /// handler; mixed with inline routes in one pipeline, every answer comes back in order and is logged once.
    @Test func aDeferringRouteAnswersLaterInOrderOrFallsBackToAWorker() throws {
        let answerers = DispatchQueue(label: "answerers", attributes: .concurrent)
        var router = Router()
        router.add("GET", "/inline/{n}", inline: true) { _, parameters in HTTPResponse(status: 200, body: Array("i\(parameters["n"]!)".utf8)) }
        router.add("GET", "/later/{n}", deferring: { _, parameters, later in
            let number = Int(parameters["n"]!)!
            // Every fifth goes to the blocking handler; the rest are answered from another thread after a while.
            guard number % 5 != 0 else { return .blocking }
            answerers.asyncAfter(deadline: .now() + .microseconds(number % 7 * 300)) {
                later(HTTPResponse(status: 201, body: Array("d\(number)".utf8)))
            }
            return .deferred
        }) { _, parameters in HTTPResponse(status: 200, body: Array("w\(parameters["n"]!)".utf8)) }
        let lines = Mutex<Int>(0)
        let server = try Self.serving(router) { configuration in
            configuration.accessLog = { chunk in lines.withLock { $0 += chunk.filter { $0 == UInt8(ascii: "\n") }.count } }
        }
        defer { server.stop() }
        let client = try TestHTTPClient(port: server.port)
        let count = 300
        var bytes: [UInt8] = []
        for index in 0..<count {
            let path = index % 2 == 0 ? "/later/\(index)" : "/inline/\(index)"
            bytes += Array("GET \(path) HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        }
        try client.sendRaw(bytes)
        for index in 0..<count {
            let response = try client.readResponse()
            let expected = index % 2 == 1 ? "i\(index)" : index % 5 == 0 ? "w\(index)" : "d\(index)"
            #expect(response.text == expected)
            #expect(response.header("X-Request-Id") != nil)
        }
        try Wait.required("a log line per request") { lines.withLock { $0 } >= count }
        #expect(lines.withLock { $0 } == count)
    }
}
