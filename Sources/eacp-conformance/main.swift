import EACPConformance
import Foundation

// The EACP conformance runner; `eacp-conformance --help` and spec/conformance.md describe it.

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--help" || arguments.first == "-h" {
    print(CommandLineOptions.usage)
    exit(0)
}

let options: CommandLineOptions
do {
    options = try CommandLineOptions(arguments: arguments)
} catch {
    FileHandle.standardError.write(Data("eacp-conformance: \(error.message)\n\n\(CommandLineOptions.usage)\n".utf8))
    exit(ExitStatus.harnessError.rawValue)
}

let executableFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
let run = ConformanceRun(options: options, executableFolder: executableFolder) { line in
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
exit(await run.execute().rawValue)
