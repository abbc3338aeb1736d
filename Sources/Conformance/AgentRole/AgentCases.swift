/// Every case the runner plays against an agent, in run order.
public enum AgentCases {
    public static func all(_ harness: AgentHarness?, eventCommand: String?) -> [ConformanceCase] {
        AgentBasicCases.all(harness) + AgentActionCases.all(harness) + AgentTLSCases.all(harness)
    }
}
