import Foundation
import ProtoGen
import Testing

/// The checked-in generated files match what the generator produces now.
struct GeneratedFilesTests {
    /// The package root, three folders above this file.
    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func staleFiles(protoPath: String, outputPath: String, options: GeneratorOptions) throws -> [String] {
        let source = try String(contentsOf: Self.packageRoot.appendingPathComponent(protoPath), encoding: .utf8)
        let files = try SwiftGenerator.generate(source: source, options: options)
        let directory = GeneratedDirectory(path: Self.packageRoot.appendingPathComponent(outputPath).path)
        return try directory.staleFiles(comparedWith: files)
    }

    @Test func schemaTypesAreUpToDate() throws {
        let stale = try staleFiles(
            protoPath: GeneratorOptions.defaultProtoPath, outputPath: GeneratorOptions.defaultOutputPath,
            options: .eacp)
        #expect(stale == [], "run `swift run eacp-protogen`")
    }

    @Test func fixtureTypesAreUpToDate() throws {
        let options = GeneratorOptions.commandLine(
            protoPath: "Tests/ProtoGenTests/Fixtures/features.proto",
            outputPath: "Tests/ProtocolTests/GeneratedFixtures", testableImport: "EACPProtocol",
            registryName: "FixtureMessageRegistry")
        let stale = try staleFiles(
            protoPath: options.protoPath, outputPath: "Tests/ProtocolTests/GeneratedFixtures", options: options)
        #expect(stale == [], "run `\(options.regenerateCommand)`")
    }

    @Test func generationIsDeterministic() throws {
        let source = try String(
            contentsOf: Self.packageRoot.appendingPathComponent(GeneratorOptions.defaultProtoPath), encoding: .utf8)
        let first = try SwiftGenerator.generate(source: source, options: .eacp)
        let second = try SwiftGenerator.generate(source: source, options: .eacp)
        #expect(first == second)
        #expect(first.map(\.name).contains("Heartbeat.pb.swift"))
        #expect(first.last?.name == "MessageRegistry.pb.swift")
    }
}

/// Writing and checking a folder of generated files.
struct GeneratedDirectoryTests {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("protogen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writeThenCheckFindsNothingStale() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = GeneratedDirectory(path: folder.path)
        let files = [GeneratedFile(name: "A.pb.swift", contents: "a\n"), GeneratedFile(name: "B.pb.swift", contents: "b\n")]

        #expect(try directory.staleFiles(comparedWith: files) == ["A.pb.swift", "B.pb.swift"])
        #expect(try directory.write(files) == ["A.pb.swift", "B.pb.swift"])
        #expect(try directory.staleFiles(comparedWith: files) == [])
        #expect(try directory.write(files) == [])
    }

    @Test func checkListsChangedAndLeftoverFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = GeneratedDirectory(path: folder.path)
        try directory.write([GeneratedFile(name: "A.pb.swift", contents: "a\n"), GeneratedFile(name: "Old.pb.swift", contents: "o\n")])
        try "keep\n".write(to: folder.appendingPathComponent("Notes.swift"), atomically: true, encoding: .utf8)

        let next = [GeneratedFile(name: "A.pb.swift", contents: "changed\n")]
        #expect(try directory.staleFiles(comparedWith: next) == ["A.pb.swift", "Old.pb.swift"])
        try directory.write(next)
        let remaining = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(remaining == ["A.pb.swift", "Notes.swift"])
        #expect(try String(contentsOf: folder.appendingPathComponent("A.pb.swift"), encoding: .utf8) == "changed\n")
    }
}
