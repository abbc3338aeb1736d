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
        BrokenVariantEntry(
            "closes-on-unknown-push-message", role: .server, breaks: ["EACP-PUSH-005"],
            caughtBy: ["server.push.ignores-unknown-members"],
            "closes the push channel with 1008 on a message without a known direction or payload"),
        BrokenVariantEntry(
            "truncates-long-result-detail", role: .server, breaks: ["EACP-LIMIT-005"],
            caughtBy: ["server.limits.field-too-long"],
            "stores an ActionResult whose detail is above 4096 bytes, cut to 4096, instead of rejecting it"),
        BrokenVariantEntry(
            "accepts-long-heartbeat-fields", role: .server, breaks: ["EACP-LIMIT-005"],
            caughtBy: ["server.limits.field-too-long"],
            "records heartbeats whose features, push channel error, proxy host or upgrade detail are past their limits"),
        BrokenVariantEntry(
            "accepts-short-chunk-digest", role: .server, breaks: ["EACP-LIMIT-008"],
            caughtBy: ["server.limits.exact-size-digests"],
            "compares a chunk_sha256 that is not 32 bytes with the digest and returns 422 instead of 400"),
        BrokenVariantEntry(
            "omits-retry-after", role: .server, breaks: ["EACP-ERROR-005"],
            caughtBy: ["server.errors.retry-after"],
            "sends 429 and 503 without a Retry-After header"),
        BrokenVariantEntry(
            "ignores-reply-size-limit", role: .server, breaks: ["EACP-LIMIT-003"],
            caughtBy: ["server.limits.heartbeat-reply-size"],
            "puts every pending action in a heartbeat reply, so the reply grows past 1 MiB"),
        BrokenVariantEntry(
            "keeps-administrator-sequence", role: .server, breaks: ["EACP-TERMINAL-002"],
            caughtBy: ["server.terminal.relay"],
            "forwards terminal input with the administrator's sequence numbers instead of numbering it from 1"),
        BrokenVariantEntry(
            "closes-on-unknown-terminal-session", role: .server, breaks: ["EACP-TERMINAL-008"],
            caughtBy: ["server.terminal.relay"],
            "closes the push channel with 1008 on a terminal frame for a session it does not have"),
        BrokenVariantEntry(
            "accepts-repeated-event-ids", role: .server, breaks: ["EACP-EVENT-008"],
            caughtBy: ["server.events.rejects-invalid-batch"],
            "stores a security event batch in which two events share an event_id"),
        BrokenVariantEntry(
            "omits-rejected-events", role: .server, breaks: ["EACP-EVENT-007"],
            caughtBy: ["server.events.deduplicated"],
            "leaves rejected events out of the SecurityEventAck"),
        BrokenVariantEntry(
            "rejects-stored-events", role: .server, breaks: ["EACP-EVENT-006"],
            caughtBy: ["server.events.deduplicated"],
            "lists an event whose id it already stored under rejected instead of stored_event_ids"),
        BrokenVariantEntry(
            "accepts-unobserved-events", role: .server, breaks: ["EACP-EVENT-009"],
            caughtBy: ["server.events.deduplicated"],
            "stores a security event whose observed_unix_ms is 0"),
        BrokenVariantEntry(
            "accepts-status-zero", role: .server, breaks: ["EACP-STATUS-005"],
            caughtBy: ["server.status.latest-wins"],
            "accepts a status report whose sequence_number is 0"),
        BrokenVariantEntry(
            "stores-older-status", role: .server, breaks: ["EACP-STATUS-003"],
            caughtBy: ["server.status.latest-wins"],
            "stores a status report below the stored one and acknowledges its number"),
        BrokenVariantEntry(
            "accepts-unordered-logs", role: .server, breaks: ["EACP-LOG-007"],
            caughtBy: ["server.logs.store-once-reject-invalid"],
            "stores a log batch whose sequence numbers do not ascend"),
        BrokenVariantEntry(
            "acks-batch-highest-log", role: .server, breaks: ["EACP-LOG-006"],
            caughtBy: ["server.logs.older-batch-keeps-highest"],
            "acknowledges a log batch with its own last number, not the highest stored"),
        BrokenVariantEntry(
            "accepts-other-agents-actions", role: .server, breaks: ["EACP-ACTION-015"],
            caughtBy: ["server.auth.identity-from-certificate"],
            "takes an ActionResult for an action of another agent"),
        BrokenVariantEntry(
            "replaces-stored-result", role: .server, breaks: ["EACP-ACTION-005"],
            caughtBy: ["server.actions.result-receipts"],
            "replaces the outcome of a finished action with a later result"),
        BrokenVariantEntry(
            "accepts-result-of-other-kind", role: .server, breaks: ["EACP-ACTION-016"],
            caughtBy: ["server.actions.rejects-invalid-result"],
            "accepts an ActionResult whose kind differs from the action's"),
        BrokenVariantEntry(
            "delivers-expired-actions", role: .server, breaks: ["EACP-ACTION-004"],
            caughtBy: ["server.actions.expired-not-delivered"],
            "delivers a queued action whose expiry passed in a heartbeat reply"),
        BrokenVariantEntry(
            "reverses-heartbeat-actions", role: .server, breaks: ["EACP-ACTION-009"],
            caughtBy: ["server.actions.heartbeat-order"],
            "lists the actions of a heartbeat reply newest first"),
        BrokenVariantEntry(
            "pushes-before-ack", role: .server, breaks: ["EACP-ACTION-007"],
            caughtBy: ["server.actions.push-order"],
            "pushes the next action while an earlier pushed one waits for its ActionAck"),
        BrokenVariantEntry(
            "receipt-names-ack", role: .server, breaks: ["EACP-ACTION-014"],
            caughtBy: ["server.actions.result-receipts"],
            "answers an ActionResult with a receipt whose subject is ACK"),
        BrokenVariantEntry(
            "accepts-wrong-chunk-hash", role: .server, breaks: ["EACP-UPLOAD-003"],
            caughtBy: ["server.uploads.append-resume-complete"],
            "stores an upload chunk whose bytes do not match chunk_sha256"),
        BrokenVariantEntry(
            "keeps-mismatched-upload", role: .server, breaks: ["EACP-UPLOAD-005"],
            caughtBy: ["server.uploads.total-hash-mismatch-discards"],
            "keeps the bytes of an upload whose whole SHA-256 does not match"),
        BrokenVariantEntry(
            "keeps-older-push-channel", role: .server, breaks: ["EACP-PUSH-010"],
            caughtBy: ["server.push.second-channel-replaces-first"],
            "leaves an agent's older push channel open when it opens a new one"),
        BrokenVariantEntry(
            "accepts-any-media-type", role: .server, breaks: ["EACP-TRANSPORT-006"],
            caughtBy: ["server.transport.error-statuses"],
            "decodes a POST body whatever its Content-Type"),
        BrokenVariantEntry(
            "omits-allow-header", role: .server, breaks: ["EACP-TRANSPORT-007"],
            caughtBy: ["server.transport.error-statuses"],
            "sends 405 under /eacp/v1/ without an Allow header"),
        BrokenVariantEntry(
            "empty-error-message", role: .server, breaks: ["EACP-ERROR-003"],
            caughtBy: ["server.enroll.rejects-invalid-request"],
            "sends every ErrorReply with an empty message"),
        BrokenVariantEntry(
            "not-found-as-bad-request", role: .server, breaks: ["EACP-ERROR-001"],
            caughtBy: ["server.transport.error-statuses"],
            "sends NOT_FOUND with status 400 instead of 404"),
        BrokenVariantEntry(
            "omits-success-content-type", role: .server, breaks: ["EACP-TRANSPORT-004"],
            caughtBy: ["server.transport.success-responses"],
            "sends success responses without Content-Type application/x-protobuf"),
        BrokenVariantEntry(
            "closes-undecodable-with-1008", role: .server, breaks: ["EACP-PUSH-004", "EACP-ERROR-002"],
            caughtBy: ["server.push.closes-on-bad-message"],
            "closes the push channel with 1008 instead of 1007 when a message does not decode"),
        BrokenVariantEntry(
            "ignores-range-header", role: .server, breaks: ["EACP-TRANSPORT-013"],
            caughtBy: ["server.content.offer-table"],
            "serves the whole package with 200 for a GET with a Range header"),
        BrokenVariantEntry(
            "numbers-actions-from-two", role: .server, breaks: ["EACP-ACTION-001"],
            caughtBy: ["server.actions.heartbeat-order"],
            "numbers each agent's actions from 2 instead of 1"),
        BrokenVariantEntry(
            "changes-redelivered-envelope", role: .server, breaks: ["EACP-ACTION-002"],
            caughtBy: ["server.actions.push-closed-goes-to-heartbeat"],
            "gives a pushed action another created_unix_ms when a heartbeat reply carries it"),
        BrokenVariantEntry(
            "resumes-at-chunk-offset", role: .server, breaks: ["EACP-UPLOAD-004"],
            caughtBy: ["server.uploads.append-resume-complete"],
            "returns a misplaced chunk's own offset as next_offset instead of the stored length"),
        BrokenVariantEntry(
            "reopens-complete-upload", role: .server, breaks: ["EACP-UPLOAD-006"],
            caughtBy: ["server.uploads.append-resume-complete"],
            "says complete false for chunks of a complete upload"),
        BrokenVariantEntry(
            "forwards-after-agent-close", role: .server, breaks: ["EACP-TERMINAL-004"],
            caughtBy: ["server.terminal.relay"],
            "keeps relaying administrator input after the agent's TerminalClose"),
        BrokenVariantEntry(
            "repushes-after-ack-timeout", role: .server, breaks: ["EACP-ACTION-008"],
            caughtBy: ["server.actions.unacked-push-goes-to-heartbeat"],
            "pushes an action again after its ack timed out instead of leaving it to the heartbeat path"),
        BrokenVariantEntry(
            "resumes-reused-upload-id", role: .server, breaks: ["EACP-UPLOAD-008"],
            caughtBy: ["server.uploads.unknown-or-other-action"],
            "answers a chunk whose upload id belongs to another action with that upload's receipt"),
        BrokenVariantEntry(
            "stores-rejected-batch", role: .server, breaks: ["EACP-ERROR-009", "EACP-EVENT-008"],
            caughtBy: ["server.events.rejects-invalid-batch"],
            "stores the events of a batch it answers with 400 for a repeated event id"),
        BrokenVariantEntry(
            "serves-plaintext", role: .server, breaks: ["EACP-TRANSPORT-002"],
            caughtBy: ["server.transport.tls-only"],
            "serves HTTP without TLS on the same port to a client that does not start a TLS handshake"),
        BrokenVariantEntry(
            "accepts-oversized-push-message", role: .server, breaks: ["EACP-PUSH-004", "EACP-ERROR-002"],
            caughtBy: ["server.push.closes-on-oversized-message"],
            "reads push messages of up to 4 MiB instead of closing with 1009 above 1 MiB"),
        BrokenVariantEntry(
            "truncates-long-log-message", role: .server, breaks: ["EACP-LIMIT-005"],
            caughtBy: ["server.limits.field-too-long"],
            "stores a log record whose message is above 4096 bytes, cut to 4096, instead of rejecting the batch"),
        BrokenVariantEntry(
            "accepts-long-status-fields", role: .server, breaks: ["EACP-LIMIT-005"],
            caughtBy: ["server.limits.field-too-long"],
            "stores a status report whose property value is above 4096 bytes"),
        BrokenVariantEntry(
            "accepts-short-reference-digest", role: .server, breaks: ["EACP-LIMIT-008"],
            caughtBy: ["server.limits.exact-size-digests"],
            "accepts an ActionResult whose upload reference has a total_sha256 of 31 bytes"),
        BrokenVariantEntry(
            "drops-last-package-byte", role: .server, breaks: ["EACP-TRANSPORT-012"],
            caughtBy: ["server.content.offer-table"],
            "leaves the last byte out of a package served whole"),
        BrokenVariantEntry(
            "cancels-sent-actions", role: .server, breaks: ["EACP-ACTION-003"],
            caughtBy: ["server.actions.cancel-only-queued"],
            "lets an administrator cancel an action that the agent already acknowledged"),
    ]
}
