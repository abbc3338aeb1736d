import EACPConformance
import EACPDocs
import EACPVectors
import Foundation

let usage = """
    Usage: eacp-docs markdown [--check] [--spec FOLDER]
           eacp-docs html OUT_DIR [--spec FOLDER]

    markdown   writes the protocol documentation into FOLDER/docs as Markdown. With --check it writes nothing,
               lists the files that are stale and exits with status 1 when there are any.
    html       writes a self-contained HTML site of the documentation and the specification into OUT_DIR. State
               diagrams are drawn as SVG when Graphviz `dot` is on the PATH, and as transition tables otherwise.

    FOLDER is the specification folder holding eacp.proto; by default it is the spec folder found from the
    current folder or a parent.
    """

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("eacp-docs: \(message)\n".utf8))
    exit(status)
}

struct Arguments {
    var command = ""
    var outputDirectory: String?
    var check = false
    var specDirectory: URL?

    init(_ arguments: [String]) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--help", "-h":
                print(usage)
                exit(0)
            case "--check": check = true
            case "--spec":
                guard let folder = rest.popFirst() else { fail("--spec needs a folder\n\n\(usage)") }
                specDirectory = URL(fileURLWithPath: folder)
            case _ where command.isEmpty: command = argument
            case _ where command == "html" && outputDirectory == nil: outputDirectory = argument
            default: fail("unexpected argument \(argument)\n\n\(usage)")
            }
        }
    }
}

/// Returns every case of the conformance suite. The codec cases are one per file of `spec/vectors`, so they come
/// from the same specification folder as the rest of the documentation.
func conformanceCases(specDirectory: URL) -> [ConformanceCaseReference] {
    CaseCatalog.all(spec: SpecDirectory(url: specDirectory)).map { description in
        ConformanceCaseReference(
            id: description.id, title: description.title, requirementIDs: description.requirements,
            profile: description.profile.rawValue)
    }
}

/// Returns every broken variant of the reference implementations, with the cases that must catch it.
func brokenVariants() -> [BrokenVariantReference] {
    BrokenVariantCatalog.all.map { entry in
        BrokenVariantReference(
            name: entry.name, role: entry.role.rawValue, requirementIDs: entry.requirements, caseIDs: entry.cases,
            summary: entry.summary)
    }
}

let arguments = Arguments(Array(CommandLine.arguments.dropFirst()))
let currentFolder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
guard let specDirectory = arguments.specDirectory ?? SpecInputs.findSpecDirectory(from: currentFolder) else {
    fail("spec/eacp.proto not found in \(currentFolder.path) or any parent folder; use --spec FOLDER")
}

do {
    let cases = conformanceCases(specDirectory: specDirectory)
    let inputs = try SpecInputs.load(specDirectory: specDirectory, cases: cases, variants: brokenVariants())
    let pages = try DocsGenerator.pages(from: inputs)
    switch arguments.command {
    case "markdown" where arguments.check:
        let stale = DocsGenerator.stalePaths(pages, in: specDirectory)
        if stale.isEmpty {
            print("spec/docs is up to date (\(pages.count) pages)")
        } else {
            print("stale: " + stale.joined(separator: ", "))
            print("run `swift run eacp-docs markdown` to update them")
            exit(1)
        }
    case "markdown":
        let written = try DocsGenerator.write(pages, to: specDirectory)
        print(written.isEmpty ? "spec/docs is up to date" : "updated: " + written.joined(separator: ", "))
    case "html":
        guard let output = arguments.outputDirectory else { fail("html needs an output folder\n\n\(usage)") }
        let site = HTMLSite(inputs: inputs, pages: pages, diagramRenderer: .graphvizIfInstalled())
        let count = try site.write(to: URL(fileURLWithPath: output))
        print("wrote \(count) files to \(output)")
    default:
        fail("expected the command markdown or html\n\n\(usage)")
    }
} catch {
    fail("\(error)")
}
