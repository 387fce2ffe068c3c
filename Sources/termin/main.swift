import Foundation

/// `termin <command> [options]`: serve, migrate, seed, help.
let commands: [any Command.Type] = [ServeCommand.self, MigrateCommand.self, SeedCommand.self, BenchCommand.self]

@MainActor func overview() -> String {
    var text = "usage: termin <command> [options]\n\nTermin, appointment scheduling for Munich's citizen offices.\n\ncommands:\n"
    for command in commands { text += "  " + command.name.padding(toLength: 9, withPad: " ", startingAt: 0) + command.summary + "\n" }
    text += "  help     show this overview, or `termin help <command>`\n\n`termin <command> --help` describes a command."
    return text
}

@MainActor func main() -> Int32 {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let name = arguments.first else {
        FileHandle.standardError.write(Data((overview() + "\n").utf8))
        return ExitCode.usage
    }
    if name == "help" || name == "--help" || name == "-h" {
        if arguments.count > 1, let command = commands.first(where: { $0.name == arguments[1] }) {
            print("usage: " + command.usage)
        } else if arguments.count > 1 {
            log("unknown command '\(arguments[1])'")
            return ExitCode.usage
        } else {
            print(overview())
        }
        return ExitCode.success
    }
    guard let command = commands.first(where: { $0.name == name }) else {
        log("unknown command '\(name)'\n\n" + overview())
        return ExitCode.usage
    }
    do {
        let options = try Options(Array(arguments.dropFirst()), valued: command.valuedOptions,
                                  boolean: command.flags, allowsPositional: command.takesPositional)
        if options.flags.contains("help") {
            print("usage: " + command.usage)
            return ExitCode.success
        }
        return try command.run(options)
    } catch let usage as Options.UsageError {
        log("\(usage)\nusage: \(command.usage)")
        return ExitCode.usage
    } catch {
        log("\(command.name) failed: \(error)")
        return ExitCode.failure
    }
}

exit(main())
