import EACPConformance
import EACPDocs
import EACPVectors
import Foundation

/// The package's own specification folder and the pages generated from it, built once for all tests.
enum DocsFixture {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let specDirectory = packageRoot.appendingPathComponent("spec")

    /// Every case of the conformance suite, with the codec cases read from the package's `spec/vectors`.
    static let cases: [ConformanceCaseReference] = CaseCatalog.all(spec: SpecDirectory(url: specDirectory)).map {
        ConformanceCaseReference(
            id: $0.id, title: $0.title, requirementIDs: $0.requirements, profile: $0.profile.rawValue)
    }

    /// Every broken variant of the reference implementations.
    static let variants: [BrokenVariantReference] = BrokenVariantCatalog.all.map {
        BrokenVariantReference(
            name: $0.name, role: $0.role.rawValue, requirementIDs: $0.requirements, caseIDs: $0.cases, summary: $0.summary)
    }

    static let inputs: Result<SpecInputs, Error> = Result {
        try SpecInputs.load(specDirectory: specDirectory, cases: cases, variants: variants)
    }
    static let pages: Result<[DocPage], Error> = Result { try DocsGenerator.pages(from: inputs.get()) }

    /// The HTML site without Graphviz, so that the tests do not depend on `dot` being installed.
    static let site: Result<[String: String], Error> = Result {
        try HTMLSite(inputs: inputs.get(), pages: pages.get(), diagramRenderer: DiagramRenderer(dotPath: nil)).files()
    }

    /// Returns every string in `text` that matches `pattern`.
    static func matches(of pattern: String, in text: String) throws -> [String] {
        let regex = try Regex(pattern)
        return text.matches(of: regex).map { String(text[$0.range]) }
    }

    /// Returns the first capture group of every match of `pattern` in `text`.
    static func captures(of pattern: String, in text: String) throws -> [String] {
        let regex = try Regex(pattern)
        return text.matches(of: regex).compactMap { match in match.output[1].substring.map(String.init) }
    }
}
