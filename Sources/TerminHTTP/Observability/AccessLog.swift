import Glibc
import TerminJSON

/// One structured JSON line per request, and the request id that ties it to the client's view.
///
/// Lines are rendered straight into bytes (no Foundation formatting; the time of day is rendered once a second) by
/// each event loop's `Writer`, which hands them to the sink in chunks of whole lines at most `chunkBytesMax` long,
/// once per turn of the loop: one `write` for many requests, and each chunk small enough for a pipe to take whole, so
/// lines of several loops never interleave.
public enum AccessLog {
    /// Longest `X-Request-Id` taken from a client; a longer or non-printable one is replaced.
    public static let requestIDBytesMax = 128
    /// Most bytes handed to the sink at once (PIPE_BUF: a pipe takes a write up to this size whole). A single line
    /// longer than this goes alone.
    public static let chunkBytesMax = 4096

    /// Receives chunks of whole lines, each ending in a newline.
    public typealias Sink = @Sendable ([UInt8]) -> Void

    /// The client's `X-Request-Id` if it is printable ASCII of sensible length, else a new random one from
    /// `generator` (an event loop's own `RequestIDGenerator`).
    public static func requestID(for request: HTTPRequest, using generator: inout some RandomNumberGenerator) -> String {
        if let given = request.header("x-request-id"), !given.isEmpty, given.utf8.count <= requestIDBytesMax,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return given
        }
        let value = generator.next() as UInt64
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// Request ids for one event loop: a count from a random start, multiplied by an odd constant (a bijection, so
    /// ids never repeat within a loop and do not show how many requests came before). Ids must differ, not be secret;
    /// the system generator cost a `getrandom` call per request.
    public struct RequestIDGenerator: RandomNumberGenerator {
        private var count: UInt64

        public init() {
            var system = SystemRandomNumberGenerator()
            count = system.next()
        }

        public mutating func next() -> UInt64 {
            count &+= 1
            return count &* 0x9E37_79B9_7F4A_7C15
        }
    }

    /// Writes a chunk to standard error in one write.
    public static func toStandardError(_ chunk: [UInt8]) {
        _ = chunk.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// An event loop's log: renders lines into a buffer and hands them on in chunks (`flush`, or when the next line
    /// would make the chunk too long). Used by one thread.
    public struct Writer {
        let sink: Sink
        private var buffer: [UInt8] = []
        private var second = -1
        /// `YYYY-MM-DDTHH:MM:SS` of `second`.
        private var secondText: [UInt8] = []
        private var line: [UInt8] = []

        public init(sink: @escaping Sink) {
            self.sink = sink
            buffer.reserveCapacity(chunkBytesMax)
            line.reserveCapacity(512)
        }

        /// `{"time":…,"level":"info","msg":"request",…}`. The query string is left out: it may carry personal data.
        public mutating func append(requestID: String, method: String, path: String, route: String, status: Int,
                                    durationSeconds: Double, bytesOut: Int) {
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            if spec.tv_sec != second { renderSecond(spec.tv_sec) }
            line.removeAll(keepingCapacity: true)
            line += #"{"time":""#.utf8
            line += secondText
            line.append(UInt8(ascii: "."))
            JSONText.digits(Int(spec.tv_nsec / 1_000_000), width: 3, into: &line)
            line += #"Z","level":"info","msg":"request","request_id":""#.utf8
            JSONText.escaped(requestID, into: &line)
            line += #"","method":""#.utf8
            JSONText.escaped(method, into: &line)
            line += #"","path":""#.utf8
            JSONText.escaped(path, into: &line)
            line += #"","route":""#.utf8
            JSONText.escaped(route, into: &line)
            line += #"","status":"#.utf8
            JSONText.digits(status, width: 1, into: &line)
            line += #","duration_ms":"#.utf8
            let microseconds = max(0, Int((durationSeconds * 1e6).rounded()))
            JSONText.digits(microseconds / 1000, width: 1, into: &line)
            line.append(UInt8(ascii: "."))
            JSONText.digits(microseconds % 1000, width: 3, into: &line)
            line += #","bytes_out":"#.utf8
            JSONText.digits(bytesOut, width: 1, into: &line)
            line += "}\n".utf8
            if buffer.count + line.count > chunkBytesMax { flush() }
            buffer += line
        }

        /// Hands what is buffered to the sink.
        public mutating func flush() {
            guard !buffer.isEmpty else { return }
            sink(buffer)
            buffer.removeAll(keepingCapacity: true)
        }

        private mutating func renderSecond(_ seconds: Int) {
            var time = seconds
            var parts = tm()
            gmtime_r(&time, &parts)
            secondText.removeAll(keepingCapacity: true)
            JSONText.digits(Int(parts.tm_year) + 1900, width: 4, into: &secondText)
            for (separator, value) in [("-", parts.tm_mon + 1), ("-", parts.tm_mday), ("T", parts.tm_hour),
                                       (":", parts.tm_min), (":", parts.tm_sec)] {
                secondText += separator.utf8
                JSONText.digits(Int(value), width: 2, into: &secondText)
            }
            second = seconds
        }
    }
}
