import EACPDocs
import Foundation
import Testing

@Suite struct RequirementReferenceTests {
    private static let idPattern = #"EACP-[A-Z]+-[0-9]{3}"#

    /// Returns every requirement id written in a file under `folder` whose name ends in one of `suffixes`, by file.
    private func mentionedIDs(under folder: String, suffixes: [String]) throws -> [(file: String, id: String)] {
        let root = DocsFixture.packageRoot.appendingPathComponent(folder)
        guard let files = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var found: [(String, String)] = []
        for case let file as String in files where suffixes.contains(where: file.hasSuffix) {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for id in try DocsFixture.matches(of: Self.idPattern, in: text) { found.append(("\(folder)/\(file)", id)) }
        }
        return found
    }

    @Test func idsInCodeAndSpecExist() throws {
        let known = Set(try DocsFixture.inputs.get().requirements.map(\.id))
        var mentions = try mentionedIDs(under: "Sources", suffixes: [".swift"])
        mentions += try mentionedIDs(under: "Tests", suffixes: [".swift"])
        mentions += try mentionedIDs(under: "spec", suffixes: [".md", ".proto", ".yaml"])
        #expect(!mentions.isEmpty)
        let unknown = mentions.filter { !known.contains($0.id) }.map { "\($0.file): \($0.id)" }
        #expect(unknown == [], "requirement ids missing from spec/requirements.json")
    }

    @Test func idsInCaseListExist() throws {
        let inputs = try DocsFixture.inputs.get()
        let cases = try #require(inputs.cases)
        #expect(!cases.isEmpty)
        let known = Set(inputs.requirements.map(\.id))
        let unknown = cases.flatMap { conformanceCase in
            conformanceCase.requirementIDs.filter { !known.contains($0) }.map { "\(conformanceCase.id): \($0)" }
        }
        #expect(unknown == [])
    }

    @Test func requirementIDsAreUnique() throws {
        let ids = try DocsFixture.inputs.get().requirements.map(\.id)
        #expect(Set(ids).count == ids.count)
    }
}
