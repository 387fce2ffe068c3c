import Foundation

exit(TerminCommandLine.main(Array(CommandLine.arguments.dropFirst())))
