extension BrokenVariantCatalog {
    /// Server variants for actions, the push channel, events, status, logs, uploads, errors, limits
    /// and the HTTP transport.
    static let serverDelivery: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "pushes-below-push-version", role: .server, breaks: ["EACP-VERSION-006", "EACP-VERSION-007"],
            caughtBy: ["server.actions.below-push-version-not-pushed"],
            "pushes actions to an agent whose version may receive them only in heartbeat replies"),
        BrokenVariantEntry(
            "accepts-oversized-body", role: .server, breaks: ["EACP-LIMIT-001"],
            caughtBy: ["server.limits.body-too-large"],
            "accepts POST bodies up to 4 MiB on every path, not only on uploads/chunk"),
        BrokenVariantEntry(
            "plain-text-transport-errors", role: .server,
            breaks: ["EACP-LIMIT-001", "EACP-LIMIT-006", "EACP-PUSH-002", "EACP-TRANSPORT-005"],
            caughtBy: ["server.limits.body-too-large", "server.limits.header-section-too-large", "server.push.rejects-bad-upgrade"],
            "responds to a body or head above its limit and a bad push-channel upgrade in plain text, without an ErrorReply"),
        BrokenVariantEntry(
            "accepts-large-header-section", role: .server, breaks: ["EACP-LIMIT-006"],
            caughtBy: ["server.limits.header-section-too-large"],
            "serves requests whose request line and header section exceed 16384 bytes"),
    ]
}
