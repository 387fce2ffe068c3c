import Foundation
import Glibc
import TerminJSON

/// An HTTP response to serialize.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields other than `Content-Length`, `Date` and `Connection`, which the server adds.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The route pattern that answered (`/v1/bookings/{id}`), for metrics and logs; not sent.
    public var route: String?
    /// A body that goes on after `body` until the connection closes (server-sent events); `nil` for a body of
    /// known length.
    public var stream: ResponseStream?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response from already encoded bytes.
    public static func json(_ status: Int, _ body: [UInt8], headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// An RFC 9457 problem response.
    public static func problem(_ problem: ProblemDetails, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: problem.status, headers: [("Content-Type", "application/problem+json")] + headers,
                     body: problem.encoded())
    }

    /// The status line and header section on the wire.
    /// `keepAlive` false says `Connection: close`; for an HTTP/1.0 request (`http10`), whose connections close unless
    /// the answer says otherwise, true says `Connection: keep-alive`.
    public func serializedHead(keepAlive: Bool, date: String, http10: Bool = false) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        // 204 and 304 carry no body and no Content-Length (RFC 9110 8.6); a stream's body ends when the
        // connection closes (RFC 9112 6.3, item 8).
        if status != 204 && status != 304 && stream == nil { text += "Content-Length: \(body.count)\r\n" }
        text += "Date: \(date)\r\n"
        if !keepAlive || stream != nil {
            text += "Connection: close\r\n"
        } else if http10 {
            text += "Connection: keep-alive\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// The response's bytes on the wire. `head` leaves the body out but keeps its length.
    public func serialized(keepAlive: Bool, date: String, head: Bool = false) -> [UInt8] {
        serializedHead(keepAlive: keepAlive, date: date) + (head ? [] : body)
    }

    /// The reason phrase of a status code.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for `secondsSinceEpoch`.
    public static func httpDate(_ secondsSinceEpoch: Int) -> String {
        var time = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// RFC 9457 problem details: every error the service answers carries one.
public struct ProblemDetails: Sendable, Encodable, Equatable {
    /// A URI naming the kind of problem.
    public let type: String
    public let title: String
    public let status: Int
    public let detail: String
    /// The request field at fault (`start`, `services[0].quantity`, `Content-Length`), when one is.
    public let field: String?

    public init(type: String, title: String, status: Int, detail: String, field: String? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.field = field
    }

    /// A problem raised by the HTTP layer itself (malformed or oversized requests).
    public static func http(_ status: Int, _ detail: String, field: String? = nil) -> ProblemDetails {
        // RFC 9457 §4.2.1: "about:blank" means the problem is just what the status code says.
        ProblemDetails(type: "about:blank", title: HTTPResponse.reason(status), status: status, detail: detail, field: field)
    }

    /// The JSON body: the bytes `JSONEncoder` writes with sorted keys and unescaped slashes, written directly (at the
    /// 7:00 release most answers are 409 problems, and a fresh encoder per answer cost more than the rest of one).
    public func encoded() -> [UInt8] {
        var object = JSONObjectWriter(capacity: 192 + detail.utf8.count)
        object.string("detail", detail)
        object.string("field", field)
        object.int("status", status)
        object.string("title", title)
        object.string("type", type)
        return object.finish()
    }
}
