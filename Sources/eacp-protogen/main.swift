import Foundation
import ProtoGen

let usage = """
    Usage: eacp-protogen [--check] [--proto FILE --output FOLDER [--testable-import MODULE] [--registry NAME]]

    Generates the Swift message types of EACPProtocol from a .proto file. With no options it reads
    spec/eacp.proto and rewrites Sources/Protocol/Generated, found from the current folder or a parent
    that holds Package.swift.

    Options:
      --check                    Write nothing; list the generated files that are out of date and exit 1
                                 when there are any.
      --proto FILE               The .proto file, relative to the package root. Default: spec/eacp.proto.
      --output FOLDER            Where the .pb.swift files go, relative to the package root.
                                 Default: Sources/Protocol/Generated.
      --testable-import MODULE   Add `@testable import MODULE` to each file and make the types internal,
                                 for output compiled into a test target.
      --registry NAME            Name of the enum that lists every message type. Default: MessageRegistry.
      --help                     Print this text.

    Exit status: 0 on success, 1 when --check finds stale files, 2 on an error in the .proto file or in
    the arguments.
    """

struct Arguments {
    var check = false
    var protoPath = GeneratorOptions.defaultProtoPath
    var outputPath = GeneratorOptions.defaultOutputPath
    var testableImport: String?
    var registryName = GeneratorOptions.defaultRegistryName

    var options: GeneratorOptions {
        GeneratorOptions.commandLine(
            protoPath: protoPath, outputPath: outputPath, testableImport: testableImport, registryName: registryName)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("eacp-protogen: \(message)\n".utf8))
    exit(2)
}

func parseArguments(_ list: [String]) -> Arguments {
    var arguments = Arguments()
    var remaining = list[...]
    func value(for option: String) -> String {
        guard let next = remaining.popFirst(), !next.hasPrefix("--") else { fail("\(option) needs a value") }
        return next
    }
    while let argument = remaining.popFirst() {
        switch argument {
        case "--help", "-h":
            print(usage)
            exit(0)
        case "--check": arguments.check = true
        case "--proto": arguments.protoPath = value(for: argument)
        case "--output": arguments.outputPath = value(for: argument)
        case "--testable-import": arguments.testableImport = value(for: argument)
        case "--registry": arguments.registryName = value(for: argument)
        default: fail("unknown argument \(argument); run eacp-protogen --help")
        }
    }
    return arguments
}

/// Returns the nearest folder at or above the current one that contains Package.swift.
func packageRoot() -> URL {
    var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
        let parent = folder.deletingLastPathComponent()
        if parent.path == folder.path { fail("no Package.swift in the current folder or any parent; run from the package") }
        folder = parent
    }
    return folder
}

let arguments = parseArguments(Array(CommandLine.arguments.dropFirst()))
let root = packageRoot()
let protoURL = root.appendingPathComponent(arguments.protoPath)
guard let source = try? String(contentsOf: protoURL, encoding: .utf8) else {
    fail("cannot read \(arguments.protoPath) under \(root.path)")
}

do {
    let files = try SwiftGenerator.generate(source: source, options: arguments.options)
    let directory = GeneratedDirectory(path: root.appendingPathComponent(arguments.outputPath).path)
    if arguments.check {
        let stale = try directory.staleFiles(comparedWith: files)
        for name in stale { print("stale: \(arguments.outputPath)/\(name)") }
        if !stale.isEmpty {
            print("\(stale.count) generated file(s) are out of date; run `\(arguments.options.regenerateCommand)`.")
            exit(1)
        }
        print("\(files.count) generated files are up to date.")
    } else {
        let changed = try directory.write(files)
        for name in changed { print("updated: \(arguments.outputPath)/\(name)") }
        print("\(files.count) files generated, \(changed.count) changed.")
    }
} catch let error as ProtoGenError {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
} catch {
    fail("\(error)")
}
