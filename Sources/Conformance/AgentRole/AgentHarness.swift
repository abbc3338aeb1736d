/// The server side the runner plays for an agent under test.
public final class AgentHarness: Sendable {
    init(agentCommand: [String], workDirectory: String) async throws(RunnerError) {}
    func stop() async {}
}
