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
        BrokenVariantEntry(
            "records-older-heartbeats", role: .server, breaks: ["EACP-HEARTBEAT-007"],
            caughtBy: ["server.heartbeat.older-sequence-not-recorded"],
            "records the state of a heartbeat whose sequence_number is not above the highest recorded one"),
        BrokenVariantEntry(
            "drops-offers-with-actions", role: .server, breaks: ["EACP-HEARTBEAT-008"],
            caughtBy: ["server.heartbeat.reply-carries-offers-and-actions"],
            "leaves the content and upgrade offers out of a heartbeat reply that carries actions"),
        BrokenVariantEntry(
            "trusts-heartbeat-agent-id", role: .server, breaks: ["EACP-ENROLL-008"],
            caughtBy: ["server.auth.identity-from-certificate"],
            "records a heartbeat under the agent its reserved field 15 names, not the certificate's agent"),
        BrokenVariantEntry(
            "compares-versions-as-text", role: .server, breaks: ["EACP-VERSION-004"],
            caughtBy: ["server.upgrade.offer-until-version-equal"],
            "keeps offering an upgrade to an agent whose version equals the assigned one but is spelled differently"),
        BrokenVariantEntry(
            "offers-build-digest", role: .server, breaks: ["EACP-UPGRADE-001"],
            caughtBy: ["server.upgrade.offer-until-version-equal"],
            "puts the build's SHA-256 in the upgrade offer instead of the package's"),
        BrokenVariantEntry(
            "serves-any-upgrade-version", role: .server, breaks: ["EACP-UPGRADE-002"], caughtBy: ["server.upgrade.download"],
            "serves the agent's upgrade package under any version in the download path"),
        BrokenVariantEntry(
            "publishes-lower-revision", role: .server, breaks: ["EACP-CONTENT-001"],
            caughtBy: ["server.content.revisions-only-grow"],
            "publishes a new content package under a revision below the highest one published"),
        BrokenVariantEntry(
            "serves-earlier-content", role: .server, breaks: ["EACP-CONTENT-007"],
            caughtBy: ["server.content.download-only-offered"],
            "serves every published content revision, not only the one heartbeat replies offer"),
        BrokenVariantEntry(
            "marks-every-offer-downgrade", role: .server, breaks: ["EACP-CONTENT-003"], caughtBy: ["server.content.offer-table"],
            "sets downgrade in every content offer, also in offers of a higher revision"),
        BrokenVariantEntry(
            "omits-server-time", role: .server, breaks: ["EACP-HEARTBEAT-006"],
            caughtBy: ["server.heartbeat.reply-carries-server-time"],
            "leaves server_time_unix_ms of every heartbeat reply at 0"),
        BrokenVariantEntry(
            "trims-version-whitespace", role: .server, breaks: ["EACP-VERSION-002", "EACP-HEARTBEAT-005"],
            caughtBy: ["server.heartbeat.rejects-malformed-version"],
            "trims whitespace around an agent version before parsing it"),
        BrokenVariantEntry(
            "copies-csr-subject", role: .server, breaks: ["EACP-ENROLL-003"], caughtBy: ["server.enroll.issues-certificate"],
            "names the issued certificate after the CSR's common name instead of the new agent id"),
        BrokenVariantEntry(
            "accepts-used-up-token", role: .server, breaks: ["EACP-ENROLL-004"], caughtBy: ["server.enroll.rejects-spent-token"],
            "enrolls agents with a token whose uses are all spent"),
        BrokenVariantEntry(
            "accepts-empty-host-name", role: .server, breaks: ["EACP-ENROLL-005"],
            caughtBy: ["server.enroll.rejects-invalid-request"],
            "enrolls an agent whose request has an empty host_name"),
        BrokenVariantEntry(
            "serves-content-without-certificate", role: .server, breaks: ["EACP-ENROLL-007"],
            caughtBy: ["server.auth.certificate-on-every-path"],
            "serves content downloads to clients that present no certificate"),
        BrokenVariantEntry(
            "serves-revoked-agents", role: .server, breaks: ["EACP-ENROLL-009"], caughtBy: ["server.auth.rejects-revoked-agent"],
            "serves requests from agents that an administrator revoked"),
        BrokenVariantEntry(
            "rejects-unknown-fields", role: .server, breaks: ["EACP-ENCODING-002"],
            caughtBy: ["server.encoding.skips-unknown-fields"],
            "answers a heartbeat that carries fields the schema does not define with 400 MALFORMED_MESSAGE"),
        BrokenVariantEntry(
            "rejects-unknown-enum-values", role: .server, breaks: ["EACP-ENCODING-003"],
            caughtBy: ["server.encoding.skips-unknown-fields"],
            "answers a heartbeat whose push channel status is not a declared value with 400 MALFORMED_MESSAGE"),
        BrokenVariantEntry(
            "answers-malformed-as-bad-request", role: .server, breaks: ["EACP-ENCODING-007"],
            caughtBy: ["server.transport.error-statuses", "server.encoding.rejects-malformed-bodies"],
            "answers a body that does not decode with 400 BAD_REQUEST instead of MALFORMED_MESSAGE"),
        BrokenVariantEntry(
            "requires-canonical-encoding", role: .server, breaks: ["EACP-ENCODING-005", "EACP-ENCODING-002"],
            caughtBy: ["server.encoding.flexible-field-layout", "server.encoding.skips-unknown-fields"],
            "rejects a body whose fields are not in the order and form this package's encoder writes"),
        BrokenVariantEntry(
            "rejects-empty-body", role: .server, breaks: ["EACP-ENCODING-008"],
            caughtBy: ["server.encoding.empty-body-is-default-message"],
            "answers an empty body with 400 MALFORMED_MESSAGE instead of decoding the default message"),
        BrokenVariantEntry(
            "accepts-tls11", role: .server, breaks: ["EACP-TLS-001", "EACP-TLS-002"],
            caughtBy: ["server.tls.rejects-tls11-only", "server.tls.rejects-tls10-only"],
            "negotiates TLS 1.0 and 1.1 with the CBC suites those versions need"),
        BrokenVariantEntry(
            "accepts-cbc-suites", role: .server, breaks: ["EACP-TLS-005"], caughtBy: ["server.tls.rejects-non-aead-suites"],
            "selects a CBC suite for a client that offers no AEAD suite"),
        BrokenVariantEntry(
            "allows-renegotiation", role: .server, breaks: ["EACP-TLS-007"], caughtBy: ["server.tls.refuses-renegotiation"],
            "completes a second handshake that the client starts"),
        BrokenVariantEntry(
            "skips-certificate-request", role: .server, breaks: ["EACP-TLS-012"],
            caughtBy: ["server.auth.requires-client-certificate"],
            "sends no CertificateRequest, so enrolled agents cannot present their certificates"),
        BrokenVariantEntry(
            "frames-replies", role: .server, breaks: ["EACP-ENCODING-001"], caughtBy: ["server.encoding.one-message-per-body"],
            "puts a 4-byte length in front of every protobuf response body"),
        BrokenVariantEntry(
            "rejects-leading-zeros", role: .server, breaks: ["EACP-VERSION-001"], caughtBy: ["server.heartbeat.accepts-valid-versions"],
            "rejects an agent version with a leading zero in a component, such as 08.05"),
        BrokenVariantEntry(
            "ignores-action-minimum", role: .server, breaks: ["EACP-VERSION-008"],
            caughtBy: ["server.versions.minimum-compared-by-value", "server.actions.version-gating"],
            "queues actions for agents below the action's minimum_agent_version"),
        BrokenVariantEntry(
            "compares-minimum-as-text", role: .server, breaks: ["EACP-VERSION-003"],
            caughtBy: ["server.versions.minimum-compared-by-value"],
            "compares an agent's version with an action's minimum_agent_version as text"),
    ]
}
