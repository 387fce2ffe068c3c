/// The chunked transfer coding (RFC 9112 §7.1), decoded as its bytes arrive.
extension HTTPRequestParser {
    enum ChunkedOutcome {
        case needMore(Awaiting)
        /// The decoded body, and the offset just past the message's end.
        case body([UInt8], end: Int)
        case reject(ProblemDetails)
    }

    /// Decodes a chunked body from `chunks.cursor` on: chunks of hex size, extensions ignored, then a trailer section,
    /// which is read and dropped. What is complete stays decoded in `chunks` when the bytes run out. The decoded body
    /// is bounded by `bodyBytesMax`, each size or trailer line by `requestLineBytesMax`, the trailer section by
    /// `headerBytesMax`.
    func parseChunked(_ buffer: ArraySlice<UInt8>, _ chunks: inout Chunks) -> ChunkedOutcome {
        let start = buffer.startIndex
        guard var cursor = chunks.cursor.map({ start + $0 }) else { preconditionFailure("decoding starts at the body") }
        while chunks.trailerStart == nil {
            guard let lineEnd = findCRLF(buffer, from: cursor, limit: limits.requestLineBytesMax) else {
                if runsPast(limits.requestLineBytesMax, from: cursor, buffer) {
                    return .reject(.http(400, "A chunk-size line is too long.", field: "Transfer-Encoding"))
                }
                return .needMore(.lineEnd(scannedTo: buffer.count, limit: cursor - start + limits.requestLineBytesMax))
            }
            let line = buffer[cursor..<lineEnd]
            let sizeDigits = line.prefix { Self.hexValue($0) != nil }
            let rest = line.dropFirst(sizeDigits.count)
            guard !sizeDigits.isEmpty, rest.isEmpty || rest.first == UInt8(ascii: ";") ||
                    rest.first == Self.sp || rest.first == Self.tab else {
                return .reject(.http(400, "A chunk size is not a hexadecimal number.", field: "Transfer-Encoding"))
            }
            guard rest.allSatisfy({ $0 == Self.tab || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .reject(.http(400, "A chunk extension holds a control character.", field: "Transfer-Encoding"))
            }
            let significant = sizeDigits.drop { $0 == UInt8(ascii: "0") }
            guard significant.count <= 15 else {
                return .reject(.http(413, "The body is larger than \(limits.bodyBytesMax) bytes.", field: "Transfer-Encoding"))
            }
            let size = significant.reduce(0) { $0 << 4 | Int(Self.hexValue($1)!) }
            if size == 0 {
                cursor = lineEnd + 2
                chunks.cursor = cursor - start
                chunks.trailerStart = cursor - start
                break
            }
            guard chunks.body.count + size <= limits.bodyBytesMax else {
                return .reject(.http(413, "The body is larger than \(limits.bodyBytesMax) bytes.", field: "Transfer-Encoding"))
            }
            let dataStart = lineEnd + 2
            guard buffer.endIndex - dataStart >= size + 2 else { return .needMore(.bytes(dataStart - start + size + 2)) }
            guard buffer[dataStart + size] == Self.cr, buffer[dataStart + size + 1] == Self.lf else {
                return .reject(.http(400, "A chunk is longer than its size says.", field: "Transfer-Encoding"))
            }
            chunks.body += buffer[dataStart..<(dataStart + size)]
            cursor = dataStart + size + 2
            chunks.cursor = cursor - start
        }
        // Trailer section: field lines until an empty line.
        let trailerStart = start + chunks.trailerStart!
        while true {
            guard let lineEnd = findCRLF(buffer, from: cursor, limit: limits.headerBytesMax - (cursor - trailerStart)) else {
                if runsPast(limits.headerBytesMax, from: trailerStart, buffer) {
                    return .reject(.http(431, "The trailer section is larger than \(limits.headerBytesMax) bytes.", field: "trailers"))
                }
                return .needMore(.lineEnd(scannedTo: buffer.count, limit: trailerStart - start + limits.headerBytesMax))
            }
            if lineEnd == cursor { return .body(chunks.body, end: cursor + 2 - start) }
            let line = buffer[cursor..<lineEnd]
            guard let colon = line.firstIndex(of: Self.colon), colon > line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(Self.isTokenByte) else {
                return .reject(.http(400, "A trailer line is malformed.", field: "trailers"))
            }
            if lineEnd + 2 - trailerStart > limits.headerBytesMax {
                return .reject(.http(431, "The trailer section is larger than \(limits.headerBytesMax) bytes.", field: "trailers"))
            }
            cursor = lineEnd + 2
            chunks.cursor = cursor - start
        }
    }
}
