import Foundation
import Glibc

/// The `termin` executable running as a child process, for tests that kill it.
public final class ServerProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let process = Process()
    /// The server's process id (to read its resident size from /proc).
    public var processIdentifier: Int32 { process.processIdentifier }
    let output = Pipe()
    public private(set) var port = 0

    /// The built `termin` next to the test bundle (`.build/<triple>/debug/termin`).
    public static var executable: String {
        var folder = URL(fileURLWithPath: Bundle.main.bundlePath)
        if !folder.hasDirectoryPath || folder.pathExtension == "xctest" { folder.deleteLastPathComponent() }
        for candidate in [folder, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("termin").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return folder.appendingPathComponent("termin").path
    }

    /// Starts `termin serve` on `port` (0: a free one) against `conninfo` and waits until it listens (at most 60 s).
    /// Rate limits and identity caps are off unless `extraArguments` turn them on (tests and load tests send from one
    /// address, mostly without contact data).
    public convenience init(conninfo: String, port: Int = 0, extraArguments: [String] = []) throws {
        try self.init(serving: ["--port", String(port), "--database-url", conninfo] + extraArguments)
    }

    /// Starts `termin serve` with `arguments` (after rate limits and identity caps turned off) and waits until it
    /// listens (at most 60 s). The log goes to `logFile` when one is given.
    public init(serving arguments: [String], logFile: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["serve", "--rate-limit", "off", "--identity-caps", "off"] + arguments
        process.standardOutput = output
        if let logFile {
            _ = FileManager.default.createFile(atPath: logFile, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: logFile)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var text = ""
        while Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), text[range.upperBound...].dropFirst(digits.count).first == " " {
                    self.port = port
                    return
                }
            }
        }
        process.terminate()
        throw Failure(description: "termin serve did not start: \(text)")
    }

    /// Sends a signal (SIGKILL: no chance to clean up).
    public func kill(_ signal: Int32 = SIGKILL) {
        Glibc.kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end; returns its exit status.
    /// - Throws: `Wait.TimedOut` (after killing it) when it is still running after `seconds`.
    @discardableResult
    public func wait(seconds: Double = 60) throws -> Int32 {
        guard Wait.until("termin to exit", seconds: seconds, { !process.isRunning }) else {
            kill()
            process.waitUntilExit()
            throw Wait.TimedOut(description: "termin did not exit within \(seconds) s; killed")
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill()
            process.waitUntilExit()
        }
    }
}
