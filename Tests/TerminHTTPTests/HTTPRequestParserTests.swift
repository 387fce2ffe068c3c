import Foundation
import Testing
@testable import TerminHTTP

/// Every rejection as exact request bytes and the status it must produce (RFC 9112 / RFC 9110).
@Suite struct HTTPRequestParserTests {
    let parser = HTTPRequestParser(limits: {
        var limits = HTTPLimits()
        limits.requestLineBytesMax = 64
        limits.headerBytesMax = 128
        limits.headerCountMax = 4
        limits.bodyBytesMax = 16
        return limits
    }())

    func outcome(_ text: String) -> HTTPRequestParser.Outcome { parser.parse(Array(text.utf8)[...]) }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u{01}c\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX\u{7F}A: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        ("GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /\r\nHost: a\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a?b=%C3%28 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a?b=%4 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /" + String(repeating: "a", count: 80) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: " + String(repeating: "b", count: 140) + "\r\n\r\n", 431),
        ("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nbad trailer\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ])
    func rejects(request: String, status: Int) {
        guard case .reject(let problem) = outcome(request) else {
            Issue.record("accepted or incomplete: \(request.debugDescription)")
            return
        }
        #expect(problem.status == status, "\(request.debugDescription)")
        #expect(problem.field != nil, "every refusal names what is at fault: \(request.debugDescription)")
    }

    @Test func parsesARequestWithBodyAndQuery() throws {
        let text = "POST /v1/x%20y?office=1%2C2&q=a+b&flag HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nX-Id:  7 \r\n\r\n{}GET"
        guard case .request(let request, let consumed) = outcome(text) else {
            Issue.record("not parsed")
            return
        }
        #expect(request.method == "POST" && request.path == "/v1/x y" && request.body == Array("{}".utf8))
        #expect(request.queryValue("office") == "1,2" && request.queryValue("q") == "a b" && request.queryValue("flag") == "")
        #expect(request.header("X-ID") == "7")
        #expect(consumed == text.utf8.count - 3)
    }

    @Test func decodesAChunkedBodyWithExtensionsAndTrailers() {
        let text = "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n4\r\nWiki\r\n5;note=x\r\npedia\r\n000\r\nX-Sum: 1\r\n\r\nNEXT"
        guard case .request(let request, let consumed) = outcome(text) else {
            Issue.record("not parsed")
            return
        }
        #expect(request.body == Array("Wikipedia".utf8))
        #expect(consumed == text.utf8.count - 4)
    }

    @Test(arguments: ["GET / HTTP/1.1\r\nHost: a\r\n", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWi",
                      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n", "GET / HTTP/1.1\r\nHo", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab", "GE",
                      // a request line of exactly the limit, its CR come and its LF not yet
                      "GET /" + String(repeating: "a", count: 50) + " HTTP/1.1\r"])
    func waitsForTheRest(text: String) {
        guard case .needMore = outcome(text) else {
            Issue.record("expected needMore for \(text.debugDescription)")
            return
        }
    }

    /// A request arriving in pieces is parsed on from where its bytes ran out: what was parsed is not read again (here
    /// overwritten, as only a parse from the start would notice), so a body of many small chunks costs its length, not
    /// the square of it.
    @Test func aRequestArrivingInPiecesIsParsedOnFromWhereItStopped() {
        var bytes = Array("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        var progress = HTTPRequestParser.Progress()
        guard case .needMore = parser.parse(bytes[...], resuming: &progress), progress.hasHead else {
            Issue.record("the head was not parsed")
            return
        }
        for letter in "Wiki" {
            bytes += Array("1\r\n\(letter)\r\n".utf8)
            guard case .needMore = parser.parse(bytes[...], resuming: &progress) else {
                Issue.record("a chunk ended the request")
                return
            }
        }
        bytes = Array(repeating: UInt8(ascii: "?"), count: bytes.count)   // head and chunks, done with
        bytes += Array("0\r\n\r\n".utf8)
        guard case .request(let request, let consumed) = parser.parse(bytes[...], resuming: &progress) else {
            Issue.record("not parsed on")
            return
        }
        #expect(request.body == Array("Wiki".utf8) && request.path == "/c" && consumed == bytes.count)
        #expect(!progress.hasHead, "a new request starts afresh")
    }

    /// A line ends at CRLF only: a bare LF (sent a byte a time, say) wakes no parse of what came before.
    @Test func aBareLineFeedParsesNothingAgain() {
        var bytes = Array("GET / HTTP/1.1\r\nX: a".utf8)
        var progress = HTTPRequestParser.Progress()
        guard case .needMore = parser.parse(bytes[...], resuming: &progress) else {
            Issue.record("not waiting")
            return
        }
        bytes.replaceSubrange(0..<3, with: Array("G(T".utf8))   // parsed again, the method would be refused
        for _ in 0..<5 {
            bytes.append(UInt8(ascii: "\n"))
            guard case .needMore = parser.parse(bytes[...], resuming: &progress) else {
                Issue.record("a bare LF made the parser read the request line again")
                return
            }
        }
    }

    @Test func keepAliveRules() throws {
        func request(_ text: String) -> HTTPRequest? {
            if case .request(let request, _) = outcome(text) { return request }
            return nil
        }
        #expect(request("GET / HTTP/1.1\r\nHost: a\r\n\r\n")?.wantsKeepAlive == true)
        #expect(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")?.wantsKeepAlive == false)
        #expect(request("GET / HTTP/1.0\r\n\r\n")?.wantsKeepAlive == false)
        #expect(request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")?.wantsKeepAlive == true)
    }

    @Test func leadingEmptyLinesAreIgnored() {
        guard case .request(let request, _) = outcome("\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n") else {
            Issue.record("not parsed")
            return
        }
        #expect(request.path == "/x")
    }
}

/// Every input of the fuzzing corpus (seeds and every crasher the fuzzer ever found) passes the parser's
/// invariants, with the fuzzer's small limits and with the defaults.
@Suite struct FuzzCorpusTests {
    @Test func theCorpusKeepsTheParsersInvariants() throws {
        let folder = try #require(Bundle.module.url(forResource: "FuzzCorpus", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count >= 12)
        var small = HTTPLimits()
        small.requestLineBytesMax = 64
        small.headerBytesMax = 256
        small.headerCountMax = 8
        small.bodyBytesMax = 64
        for file in files {
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(file)))
            HTTPRequestParser(limits: small).checkInvariants(bytes)
            HTTPRequestParser().checkInvariants(bytes)
        }
    }
}
