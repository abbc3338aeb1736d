extension BrokenVariantCatalog {
    /// Agent variants for security events, status reports, logs, uploads, errors and limits.
    static let agentTelemetry: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "holds-events-for-heartbeat", role: .agent, breaks: ["EACP-EVENT-002"], caughtBy: ["agent.events.sent-at-once"],
            "sends a security event only after the next heartbeat was answered"),
    ]
}
