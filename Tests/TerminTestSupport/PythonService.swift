import Foundation

/// A real server written in Python for a test (an SMTP server, a webhook receiver): it prints `PORT n` once
/// listening, writes what it receives as JSON lines into a folder of its own, and ends when its standard input closes.
final class PythonService {
    struct NotStarted: Error, CustomStringConvertible { let description: String }

    /// Where the service writes (removed when the service ends).
    let folder: URL
    let port: Int
    private let process = Process()
    private let input = Pipe()

    /// Starts `script` (next to the tests) with the folder and `arguments`; `needs` names what a failure suggests.
    init(script: String, arguments: [String] = [], needs: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("termin-service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
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
            throw NotStarted(description: "\(script) did not start (is \(needs) installed?): \(text)")
        }
        self.port = port
    }

    /// The JSON objects written to `file` in the folder so far.
    func records(_ file: String) -> [[String: Any]] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}
