extension BrokenVariantCatalog {
    /// Agent variants of the TLS client (certificate verification, the host name check and SNI) and of
    /// the push channel's WebSocket framing.
    static let agentTransport: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "trusts-any-certificate", role: .agent, breaks: ["EACP-TLS-008"],
            caughtBy: ["agent.tls.rejects-untrusted-certificate", "agent.tls.rejects-expired-certificate"],
            "completes the handshake with any server certificate, without verifying its chain"),
        BrokenVariantEntry(
            "skips-host-check", role: .agent, breaks: ["EACP-TLS-009"],
            caughtBy: ["agent.tls.rejects-wrong-host-certificate"],
            "accepts a certificate from the pinned CA that names another host"),
        BrokenVariantEntry(
            "sends-sni-for-ip-literal", role: .agent, breaks: ["EACP-TLS-010"],
            caughtBy: ["agent.tls.client-hello-offers-only-tls12"],
            "sends the server URL's host as server_name when it is an IP literal"),
        BrokenVariantEntry(
            "reads-text-as-binary", role: .agent, breaks: ["EACP-PUSH-003"],
            caughtBy: ["agent.push.closes-on-text-message"],
            "takes a text message on the push channel as a binary one instead of closing with 1003"),
        BrokenVariantEntry(
            "pongs-without-data", role: .agent, breaks: ["EACP-PUSH-007"], caughtBy: ["agent.push.answers-ping"],
            "answers a ping on the push channel with a pong that carries no data"),
    ]
}
