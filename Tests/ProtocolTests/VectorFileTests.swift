import EACPProtocol
import EACPVectors
import Foundation
import Testing

/// The checked-in vector files: up to date with their definitions, complete, and passed by the codec.
@Suite struct VectorFileTests {
    let spec: SpecDirectory
    let schema: ProtoSchema

    init() throws {
        spec = try #require(SpecDirectory.find(from: URL(fileURLWithPath: #filePath)))
        schema = try spec.loadSchema()
    }

    @Test func checkedInFilesMatchDefinitions() throws {
        let stale = try spec.staleGroupNames(comparedWith: try VectorCatalog.groups(schema: schema))
        #expect(stale == [], "run `swift run eacp-vectors write` to update spec/vectors")
    }

    @Test func codecPassesEveryVector() throws {
        let report = try VectorReport.check(spec: spec)
        for result in report.results where !result.passed {
            Issue.record("\(result.group)/\(result.vector): \(result.problems.joined(separator: "; "))")
        }
        #expect(report.failedCount == 0)
        #expect(report.passedCount > 400)
    }

    @Test func everyMessageTypeHasValidVector() throws {
        let groups = try spec.loadGroups()
        let covered = Set(groups.flatMap(\.vectors).filter(\.isValid).map(\.message))
        let missing = schema.messageNames.map(schema.qualifiedName).filter { !covered.contains($0) }
        #expect(missing == [])
    }

    @Test func everyActionKindHasEnvelopeWithParameters() throws {
        let actions = try #require(try spec.loadGroups().first { $0.name == "actions" })
        let envelopeFields = actions.vectors.compactMap { vector -> JSONValue? in
            guard vector.message == "eacp.v1.ActionEnvelope", case .valid(let fields, _, _) = vector.expectation
            else { return nil }
            return fields
        }
        let kinds = envelopeFields.compactMap { $0["kind"]?.stringValue }
        #expect(kinds.count == ActionKind.knownCases.count - 1)
        #expect(Set(kinds).count == kinds.count)

        // ACTION_KIND_QUARANTINE_FILE names the parameters member quarantineFile.
        for (kind, fields) in zip(kinds, envelopeFields) {
            let words = kind.dropFirst("ACTION_KIND_".count).lowercased().split(separator: "_")
            let member = String(words[0]) + words.dropFirst().map(\.capitalized).joined()
            #expect(fields[member] != nil, "\(kind) has no \(member) member")
        }
    }

    @Test func invalidVectorsCoverEveryErrorClass() throws {
        let invalid = try spec.loadGroups().flatMap(\.vectors).compactMap { vector -> ExpectedError? in
            guard case .invalid(let error, _) = vector.expectation else { return nil }
            return error
        }
        for error in ExpectedError.allCases {
            #expect(invalid.contains(error), "no vector expects \(error.rawValue)")
        }
    }

    @Test func vectorNamesAreUnique() throws {
        let names = try spec.loadGroups().flatMap(\.vectors).map(\.name)
        #expect(Set(names).count == names.count)
    }
}
