import Foundation
import TerminHTTP

/// Fuzzing the HTTP request parser.
///
/// Built with `-DTERMIN_FUZZ` and `--sanitize=fuzzer`, this is a libFuzzer target (see README.md, "Fuzzing").
/// Built normally it replays files or folders given as arguments through the same checks, so a crasher can be
/// reproduced without the fuzzer.
enum RequestParserFuzzing {
    /// Small limits, so the fuzzer reaches every refusal quickly; and the defaults.
    static let parsers: [HTTPRequestParser] = {
        var small = HTTPLimits()
        small.requestLineBytesMax = 64
        small.headerBytesMax = 256
        small.headerCountMax = 8
        small.bodyBytesMax = 64
        return [HTTPRequestParser(limits: small), HTTPRequestParser()]
    }()

    static func check(_ bytes: [UInt8]) {
        for parser in parsers { parser.checkInvariants(bytes) }
    }
}

#if TERMIN_FUZZ
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    RequestParserFuzzing.check(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
@main
struct ReplayCorpus {
    static func main() {
        var files: [String] = []
        for path in CommandLine.arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                files += ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            RequestParserFuzzing.check(Array(data))
        }
        print("replayed \(files.count) inputs without a failure")
    }
}
#endif
