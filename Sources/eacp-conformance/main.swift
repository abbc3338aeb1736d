import EACPVectors
import Foundation

// NOTE: this first version only checks the package's codec against the test vectors in spec/vectors. Running
// cases against an agent or a server under test is not implemented yet.

let usage = """
    Usage: eacp-conformance [--spec FOLDER]

    Checks the package's wire codec against every test vector in FOLDER/vectors and prints one line per
    failure and the totals. FOLDER is the specification folder holding eacp.proto; by default it is the
    spec folder found from the current folder or a parent.

    Exit status: 0 when every vector passes, 1 when any fails, 2 when the vectors cannot be found or read.
    """

func exitWithUsageError(_ message: String) -> Never {
    FileHandle.standardError.write(Data("eacp-conformance: \(message)\n".utf8))
    exit(2)
}

func specDirectory(from arguments: [String]) -> SpecDirectory {
    switch arguments.count {
    case 0:
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard let spec = SpecDirectory.find(from: folder) else {
            exitWithUsageError("spec/eacp.proto not found in \(folder.path) or any parent folder; use --spec FOLDER")
        }
        return spec
    case 2 where arguments[0] == "--spec":
        return SpecDirectory(url: URL(fileURLWithPath: arguments[1]))
    default:
        if arguments.first == "--help" || arguments.first == "-h" {
            print(usage)
            exit(0)
        }
        exitWithUsageError("unexpected arguments \(arguments.joined(separator: " "))\n\n\(usage)")
    }
}

let spec = specDirectory(from: Array(CommandLine.arguments.dropFirst()))
guard FileManager.default.fileExists(atPath: spec.vectorsURL.path) else {
    exitWithUsageError("no vectors folder at \(spec.vectorsURL.path)")
}

do {
    let report = try VectorReport.check(spec: spec)
    for line in report.lines { print(line) }
    exit(report.failedCount == 0 ? 0 : 1)
} catch {
    exitWithUsageError("cannot read the vectors: \(error)")
}
