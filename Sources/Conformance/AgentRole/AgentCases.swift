/// Every case the runner plays against an agent, in run order.
public enum AgentCases {
    public static func all(_ harness: AgentHarness?, eventCommand: String?) -> [ConformanceCase] {
        // PERFORM_HEARTBEAT leaves the agent on a 30 s interval until its next scheduled heartbeat,
        // so it runs just before the TLS cases, which wait for reconnections anyway.
        AgentBasicCases.all(harness) + AgentActionCases.all(harness) + AgentPushCases.all(harness)
            + AgentActionKindCases.all(harness) + AgentActionRulesCases.all(harness) + AgentPushRulesCases.all(harness)
            + AgentPushFrameCases.all(harness)
            + AgentEventCases.all(harness, eventCommand: eventCommand) + AgentRetryCases.all(harness, eventCommand: eventCommand)
            + AgentUploadCases.all(harness) + AgentLimitCases.all(harness) + AgentStatusCases.all(harness)
            + AgentContentCases.all(harness)
            + AgentProxyCases.all(harness) + AgentIsolationCases.all(harness) + AgentTerminalCases.all(harness)
            + [AgentActionCases.performHeartbeat(harness)] + AgentTLSCases.all(harness)
            // Restarts leave gaps in the heartbeat numbering, and the separate agents of the contract
            // cases add heartbeats of their own, so these come after every case that reads all heartbeats.
            + AgentUpgradeCases.all(harness) + AgentRestartCases.all(harness, eventCommand: eventCommand) + AgentEncodingCases.all(harness)
            // The log cases restart the agent too; they come before the contract cases' other agents,
            // whose log batches would have numbers of their own.
            + AgentLogCases.all(harness, eventCommand: eventCommand) + AgentContractCases.all(harness)
    }
}
