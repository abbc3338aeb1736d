/// Broken variants of limits, transport errors, the push channel, actions, events and uploads.
/// Each changes one behaviour at the spot named in its comment.
extension BrokenVariant {
    /// Accepts POST bodies up to the `maximum_body_bytes` setting, 4 MiB by default, on every path,
    /// instead of 1 MiB on every path but `uploads/chunk` (breaks EACP-LIMIT-001). Switched in
    /// `ServerRoutes.bodyLimit`.
    static let acceptsOversizedBody = BrokenVariant("accepts-oversized-body")
    /// Lets the transport respond in plain text to the errors it finds before a handler runs, not with an
    /// `ErrorReply` (breaks EACP-LIMIT-001, EACP-LIMIT-006, EACP-PUSH-002 and EACP-TRANSPORT-005).
    /// Switched in `ServerRoutes.makeRouter`.
    static let plainTextTransportErrors = BrokenVariant("plain-text-transport-errors")
    /// Keeps the transport's default head limit of 72 KiB instead of 16384 bytes (breaks
    /// EACP-LIMIT-006). Switched in `ReferenceServer.init`.
    static let acceptsLargeHeaderSection = BrokenVariant("accepts-large-header-section")
    /// Closes the push channel with 1008 when an agent's message has no direction or payload that the
    /// server recognizes, instead of ignoring it (breaks EACP-PUSH-005). Switched in `PushChannelSession.handle`.
    static let closesOnUnknownPushMessage = BrokenVariant("closes-on-unknown-push-message")
    /// Stores an `ActionResult` whose detail is above 4096 bytes, cut to its first 4096 bytes, instead of
    /// rejecting it with BAD_REQUEST (breaks EACP-LIMIT-005). Switched in `ActionDelivery.validate`.
    static let truncatesLongResultDetail = BrokenVariant("truncates-long-result-detail")
    /// Checks a chunk whose `chunk_sha256` is not 32 bytes against the chunk's digest, so it gets 422
    /// HASH_MISMATCH instead of 400 BAD_REQUEST (breaks EACP-LIMIT-008). Switched in `UploadHandler.validate`.
    static let acceptsShortChunkDigest = BrokenVariant("accepts-short-chunk-digest")
    /// Sends 429 and 503 responses without a Retry-After header, though their `ErrorReply` still carries
    /// `retry_after_ms` (breaks EACP-ERROR-005). Switched in `ProtocolFailure.response`.
    static let omitsRetryAfter = BrokenVariant("omits-retry-after")
    /// Puts up to 100 pending actions in a heartbeat reply whatever their size, so the reply may exceed
    /// 1 MiB (breaks EACP-LIMIT-003). Switched in `ActionDelivery.heartbeatPending`.
    static let ignoresReplySizeLimit = BrokenVariant("ignores-reply-size-limit")
    /// Forwards the administrator's `TerminalData` with the administrator's own sequence numbers
    /// instead of numbering the frames from 1 (breaks EACP-TERMINAL-002). Switched in
    /// `TerminalRelay.forwardInput`.
    static let keepsAdministratorSequence = BrokenVariant("keeps-administrator-sequence")
    /// Closes the push channel with 1008 when the agent sends a terminal frame for a session the server
    /// does not have, instead of ignoring it (breaks EACP-TERMINAL-008). Switched in `TerminalRelay.agentFrame`.
    static let closesOnUnknownTerminalSession = BrokenVariant("closes-on-unknown-terminal-session")
}
