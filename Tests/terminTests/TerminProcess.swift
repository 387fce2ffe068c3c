import Foundation
import TerminTestSupport

/// Runs a program to its end and collects what it wrote (for the CLI's own tests).
enum TerminProcess {
    struct Outcome {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Runs the built `termin` with `arguments`.
    static func termin(_ arguments: [String]) throws -> Outcome {
        try run(ServerProcess.executable, arguments)
    }

    /// Runs `executable` with `arguments`, waiting at most `seconds`.
    static func run(_ executable: String, _ arguments: [String], seconds: Double = 120) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes to their end (a full pipe would block the child).
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = errors.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if group.wait(timeout: .now() + seconds) == .timedOut {
            process.terminate()
            group.wait()
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                       errors: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("termin-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
