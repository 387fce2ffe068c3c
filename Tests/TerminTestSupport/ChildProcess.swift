import Foundation

/// Runs a program to its end and collects what it wrote (the CLI, Chromium, the browser driver).
public enum ChildProcess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    /// Runs `executable` with `arguments`, waiting at most `seconds` (then it is terminated).
    public static func run(_ executable: String, _ arguments: [String], seconds: Double = 120) throws -> Outcome {
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
            if group.wait(timeout: .now() + 10) == .timedOut {
                kill(process.processIdentifier, SIGKILL)   // the pipes close with it
                _ = group.wait(timeout: .now() + 10)
            }
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                       errors: String(decoding: errData, as: UTF8.self))
    }
}
