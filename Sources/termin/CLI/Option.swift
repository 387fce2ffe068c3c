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
    /// Set only through `environment`, never on the command line (a secret: command lines are visible to every user).
    var environmentOnly = false
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
    /// Set only through `environment`, never on the command line.
    var environmentOnly: Bool { get }
    /// An error message when `text` is not a valid value.
    func check(_ text: String) -> String?
}

extension OptionDeclaration {
    var isFlag: Bool { valueName == nil }

    /// `--port PORT` or `--quiet`, or `TERMIN_POW_KEY=HEX` for an option set only in the environment.
    var synopsis: String {
        if environmentOnly, let environment { return environment + "=" + (valueName ?? "VALUE") }
        return "--\(name)" + (valueName.map { " \($0)" } ?? "")
    }

    /// The option's lines in a command's help: synopsis, help, and where its value comes from.
    var helpText: String {
        var sources: [String] = []
        if let environment, !environmentOnly { sources.append("env \(environment)") }
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

/// The one argument of a command that is not an option: an action from a fixed list, each with the options that only
/// it takes (`termin forecast lead-time --target-days 14`), or any value when `choices` is empty (`termin solve FILE`).
struct Positional: Sendable {
    /// One action: its word, its help, and the options that belong to it alone (refused with another action).
    struct Choice: Sendable {
        let value: String
        let help: String
        let options: [any OptionDeclaration]
        init(_ value: String, _ help: String, options: [any OptionDeclaration] = []) {
            self.value = value
            self.help = help
            self.options = options
        }
    }

    let name: String
    let help: String
    let choices: [Choice]
    /// The value when the argument is not given; `nil`: none.
    let defaultValue: String?
    /// Whether the command needs it (a usage error when missing).
    var isRequired = false
    /// A second argument some choices take (`add NAME`), named for the help; `nil`: none.
    var operand: String? = nil

    /// The actions of `Action`, in its order, each with its help and options.
    init<Action: CaseIterable & RawRepresentable>(name: String, help: String, actions: Action.Type, default defaultValue: Action,
                                                  operand: String? = nil,
                                                  describe: (Action) -> (help: String, options: [any OptionDeclaration]))
        where Action.RawValue == String {
        self.init(name: name, help: help, choices: Action.allCases.map {
            let (help, options) = describe($0)
            return Choice($0.rawValue, help, options: options)
        }, defaultValue: defaultValue.rawValue, operand: operand)
    }

    init(name: String, help: String, choices: [Choice], defaultValue: String?, isRequired: Bool = false, operand: String? = nil) {
        self.name = name
        self.help = help
        self.choices = choices
        self.defaultValue = defaultValue
        self.isRequired = isRequired
        self.operand = operand
    }

    /// The options that belong to one action or another (each refused with the others).
    var actionOptions: [any OptionDeclaration] {
        var seen = Set<String>()
        return choices.flatMap(\.options).filter { seen.insert($0.name).inserted }
    }
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

extension Option where Value: CaseIterable & RawRepresentable, Value.RawValue == String {
    /// One of an enumeration's cases, by its raw value.
    static func choice(_ name: String, value valueName: String, help: String, default defaultValue: Value) -> Option {
        let words = Value.allCases.map(\.rawValue)
        return Option(name: name, valueName: valueName, help: help + " (" + words.joined(separator: ", ") + ")",
                      defaultValue: defaultValue, defaultDescription: defaultValue.rawValue, environment: nil,
                      expectation: "one of " + words.joined(separator: ", ")) { Value(rawValue: $0) }
    }
}

extension Option where Value == Bool {
    /// A switch set to `on` or `off`.
    static func toggle(_ name: String, help: String, default defaultValue: Bool) -> Option {
        Option(name: name, valueName: "on|off", help: help, defaultValue: defaultValue,
               defaultDescription: defaultValue ? "on" : "off", environment: nil, expectation: "on or off") {
            $0 == "on" ? true : $0 == "off" ? false : nil
        }
    }
}

extension Option where Value == String {
    /// A secret set only in the environment variable `environment` (a key shared by instances): never on the command
    /// line, where every user of the machine could read it.
    static func secret(_ name: String, environment: String, value valueName: String, help: String) -> Option {
        var option = Option(name: name, valueName: valueName, help: help, defaultValue: nil, defaultDescription: nil,
                            environment: environment, expectation: "a value") { $0.isEmpty ? nil : $0 }
        option.environmentOnly = true
        return option
    }
}
