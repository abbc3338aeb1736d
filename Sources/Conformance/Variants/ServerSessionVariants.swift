extension BrokenVariantCatalog {
    /// Server variants for enrollment, heartbeats, content, versions, upgrades and TLS.
    static let serverSession: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "accepts-sequence-zero", role: .server, breaks: ["EACP-HEARTBEAT-005"],
            caughtBy: ["server.heartbeat.rejects-malformed-version"],
            "records a heartbeat whose sequence_number is 0"),
        BrokenVariantEntry(
            "offers-older-content", role: .server, breaks: ["EACP-CONTENT-002"], caughtBy: ["server.content.offer-table"],
            "offers a lower content revision than the agent's as a downgrade"),
        BrokenVariantEntry(
            "accepts-tls13", role: .server, breaks: ["EACP-TLS-001", "EACP-TLS-003"],
            caughtBy: ["server.tls.rejects-tls13-only", "server.tls.negotiates-tls12-when-tls13-offered"],
            "negotiates TLS 1.3 with a client that offers it"),
    ]
}
