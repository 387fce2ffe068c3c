import Foundation

/// Exit codes as swift-argument-parser uses them.
enum ExitCode {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 64
}

/// One subcommand of `termin`: its name, what it does, its declared options, and what it runs.
protocol Command: Sendable {
    static var name: String { get }
    static var summary: String { get }
    /// The command's own options; `--help` is added for every command.
    static var options: [any OptionDeclaration] { get }
    /// The one argument that is not an option, if the command takes one.
    static var positional: Positional? { get }
    /// Paragraphs shown after the options in the help.
    static var details: String? { get }
    static func run(_ options: ParsedOptions) throws -> Int32
}

extension Command {
    static var positional: Positional? { nil }
    static var details: String? { nil }

    /// Every option the command takes (its actions' too), `--help` last.
    static var allOptions: [any OptionDeclaration] { options + (positional?.actionOptions ?? []) + [HelpOption.help] }

    /// The help text, written from the declarations.
    static var usage: String {
        var synopsis = "termin \(name)"
        if let positional {
            synopsis += positional.choices.isEmpty ? " \(positional.name.uppercased())"
                : " [\(positional.choices.map(\.value).joined(separator: "|"))]"
        }
        for option in options where !option.environmentOnly { synopsis += " [\(option.synopsis)]" }
        var lines = [synopsis, "", summary, ""]
        if let positional {
            for choice in positional.choices {
                lines.append(column(choice.value) + choice.help)
                for option in choice.options { lines.append(column("  " + option.synopsis) + option.helpText) }
            }
            if positional.choices.isEmpty { lines.append(column(positional.name.uppercased()) + positional.help) }
            if let defaultValue = positional.defaultValue { lines.append("  (default: \(defaultValue))") }
            lines.append("")
        }
        for option in options + [HelpOption.help] {
            lines.append(column(option.synopsis) + option.helpText)
        }
        if let details { lines += ["", details] }
        return lines.joined(separator: "\n")
    }
}

/// `text` indented and padded to the help's second column (never cut).
func column(_ text: String, width: Int = 26) -> String {
    "  " + text + String(repeating: " ", count: max(2, width - 2 - text.count))
}
