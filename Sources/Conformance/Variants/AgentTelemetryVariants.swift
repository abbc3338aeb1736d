extension BrokenVariantCatalog {
    /// Agent variants for security events, status reports, logs, uploads, errors and limits.
    static let agentTelemetry: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "holds-events-for-heartbeat", role: .agent, breaks: ["EACP-EVENT-002"], caughtBy: ["agent.events.sent-at-once"],
            "sends a security event only after the next heartbeat was answered"),
        BrokenVariantEntry(
            "clears-event-queue-on-start", role: .agent, breaks: ["EACP-EVENT-001"], caughtBy: ["agent.events.kept-across-crash"],
            "empties its security event queue when it starts"),
        BrokenVariantEntry(
            "removes-events-when-sent", role: .agent, breaks: ["EACP-EVENT-004", "EACP-ERROR-012"],
            caughtBy: ["agent.events.kept-across-crash"],
            "removes security events from its queue when it sends them, before any acknowledgement"),
        BrokenVariantEntry(
            "status-twice-per-interval", role: .agent, breaks: ["EACP-STATUS-001"], caughtBy: ["agent.status.interval-honoured"],
            "sends a status report every half interval"),
        BrokenVariantEntry(
            "repeats-status-sequence", role: .agent, breaks: ["EACP-STATUS-002"], caughtBy: ["agent.status.interval-honoured"],
            "gives every status report after the first the same sequence number"),
        BrokenVariantEntry(
            "sends-status-backlog", role: .agent, breaks: ["EACP-STATUS-002"], caughtBy: ["agent.status.coalesced-after-failures"],
            "keeps every status report whose request failed and sends them all, oldest first, after the next success"),
        BrokenVariantEntry(
            "sends-events-newest-first", role: .agent, breaks: ["EACP-EVENT-003"], caughtBy: ["agent.events.one-request-in-flight"],
            "puts the events of each batch newest first"),
        BrokenVariantEntry(
            "keeps-rejected-events", role: .agent, breaks: ["EACP-EVENT-010"], caughtBy: ["agent.events.rejected-removed"],
            "keeps a rejected event in its queue and sends it again"),
        BrokenVariantEntry(
            "ignores-retry-after", role: .agent, breaks: ["EACP-ERROR-006"], caughtBy: ["agent.errors.retry-after-honoured"],
            "retries a failed events request after its own backoff, before a longer Retry-After has passed"),
        BrokenVariantEntry(
            "ignores-push-retry-after", role: .agent, breaks: ["EACP-ERROR-006"], caughtBy: ["agent.errors.push-retry-after-honoured"],
            "reopens the push channel before the retry_after_ms of the server's error payload has passed"),
        BrokenVariantEntry(
            "follows-redirects", role: .agent, breaks: ["EACP-TRANSPORT-008"], caughtBy: ["agent.transport.redirect-not-followed"],
            "sends a request again to the Location of a 3xx answer"),
        BrokenVariantEntry(
            "trusts-undecodable-event-replies", role: .agent, breaks: ["EACP-ERROR-013"],
            caughtBy: ["agent.errors.undecodable-reply-is-failure"],
            "removes the events of a batch whose 200 reply does not decode, as if they were stored"),
        BrokenVariantEntry(
            "drops-events-without-response", role: .agent, breaks: ["EACP-ERROR-011"], caughtBy: ["agent.errors.lost-response-resent"],
            "removes the events of a request whose connection closed before the response, as if they were stored"),
        BrokenVariantEntry(
            "sends-oversized-event-batches", role: .agent, breaks: ["EACP-LIMIT-002"], caughtBy: ["agent.limits.event-batches-split"],
            "puts up to 1000 security events in one batch, above the limit of 500"),
        BrokenVariantEntry(
            "accepts-short-content-digest", role: .agent, breaks: ["EACP-LIMIT-008"], caughtBy: ["agent.limits.short-digest-rejected"],
            "takes a content offer whose SHA-256 is 31 bytes long and downloads the package"),
        BrokenVariantEntry(
            "reads-oversized-replies", role: .agent, breaks: ["EACP-LIMIT-007"], caughtBy: ["agent.limits.oversized-reply-is-failure"],
            "reads and acts on reply bodies up to 4 MiB"),
        BrokenVariantEntry(
            "labels-bodies-octet-stream", role: .agent, breaks: ["EACP-TRANSPORT-003"], caughtBy: ["agent.transport.post-headers"],
            "labels every POST body application/octet-stream"),
        BrokenVariantEntry(
            "uploads-debug-records", role: .agent, breaks: ["EACP-LOG-001"], caughtBy: ["agent.logs.batches-numbered"],
            "uploads DEBUG log records while the log level is INFO"),
        BrokenVariantEntry(
            "keeps-log-queue-when-disabled", role: .agent, breaks: ["EACP-LOG-002"], caughtBy: ["agent.logs.collection-off"],
            "keeps its queued log records when collection goes off and sends them once it is on again"),
        BrokenVariantEntry(
            "removes-whole-log-batch", role: .agent, breaks: ["EACP-LOG-005"], caughtBy: ["agent.logs.batches-numbered"],
            "removes every record of an acknowledged log batch, also those above stored_sequence_number"),
        BrokenVariantEntry(
            "sends-oversized-chunks", role: .agent, breaks: ["EACP-UPLOAD-001"], caughtBy: ["agent.uploads.chunks-resumed"],
            "sends upload chunks of 4190209 bytes, one above the limit"),
        BrokenVariantEntry(
            "drops-action-id-after-first-chunk", role: .agent, breaks: ["EACP-UPLOAD-002"], caughtBy: ["agent.uploads.chunks-resumed"],
            "leaves action_id empty in every upload chunk after the first"),
        BrokenVariantEntry(
            "retries-chunk-without-resume-point", role: .agent, breaks: ["EACP-UPLOAD-007"], caughtBy: ["agent.uploads.chunks-resumed"],
            "sends a failed chunk again at its own offset without asking the server for the resume point"),
        BrokenVariantEntry(
            "reports-unconfirmed-upload", role: .agent, breaks: ["EACP-UPLOAD-011"], caughtBy: ["agent.uploads.chunks-resumed"],
            "lists an upload in its result once the last chunk got any receipt, complete or not"),
    ]
}
