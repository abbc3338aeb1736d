import Foundation
import Testing

/// Runs `eacp-conformance` as a user would against the reference server and agent built next to
/// the test binary. Broken variants of them are in `BrokenVariantTests`.
@Suite struct SuiteRunTests {
    @Test func referencesPassEveryCase() async throws {
        let run = try await ConformanceCommand.run([])
        #expect(run.status == 0, "\(run.output)")
        let failed = run.cases.filter { $0.value == "failed" }.map(\.key).sorted()
        #expect(failed.isEmpty, "failed: \(failed.joined(separator: ", "))")
        #expect(run.cases.count > 60)
        #expect(run.cases["server.tls.rejects-ssl30"] == "passed")
        #expect(run.cases["agent.actions.duplicate-runs-once"] == "passed")
    }

    @Test func outsideReferenceAgentPassesItsCases() async throws {
        let agent = ConformanceCommand.binaries.appendingPathComponent("eacp-agent").path
        let run = try await ConformanceCommand.run([
            "agent", "--profiles", "push-channel", "--case", "agent.enroll", "--case", "agent.heartbeat.sequence",
            "--case", "agent.actions.duplicate", "--", agent, "run",
        ])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.cases["agent.actions.duplicate-runs-once"] == "passed")
    }
}
