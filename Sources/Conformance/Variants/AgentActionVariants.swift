extension BrokenVariantCatalog {
    /// Agent variants for action handling and the push channel.
    static let agentActions: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "runs-duplicate-twice", role: .agent, breaks: ["EACP-ACTION-011"],
            caughtBy: ["agent.actions.duplicate-runs-once"],
            "runs an action again when it is delivered a second time"),
        BrokenVariantEntry(
            "skips-action-ack", role: .agent, breaks: ["EACP-ACTION-010"],
            caughtBy: ["agent.actions.push-acknowledged-and-run"],
            "sends no ActionAck, only the result"),
        BrokenVariantEntry(
            "acks-over-http-only", role: .agent, breaks: ["EACP-ACTION-013"],
            caughtBy: ["agent.actions.push-acknowledged-and-run"],
            "sends every ActionAck over HTTP while the push channel is connected"),
        BrokenVariantEntry(
            "drops-unsent-results", role: .agent, breaks: ["EACP-ACTION-013"],
            caughtBy: ["agent.actions.result-sent-again"],
            "drops a result whose HTTP request failed instead of sending it again"),
        BrokenVariantEntry(
            "runs-expired-actions", role: .agent, breaks: ["EACP-ACTION-017"],
            caughtBy: ["agent.actions.expired-not-run"],
            "runs an action whose expiry has passed"),
        BrokenVariantEntry(
            "accepts-parameters-of-other-kind", role: .agent, breaks: ["EACP-ACTION-017"],
            caughtBy: ["agent.actions.invalid-parameters-rejected"],
            "accepts a parameters member that belongs to another kind, or none"),
        BrokenVariantEntry(
            "ignores-quarantine-hash", role: .agent, breaks: ["EACP-ACTION-021"],
            caughtBy: ["agent.actions.quarantine-checks"],
            "quarantines a file whatever its SHA-256"),
        BrokenVariantEntry(
            "ignores-not-before", role: .agent, breaks: ["EACP-ACTION-018"],
            caughtBy: ["agent.actions.not-before-honoured"],
            "starts an action as soon as it arrives, before its not-before time"),
        BrokenVariantEntry(
            "reports-unspecified-kind", role: .agent, breaks: ["EACP-ACTION-019"],
            caughtBy: ["agent.actions.push-acknowledged-and-run"],
            "reports every result with ACTION_KIND_UNSPECIFIED instead of the envelope's kind"),
        BrokenVariantEntry(
            "forgets-answered-actions", role: .agent, breaks: ["EACP-ACTION-020"],
            caughtBy: ["agent.actions.journal-kept-after-receipt"],
            "deletes an action from the journal once its result is acknowledged, before its expiry"),
        BrokenVariantEntry(
            "quarantine-leaves-file", role: .agent, breaks: ["EACP-ACTION-021"],
            caughtBy: ["agent.actions.push-acknowledged-and-run"],
            "copies a quarantined file instead of moving it, so it stays at its path"),
        BrokenVariantEntry(
            "restore-overwrites", role: .agent, breaks: ["EACP-ACTION-022"], caughtBy: ["agent.actions.restore-file"],
            "restores a file over whatever is at the destination"),
        BrokenVariantEntry(
            "ignores-process-start-time", role: .agent, breaks: ["EACP-ACTION-023"],
            caughtBy: ["agent.actions.terminate-process"],
            "terminates the process with the pid whatever its start time"),
        BrokenVariantEntry(
            "ignores-include-descendants", role: .agent, breaks: ["EACP-ACTION-023"],
            caughtBy: ["agent.actions.terminate-descendants"],
            "terminates only the named process when include_descendants is true"),
        BrokenVariantEntry(
            "ignores-max-total-bytes", role: .agent, breaks: ["EACP-ACTION-024"],
            caughtBy: ["agent.actions.retrieve-endpoint-files"],
            "uploads endpoint files whatever their total size"),
        BrokenVariantEntry(
            "fails-on-missing-event-data", role: .agent, breaks: ["EACP-ACTION-025"],
            caughtBy: ["agent.actions.retrieve-event-data"],
            "fails an event data retrieval when any listed event has no data"),
        BrokenVariantEntry(
            "support-file-has-token", role: .agent, breaks: ["EACP-ACTION-026"],
            caughtBy: ["agent.actions.retrieve-support-file"],
            "writes the enrollment token into the support file"),
        BrokenVariantEntry(
            "skips-performed-heartbeat", role: .agent, breaks: ["EACP-ACTION-027"],
            caughtBy: ["agent.actions.perform-heartbeat"],
            "succeeds at PERFORM_HEARTBEAT without sending a heartbeat"),
        BrokenVariantEntry(
            "reruns-interrupted-actions", role: .agent, breaks: ["EACP-ACTION-028"],
            caughtBy: ["agent.actions.interrupted-not-rerun"],
            "runs an action that a restart interrupted again when it is delivered again"),
        BrokenVariantEntry(
            "forgets-unstarted-actions", role: .agent, breaks: ["EACP-ACTION-019"],
            caughtBy: ["agent.actions.waiting-action-survives-restart"],
            "leaves an action that waited for its not-before time unstarted after a restart"),
        BrokenVariantEntry(
            "leaves-push-closed", role: .agent, breaks: ["EACP-PUSH-001"], caughtBy: ["agent.push.bad-messages-close"],
            "does not open the push channel again after it closes"),
        BrokenVariantEntry(
            "ignores-malformed-push", role: .agent, breaks: ["EACP-PUSH-004"],
            caughtBy: ["agent.push.bad-messages-close"],
            "ignores a push message that does not decode instead of closing with 1007"),
        BrokenVariantEntry(
            "ignores-missed-pongs", role: .agent, breaks: ["EACP-PUSH-006"],
            caughtBy: ["agent.push.half-open-reconnects"],
            "keeps a push channel open however many pongs are missed"),
        BrokenVariantEntry(
            "closes-on-unknown-push", role: .agent, breaks: ["EACP-PUSH-005"],
            caughtBy: ["agent.push.unknown-message-ignored"],
            "closes the push channel on a PushMessage with no direction it knows"),
        BrokenVariantEntry(
            "reports-half-open-connected", role: .agent, breaks: ["EACP-PUSH-011"],
            caughtBy: ["agent.push.heartbeat-reports-state"],
            "reports the push channel connected while its pings go unanswered"),
    ]
}
