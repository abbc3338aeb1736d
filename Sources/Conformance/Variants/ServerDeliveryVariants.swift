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
    ]
}
