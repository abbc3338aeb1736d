extension BrokenVariantCatalog {
    /// Agent variants for the start-up contract, enrollment, heartbeats, content, upgrades and TLS.
    static let agentContract: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "enrolls-at-every-start", role: .agent, breaks: ["EACP-ENROLL-006", "EACP-ENROLL-011", "EACP-ENROLL-016"],
            caughtBy: ["agent.contract.clean-stop-and-restart", "agent.contract.crash-restart-keeps-identity"],
            "Ignores the stored credentials and enrolls again at every start."),
        BrokenVariantEntry(
            "restarts-heartbeat-numbering", role: .agent, breaks: ["EACP-HEARTBEAT-004", "EACP-ENROLL-016"],
            caughtBy: ["agent.contract.clean-stop-and-restart", "agent.contract.crash-restart-keeps-identity"],
            "Numbers heartbeats from 1 again in every process."),
        BrokenVariantEntry(
            "drops-queue-on-stop", role: .agent, breaks: ["EACP-ENROLL-015", "EACP-ENROLL-016"],
            caughtBy: ["agent.contract.queue-kept-across-clean-stop"], "Empties its security event queue when it stops on SIGTERM."),
        BrokenVariantEntry(
            "fails-on-sigterm", role: .agent, breaks: ["EACP-ENROLL-015"], caughtBy: ["agent.contract.clean-stop-and-restart"],
            "Exits with status 1 after SIGTERM."),
        BrokenVariantEntry(
            "forgets-settings", role: .agent, breaks: ["EACP-HEARTBEAT-009"], caughtBy: ["agent.heartbeat.settings-clamped-and-kept"],
            "Starts every process from the default settings instead of those the server set."),
        BrokenVariantEntry(
            "skips-settings-clamp", role: .agent, breaks: ["EACP-HEARTBEAT-009"],
            caughtBy: ["agent.heartbeat.settings-clamped-and-kept"], "Uses a status report interval below 1000 ms as given."),
        BrokenVariantEntry(
            "accepts-url-path", role: .agent, breaks: ["EACP-TRANSPORT-001", "EACP-TRANSPORT-017"],
            caughtBy: ["agent.contract.rejects-invalid-server-url"], "Accepts a server URL with a path and ignores the path."),
        BrokenVariantEntry(
            "hides-missing-variable", role: .agent, breaks: ["EACP-ENROLL-013"], caughtBy: ["agent.contract.rejects-missing-settings"],
            "Reports a missing setting without naming its variable."),
        BrokenVariantEntry(
            "hides-ca-file-name", role: .agent, breaks: ["EACP-TLS-015"], caughtBy: ["agent.contract.rejects-unusable-ca-file"],
            "Reports an unusable CA file without naming the file."),
        BrokenVariantEntry(
            "needs-state-folder-parent", role: .agent, breaks: ["EACP-ENROLL-012"],
            caughtBy: ["agent.contract.separate-state-folder"], "Creates a missing state folder only when its parent exists."),
        BrokenVariantEntry(
            "rejects-unknown-variables", role: .agent, breaks: ["EACP-ENROLL-014"],
            caughtBy: ["agent.contract.crash-restart-keeps-identity"], "Exits at start when an EACP_CONFORMANCE_ variable is set."),
        BrokenVariantEntry(
            "accepts-short-upgrade-digest", role: .agent, breaks: ["EACP-UPGRADE-007"],
            caughtBy: ["agent.upgrade.ignores-invalid-offers"], "Downloads an upgrade offer whose SHA-256 is 31 bytes long."),
        BrokenVariantEntry(
            "compares-version-text", role: .agent, breaks: ["EACP-VERSION-004"], caughtBy: ["agent.upgrade.ignores-invalid-offers"],
            "Compares an offered version with its own as text, so 01.4 differs from 1.4."),
        BrokenVariantEntry(
            "installs-unverified-upgrade", role: .agent, breaks: ["EACP-UPGRADE-003"],
            caughtBy: ["agent.upgrade.verifies-and-reports"], "Installs an upgrade package without checking its size and SHA-256."),
        BrokenVariantEntry(
            "push-without-client-certificate", role: .agent, breaks: ["EACP-TLS-011"],
            caughtBy: ["agent.tls.client-certificate-after-enrollment"], "Opens the push channel without its client certificate."),
        BrokenVariantEntry(
            "reports-upgrade-once", role: .agent, breaks: ["EACP-UPGRADE-005"], caughtBy: ["agent.upgrade.verifies-and-reports"],
            "Reports an ended upgrade attempt in one heartbeat only."),
        BrokenVariantEntry(
            "rejects-unknown-reply-fields", role: .agent, breaks: ["EACP-ENCODING-002"],
            caughtBy: ["agent.encoding.reply-with-unknown-and-repeated-fields"], "Rejects a heartbeat reply that contains an unknown field."),
        BrokenVariantEntry(
            "keeps-first-interval", role: .agent, breaks: ["EACP-ENCODING-005"],
            caughtBy: ["agent.encoding.reply-with-unknown-and-repeated-fields"],
            "Takes the first of two next_heartbeat_interval_ms values in a heartbeat reply."),
        BrokenVariantEntry(
            "sends-private-key", role: .agent, breaks: ["EACP-ENROLL-002"], caughtBy: ["agent.enroll.private-key-never-sent"],
            "Sends its private key as PEM in the enrollment request's host_name."),
        BrokenVariantEntry(
            "heartbeat-before-enrollment", role: .agent, breaks: ["EACP-ENROLL-001"], caughtBy: ["agent.enroll.enrolls-first"],
            "Sends an empty heartbeat before it enrolls."),
        BrokenVariantEntry(
            "opens-push-first", role: .agent, breaks: ["EACP-HEARTBEAT-001"], caughtBy: ["agent.heartbeat.first-then-push"],
            "Opens the push channel before its first heartbeat."),
        BrokenVariantEntry(
            "fixes-heartbeat-interval", role: .agent, breaks: ["EACP-HEARTBEAT-002"], caughtBy: ["agent.heartbeat.interval-honoured"],
            "Waits 1000 ms between heartbeats whatever interval the server sets."),
        BrokenVariantEntry(
            "omits-action-kinds", role: .agent, breaks: ["EACP-HEARTBEAT-003"], caughtBy: ["agent.heartbeat.sequence-and-contents"],
            "Lists no action kinds in its heartbeats."),
        BrokenVariantEntry(
            "prefixes-version", role: .agent, breaks: ["EACP-VERSION-001"], caughtBy: ["agent.heartbeat.sequence-and-contents"],
            "Reports its version as v1.4.0."),
        BrokenVariantEntry(
            "offers-tls13", role: .agent, breaks: ["EACP-TLS-004"], caughtBy: ["agent.tls.client-hello-offers-only-tls12"],
            "Offers TLS 1.3 besides TLS 1.2 in its ClientHello."),
        BrokenVariantEntry(
            "ignores-downgrade-flag", role: .agent, breaks: ["EACP-CONTENT-004"], caughtBy: ["agent.content.offer-table"],
            "Installs offered content of a lower revision without the downgrade flag."),
        BrokenVariantEntry(
            "installs-unverified-content", role: .agent, breaks: ["EACP-CONTENT-005"], caughtBy: ["agent.content.offer-table"],
            "Installs offered content without checking its size and SHA-256."),
        BrokenVariantEntry(
            "reports-content-early", role: .agent, breaks: ["EACP-CONTENT-006"], caughtBy: ["agent.content.offer-table"],
            "Reports offered content as in use before downloading it."),
    ]
}
