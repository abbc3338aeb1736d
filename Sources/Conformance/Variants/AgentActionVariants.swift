extension BrokenVariantCatalog {
    /// Agent variants for action handling and the push channel.
    static let agentActions: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "runs-duplicate-twice", role: .agent, breaks: ["EACP-ACTION-011"], caughtBy: ["agent.actions.duplicate-runs-once"],
            "runs an action again when it is delivered a second time"),
    ]
}
