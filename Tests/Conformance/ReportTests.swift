import EACPConformance
import Foundation
import Testing

@Suite struct KnownFailuresTests {
    static func result(_ id: String, _ status: CaseStatus) -> CaseResult {
        CaseResult(id: id, title: "title", requirements: ["EACP-TLS-001"], profile: .core, status: status, message: "",
                   warnings: [], durationMs: 1, transcript: [])
    }

    @Test func parsesEntriesAndSkipsComments() {
        let file = KnownFailures(text: "# comment\n\nagent.a  the reason here\nagent.b\n")
        #expect(file.entries.map(\.caseID) == ["agent.a", "agent.b"])
        #expect(file.entries.map(\.reason) == ["the reason here", ""])
        #expect(file.entries.map(\.line) == [3, 4])
    }

    @Test func staleWhenListedCasePassesOrLacksReason() {
        let file = KnownFailures(text: "agent.a reason\nagent.b\nagent.c reason\nagent.z reason\n")
        let results = [Self.result("agent.a", .passed), Self.result("agent.b", .failed), Self.result("agent.c", .failed)]
        let problems = file.staleEntries(results: results, allCaseIDs: ["agent.a", "agent.b", "agent.c"], strict: false)
        #expect(problems == [
            "line 1: agent.a now passes; remove the entry", "line 2: agent.b has no reason",
            "line 4: agent.z is not a case of this suite",
        ])
    }

    @Test func listedFailureDoesNotFailRun() {
        var report = RunReport(mode: "agent", target: "x", options: RunOptions(), startedAt: Date(), durationMs: 1,
                               results: [Self.result("agent.c", .failed)])
        #expect(report.exitStatus == .caseFailed)
        report.apply(KnownFailures(text: "agent.c known reason\n"), allCaseIDs: ["agent.c"])
        #expect(report.results[0].status == .knownFailure)
        #expect(report.exitStatus == .passed)
    }

    @Test func staleFileGivesExitThree() {
        var report = RunReport(mode: "agent", target: "x", options: RunOptions(), startedAt: Date(), durationMs: 1,
                               results: [Self.result("agent.a", .passed)])
        report.apply(KnownFailures(text: "agent.a reason\n"), allCaseIDs: ["agent.a"])
        #expect(report.exitStatus == .staleKnownFailures)
    }

    @Test func warningFailsOnlyStrictRuns() {
        var options = RunOptions()
        let warned = [Self.result("server.tls.x", .warning)]
        #expect(RunReport(mode: "server", target: "x", options: options, startedAt: Date(), durationMs: 1, results: warned).exitStatus == .passed)
        options.strict = true
        #expect(RunReport(mode: "server", target: "x", options: options, startedAt: Date(), durationMs: 1, results: warned).exitStatus == .caseFailed)
    }
}

@Suite struct ReportFormatTests {
    @Test func junitNamesRequirementsAsProperties() {
        var failed = KnownFailuresTests.result("agent.heartbeat.x", .failed)
        failed.requirements = ["EACP-HEARTBEAT-002", "EACP-HEARTBEAT-001"]
        failed.message = "gap <3000> ms"
        let report = RunReport(mode: "agent", target: "x", options: RunOptions(), startedAt: Date(), durationMs: 1, results: [failed])
        let xml = String(decoding: JUnitReport.encode(report), as: UTF8.self)
        #expect(xml.contains("<property name=\"requirement\" value=\"EACP-HEARTBEAT-002\"/>"))
        #expect(xml.contains("<property name=\"requirement\" value=\"EACP-HEARTBEAT-001\"/>"))
        #expect(xml.contains("<failure message=\"gap &lt;3000&gt; ms\" type=\"failed\"/>"))
        #expect(xml.contains("<testsuite name=\"agent\" tests=\"1\" failures=\"1\""))
    }

    @Test func jsonCarriesSchemaVersionAndTotals() throws {
        let report = RunReport(mode: "server", target: "https://127.0.0.1:1", options: RunOptions(), startedAt: Date(),
                               durationMs: 5, results: [KnownFailuresTests.result("server.a", .passed)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.encode(report))) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect((object["totals"] as? [String: Int])?["passed"] == 1)
        #expect(object["exit_status"] as? Int == 0)
    }
}

@Suite struct CommandLineTests {
    @Test func agentModeTakesCommandAfterSeparator() throws {
        let options = try CommandLineOptions(arguments: ["agent", "--strict", "--case", "agent.tls", "--", "my-agent", "run"])
        #expect(options.mode == .agent(command: ["my-agent", "run"]))
        #expect(options.run.strict)
        #expect(options.run.caseFilters == ["agent.tls"])
        #expect(options.run.profiles == [.core])
    }

    @Test func rejectsUnknownProfile() {
        #expect(throws: RunnerError.self) { try CommandLineOptions(arguments: ["server", "--profiles", "telepathy"]) }
    }

    @Test func serverModeNeedsUrlTokenAndCA() {
        #expect(throws: RunnerError.self) { try CommandLineOptions(arguments: ["server", "--url", "https://127.0.0.1:1"]) }
    }
}
