import Foundation
import TerminTestSupport

/// Runs a program to its end and collects what it wrote (for the CLI's own tests).
enum TerminProcess {
    typealias Outcome = ChildProcess.Outcome

    /// Runs the built `termin` with `arguments`.
    static func termin(_ arguments: [String]) throws -> Outcome {
        try run(ServerProcess.executable, arguments)
    }

    /// Runs `executable` with `arguments`, waiting at most `seconds`.
    static func run(_ executable: String, _ arguments: [String], seconds: Double = 120) throws -> Outcome {
        try ChildProcess.run(executable, arguments, seconds: seconds)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("termin-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
