import Foundation

/// `termin <command> [options]`. Every command's options are declared once (`Option`), which gives parsing,
/// validation, typed values and the help text; every command takes `--help` and exits 64 on a usage error.
enum TerminCommandLine {
    static let commands: [any Command.Type] = [ServeCommand.self, MigrateCommand.self, SeedCommand.self, SolveCommand.self, ForecastCommand.self, StaffCommand.self, BackupCommand.self, RestoreCommand.self,
                                               BenchCommand.self]

    static func overview() -> String {
        var text = "usage: termin <command> [options]\n\nTermin, appointment scheduling for Munich's citizen offices.\n\ncommands:\n"
        for command in commands { text += column(command.name, width: 11) + command.summary + "\n" }
        text += column("help", width: 11) + "show this overview, or `termin help <command>`\n\n`termin <command> --help` describes a command."
        return text
    }

    /// Runs the command line `arguments` (without the program name); returns the exit code.
    static func main(_ arguments: [String]) -> Int32 {
        guard let name = arguments.first else {
            FileHandle.standardError.write(Data((overview() + "\n").utf8))
            return ExitCode.usage
        }
        if name == "help" || name == "--help" || name == "-h" {
            guard arguments.count > 1 else {
                print(overview())
                return ExitCode.success
            }
            guard let command = commands.first(where: { $0.name == arguments[1] }) else {
                log("unknown command '\(arguments[1])'")
                return ExitCode.usage
            }
            guard arguments.count == 2 else {
                log("unexpected argument '\(arguments[2])'\nusage: termin help [command]")
                return ExitCode.usage
            }
            print("usage: " + command.usage)
            return ExitCode.success
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            log("unknown command '\(name)'\n\n" + overview())
            return ExitCode.usage
        }
        let options: ParsedOptions
        do {
            options = try ParsedOptions(Array(arguments.dropFirst()), options: command.allOptions, positional: command.positional)
        } catch {
            log("\(error)\nusage: \(command.usage)")
            return ExitCode.usage
        }
        if options.wantsHelp {
            print("usage: " + command.usage)
            return ExitCode.success
        }
        do {
            return try command.run(options)
        } catch let usage as ParsedOptions.UsageError {
            log("\(usage)\nusage: \(command.usage)")
            return ExitCode.usage
        } catch {
            log("\(command.name) failed: \(error)")
            return ExitCode.failure
        }
    }
}
