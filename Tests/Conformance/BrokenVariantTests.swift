import EACPConformance
import EACPVectors
import Foundation
import Testing

extension BrokenVariantEntry: CustomTestStringConvertible {
    public var testDescription: String { "\(role.rawValue) variant \(name)" }
}

/// Proves that the suite fails for the reason it claims: each broken variant of a reference
/// implementation makes `eacp-conformance` exit 1, with its listed cases failing, and the failing
/// cases name every requirement the variant breaks.
@Suite struct BrokenVariantTests {
    static let agentPath = ConformanceCommand.binaries.appendingPathComponent("eacp-agent").path

    /// Returns the runner's arguments for a run of `entry`'s cases. Agent variants run as an outside
    /// command, so the runner judges them purely by what crosses the wire.
    static func arguments(for entry: BrokenVariantEntry) -> [String] {
        let selection = entry.cases.flatMap { ["--case", $0] }
        switch entry.role {
        case .server:
            return selection
        case .agent:
            let eventCommand = "'\(agentPath)' event --type conformance.test --severity low"
            return ["agent", "--profiles", "all", "--event-command", eventCommand] + selection + ["--", agentPath, "run"]
        }
    }

    @Test(arguments: BrokenVariantCatalog.all)
    func variantIsCaught(_ entry: BrokenVariantEntry) async throws {
        let run = try await ConformanceCommand.run(
            Self.arguments(for: entry),
            environment: ["EACP_ALLOW_BROKEN_VARIANTS": "1", "EACP_BROKEN_VARIANT": entry.name])
        #expect(run.status == 1, "\(run.output)")
        for caseID in entry.cases {
            #expect(run.cases[caseID] == "failed", "\(caseID) did not fail:\n\(run.output)")
        }
        let named = Set(entry.cases.filter { run.cases[$0] == "failed" }.flatMap { run.requirements[$0] ?? [] })
        for requirement in entry.requirements {
            #expect(named.contains(requirement), "no failing case names \(requirement)")
        }
    }

    @Test func catalogNamesRealCasesAndRequirements() throws {
        let spec = SpecDirectory(url: URL(fileURLWithPath: ConformanceCommand.specFolder))
        let cases = Dictionary(uniqueKeysWithValues: CaseCatalog.all(spec: spec).map { ($0.id, $0) })
        let requirements = try Self.requirements()
        var names: Set<String> = []
        for entry in BrokenVariantCatalog.all {
            #expect(names.insert(entry.name).inserted, "\(entry.name) is listed twice")
            #expect(!entry.cases.isEmpty, "\(entry.name) lists no case")
            for caseID in entry.cases {
                #expect(cases[caseID] != nil, "\(entry.name) lists unknown case \(caseID)")
                #expect(caseID.hasPrefix(entry.role.rawValue + "."), "\(entry.name) lists \(caseID) of the other role")
            }
            let named = Set(entry.cases.compactMap { cases[$0] }.flatMap(\.requirements))
            for id in entry.requirements {
                let requirement = requirements[id]
                #expect(requirement?.level == "MUST", "\(entry.name) breaks \(id), which is not a MUST requirement")
                #expect(requirement?.roles.contains(entry.role.rawValue) == true, "\(id) is not a \(entry.role.rawValue) requirement")
                #expect(named.contains(id), "no case of \(entry.name) names \(id)")
            }
        }
    }

    struct Requirement: Decodable {
        let level: String
        let roles: [String]
    }

    static func requirements() throws -> [String: Requirement] {
        struct File: Decodable {
            struct Entry: Decodable {
                let id: String
                let level: String
                let roles: [String]
            }
            let requirements: [Entry]
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: ConformanceCommand.specFolder + "/requirements.json"))
        let file = try JSONDecoder().decode(File.self, from: data)
        return Dictionary(uniqueKeysWithValues: file.requirements.map { ($0.id, Requirement(level: $0.level, roles: $0.roles)) })
    }
}
