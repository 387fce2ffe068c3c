import Foundation

/// A command line checked against a command's declarations: every value parsed and validated before the command
/// runs, read back typed.
struct ParsedOptions: Sendable {
    /// A mistake on the command line: exit 64 with the message and the command's usage.
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    private let values: [String: String]
    private let flags: Set<String>
    /// The positional argument, or its default.
    let positional: String?
    /// The argument after the positional one, where the declaration takes one (`termin staff add NAME`).
    let operand: String?

    /// Parses `arguments` (`--name value`, `--name=value`, flags, `-h` for `--help`, and one positional where
    /// declared); values of options not given come from their environment variable when it is set and not empty.
    init(_ arguments: [String], options: [any OptionDeclaration], positional declaration: Positional? = nil,
         environment: [String: String] = ProcessInfo.processInfo.environment) throws(UsageError) {
        let declared = Dictionary(uniqueKeysWithValues: options.map { ($0.name, $0) })
        var values: [String: String] = [:], flags: Set<String> = [], positional: String?, operand: String?
        var given: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "-h" { flags.insert(HelpOption.help.name); continue }
            guard argument.hasPrefix("--") else {
                // A file whose name starts with a dash is named as ./-name: anything else was meant as an option.
                if argument.hasPrefix("-") && argument.count > 1 { throw UsageError(description: "unknown option \(argument)") }
                if let declaration, positional != nil, declaration.operand != nil, operand == nil {
                    operand = argument
                    continue
                }
                guard let declaration, positional == nil else { throw UsageError(description: "unexpected argument '\(argument)'") }
                guard declaration.choices.isEmpty || declaration.choices.contains(where: { $0.value == argument }) else {
                    throw UsageError(description: "unknown \(declaration.name) '\(argument)': one of "
                                     + declaration.choices.map(\.value).joined(separator: ", "))
                }
                positional = argument
                continue
            }
            let body = argument.dropFirst(2)
            let name = String(body.prefix { $0 != "=" })
            guard let option = declared[name] else { throw UsageError(description: "unknown option --\(name)") }
            if option.environmentOnly, let environment = option.environment {
                throw UsageError(description: "--\(name) is set in the environment only: \(environment)=… "
                                 + "(a command line is visible to every user of the machine)")
            }
            given.append(name)
            let inline = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
            if option.isFlag {
                guard inline == nil else { throw UsageError(description: "--\(name) takes no value") }
                flags.insert(name)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else {
                guard index < arguments.count else { throw UsageError(description: "--\(name) needs a value") }
                value = arguments[index]
                index += 1
            }
            if let problem = option.check(value) { throw UsageError(description: problem) }
            values[name] = value
        }
        for option in options where values[option.name] == nil {
            guard let variable = option.environment, let value = environment[variable], !value.isEmpty else { continue }
            if let problem = option.check(value) { throw UsageError(description: "\(variable): \(problem)") }
            values[option.name] = value
        }
        self.values = values
        self.flags = flags
        if let declaration, declaration.isRequired, positional == nil, !flags.contains(HelpOption.help.name) {
            throw UsageError(description: "\(declaration.name) is required")
        }
        self.positional = positional ?? declaration?.defaultValue
        self.operand = operand
        if let declaration, let action = self.positional {
            try Self.refuseMisplaced(given, action: action, declaration)
        }
    }

    /// Refuses an option given that belongs to another action than the one chosen.
    private static func refuseMisplaced(_ given: [String], action: String, _ declaration: Positional) throws(UsageError) {
        let chosen = Set(declaration.choices.first { $0.value == action }?.options.map(\.name) ?? [])
        let belonging = Set(declaration.actionOptions.map(\.name))
        for name in given where belonging.contains(name) && !chosen.contains(name) {
            let owners = declaration.choices.filter { $0.options.contains { $0.name == name } }.map(\.value)
            throw UsageError(description: "--\(name) does not apply to \(action); it belongs to "
                             + owners.joined(separator: ", "))
        }
    }

    /// The action chosen (or defaulted), typed.
    func action<Action: RawRepresentable>(_ type: Action.Type) -> Action where Action.RawValue == String {
        guard let positional, let action = Action(rawValue: positional) else {
            preconditionFailure("the positional was checked against the actions when parsed")
        }
        return action
    }

    /// Whether `--help` was given.
    var wantsHelp: Bool { flags.contains(HelpOption.help.name) }

    /// The typed value of an option with a default.
    subscript<Value>(_ option: Option<Value>) -> Value {
        guard let value = optional(option) ?? option.defaultValue else {
            preconditionFailure("--\(option.name) has no default: read it with optional(_:)")
        }
        return value
    }

    /// The typed value of an option, `nil` when neither given nor set in its environment variable (nor defaulted).
    func optional<Value>(_ option: Option<Value>) -> Value? {
        if option.isFlag { return flags.contains(option.name) ? option.parse("") : option.defaultValue }
        guard let text = values[option.name] else { return option.defaultValue }
        guard let value = option.parse(text) else { preconditionFailure("--\(option.name) was checked when parsed") }
        return value
    }
}

/// `--help`, which every command takes.
enum HelpOption {
    static let help = Option.flag("help", help: "show this help (also -h)")
}
