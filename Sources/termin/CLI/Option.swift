/// One option of a command, declared once: its name, the placeholder of its value, its help, its default, an
/// environment variable it falls back to, and how its text parses. The parser, the typed values and the help text
/// all come from this declaration, so they cannot drift apart.
struct Option<Value: Sendable>: OptionDeclaration {
    let name: String
    /// The placeholder in the help (`PORT`); `nil` for a flag.
    let valueName: String?
    let help: String
    /// The value when neither the option nor its environment variable is given; `nil`: no value (optional option).
    let defaultValue: Value?
    /// How the default reads in the help; `nil` when there is none to show.
    let defaultDescription: String?
    /// Read when the option is not given.
    let environment: String?
    /// What a value must be, for the error message (`a whole number from 0 to 65535`).
    let expectation: String
    let parse: @Sendable (String) -> Value?

    func check(_ text: String) -> String? {
        parse(text) == nil ? "--\(name) takes \(expectation), not '\(text)'" : nil
    }
}

/// What the parser and the help need of any option, whatever its value type.
protocol OptionDeclaration: Sendable {
    var name: String { get }
    var valueName: String? { get }
    var help: String { get }
    var defaultDescription: String? { get }
    var environment: String? { get }
    /// An error message when `text` is not a valid value.
    func check(_ text: String) -> String?
}

extension OptionDeclaration {
    var isFlag: Bool { valueName == nil }

    /// `--port PORT` or `--quiet`.
    var synopsis: String { "--\(name)" + (valueName.map { " \($0)" } ?? "") }

    /// The option's lines in a command's help: synopsis, help, and where its value comes from.
    var helpText: String {
        var sources: [String] = []
        if let environment { sources.append("env \(environment)") }
        if let defaultDescription { sources.append("default \(defaultDescription)") }
        return sources.isEmpty ? help : help + " (" + sources.joined(separator: "; ") + ")"
    }
}

extension Option where Value == String {
    /// A text option.
    static func text(_ name: String, value valueName: String, help: String, default defaultValue: String? = nil,
                     environment: String? = nil) -> Option {
        Option(name: name, valueName: valueName, help: help, defaultValue: defaultValue, defaultDescription: defaultValue,
               environment: environment, expectation: "a value") { $0.isEmpty ? nil : $0 }
    }
}

extension Option where Value == Int {
    /// A whole number within `range`.
    static func integer(_ name: String, value valueName: String, help: String, default defaultValue: Int,
                        range: ClosedRange<Int>) -> Option {
        Option(name: name, valueName: valueName, help: help, defaultValue: defaultValue, defaultDescription: String(defaultValue),
               environment: nil, expectation: "a whole number from \(range.lowerBound) to \(range.upperBound)") { text in
            Int(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }
}

extension Option where Value == Bool {
    /// A flag: present or not.
    static func flag(_ name: String, help: String) -> Option {
        Option(name: name, valueName: nil, help: help, defaultValue: false, defaultDescription: nil, environment: nil,
               expectation: "no value") { _ in true }
    }
}

/// The one argument of a command that is not an option: from a fixed list (`termin bench ledger`), or any value
/// when `choices` is empty (`termin solve FILE`).
struct Positional: Sendable {
    let name: String
    let help: String
    let choices: [(value: String, help: String)]
    /// The value when the argument is not given; `nil`: none.
    let defaultValue: String?
    /// Whether the command needs it (a usage error when missing).
    var isRequired = false
    /// A second argument some choices take (`add NAME`), named for the help; `nil`: none.
    var operand: String? = nil
}

extension Option where Value == Double {
    /// A decimal number within `range`.
    static func decimal(_ name: String, value valueName: String, help: String, default defaultValue: Double?,
                        range: ClosedRange<Double>) -> Option {
        Option(name: name, valueName: valueName, help: help, defaultValue: defaultValue,
               defaultDescription: defaultValue.map { String($0) }, environment: nil,
               expectation: "a number from \(range.lowerBound) to \(range.upperBound)") { text in
            Double(text).flatMap { $0.isFinite && range.contains($0) ? $0 : nil }
        }
    }
}

extension Option where Value == String {
    /// One of a fixed list of words.
    static func choice(_ name: String, value valueName: String, help: String, choices: [String], default defaultValue: String) -> Option {
        Option(name: name, valueName: valueName, help: help + " (" + choices.joined(separator: ", ") + ")",
               defaultValue: defaultValue, defaultDescription: defaultValue, environment: nil,
               expectation: "one of " + choices.joined(separator: ", ")) { choices.contains($0) ? $0 : nil }
    }
}
