import EACPConformance
import Testing

@Suite struct SuiteRunnerTests {
    static let warningCase = ConformanceCase("server.tls.example", "warns once", requirements: ["EACP-TLS-002"]) { context in
        try context.warn("expected alert fatal protocol_version(70), got alert fatal internal_error(80)")
    }

    @Test func warningPassesOutsideStrictRuns() async {
        let result = await SuiteRunner(options: RunOptions()).run(Self.warningCase)
        #expect(result.status == .warning)
        #expect(result.message == "expected alert fatal protocol_version(70), got alert fatal internal_error(80)")
        #expect(!result.failsRun(strict: false))
    }

    @Test func warningFailsStrictRuns() async {
        var options = RunOptions()
        options.strict = true
        let result = await SuiteRunner(options: options).run(Self.warningCase)
        #expect(result.status == .failed)
        #expect(result.message == "expected alert fatal protocol_version(70), got alert fatal internal_error(80) (a failure under --strict)")
    }

    @Test func undeclaredProfileIsSkipped() async {
        let pushCase = ConformanceCase("agent.push.example", "needs push", requirements: [], profile: .pushChannel) { _ in
            Issue.record("a case of an undeclared profile ran")
        }
        let result = await SuiteRunner(options: RunOptions()).run(pushCase)
        #expect(result.status == .skipped)
        #expect(result.message == "profile push-channel is not declared; pass --profiles to include it")
    }

    @Test func timeoutFailsCase() async {
        let slow = ConformanceCase("agent.slow", "sleeps", requirements: [], timeout: .milliseconds(50)) { _ in
            try await Task.sleep(for: .seconds(30))
        }
        let result = await SuiteRunner(options: RunOptions()).run(slow)
        #expect(result.status == .failed)
        #expect(result.message == "timed out after 50 ms")
    }
}
