import Foundation

/// A real server written in Python for a test or a load test (an SMTP server, a webhook receiver): it prints `PORT n`
/// once listening, writes what it receives as JSON lines into a folder of its own, and ends when its standard input
/// closes.
public final class PythonService: @unchecked Sendable {
    public struct NotStarted: Error, CustomStringConvertible { public let description: String }

    /// Where the service writes (removed when the service ends).
    public let folder: URL
    public let port: Int
    private let process = Process()
    private let input = Pipe()

    /// Starts `script` with the folder and `arguments`; `needs` names what a failure suggests.
    public init(script: URL, arguments: [String] = [], needs: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("termin-service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = script.path
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path, folder.path] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw NotStarted(description: "\(script.lastPathComponent) did not start (is \(needs) installed?): \(text)")
        }
        self.port = port
    }

    /// The JSON objects written to `file` in the folder so far.
    public func records(_ file: String) -> [[String: Any]] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A real SMTP server (aiosmtpd, `Services/smtp_sink.py`) that parses what it receives with Python's e-mail package.
public final class SMTPSink: Sendable {
    private let service: PythonService
    public var port: Int { service.port }

    /// Starts the server on `port` (0: a free one).
    public init(port: Int = 0) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Services/smtp_sink.py")
        service = try PythonService(script: script, arguments: [String(port)], needs: "aiosmtpd")
    }

    /// The mails received so far, as the sink parsed them: `message_id`, `to`, `from`, `subject`, `date`,
    /// `envelope_to`, `text`, `calendar_method`, `calendar`.
    public var mails: [[String: Any]] { service.records("mails.jsonl") }
}
