import EACPProtocol
import EACPTransport

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

    // Security events, status reports and agent logs, all switched in `TelemetryHandlers`.

    /// Stores a batch that repeats an `event_id` instead of rejecting it with BAD_REQUEST (breaks
    /// EACP-EVENT-008).
    static let acceptsRepeatedEventIDs = BrokenVariant("accepts-repeated-event-ids")
    /// Leaves rejected events out of the `SecurityEventAck` (breaks EACP-EVENT-007).
    static let omitsRejectedEvents = BrokenVariant("omits-rejected-events")
    /// Lists an event whose id is already stored under `rejected` instead of `stored_event_ids` (breaks
    /// EACP-EVENT-006).
    static let rejectsStoredEvents = BrokenVariant("rejects-stored-events")
    /// Stores an event whose `observed_unix_ms` is 0 (breaks EACP-EVENT-009).
    static let acceptsUnobservedEvents = BrokenVariant("accepts-unobserved-events")
    /// Accepts a status report whose `sequence_number` is 0 (breaks EACP-STATUS-005).
    static let acceptsStatusZero = BrokenVariant("accepts-status-zero")
    /// Stores every status report and acknowledges its own number, even one below the stored one (breaks
    /// EACP-STATUS-003).
    static let storesOlderStatus = BrokenVariant("stores-older-status")
    /// Accepts a log batch whose sequence numbers do not ascend (breaks EACP-LOG-007).
    static let acceptsUnorderedLogs = BrokenVariant("accepts-unordered-logs")
    /// Stores a log record whose message is above 4096 bytes, cut to 4096, instead of rejecting the batch
    /// with BAD_REQUEST (breaks EACP-LIMIT-005).
    static let truncatesLongLogMessage = BrokenVariant("truncates-long-log-message")
    /// Accepts status reports whose component or property strings break their length limits (breaks
    /// EACP-LIMIT-005).
    static let acceptsLongStatusFields = BrokenVariant("accepts-long-status-fields")
    /// Accepts an `UploadReference` whose `total_sha256` is not 32 bytes in an ActionResult (breaks
    /// EACP-LIMIT-008). Switched in `ActionDelivery.validate`.
    static let acceptsShortReferenceDigest = BrokenVariant("accepts-short-reference-digest")
    /// Leaves the last byte out of a package served whole with 200 (breaks EACP-TRANSPORT-012). Switched in
    /// `DownloadHandlers.serve`.
    static let dropsLastPackageByte = BrokenVariant("drops-last-package-byte")
    /// Lets an administrator cancel an action that was already sent (breaks EACP-ACTION-003). Switched in
    /// `ActionDelivery.cancel` through `cancelAnyway`.
    static let cancelsSentActions = BrokenVariant("cancels-sent-actions")

    /// Ends `record` as cancelled whatever its state, for `cancels-sent-actions`.
    static func cancelAnyway(_ record: ActionRecord, outcome: ActionOutcome, context: ServerContext) throws(ProtocolFailure) {
        _ = try context.stored("cancel action") { () throws(ServerStoreError) in
            try context.store.updateAction(
                id: record.action.actionID, expectedStates: [record.state], update: ActionUpdate(state: .finished, outcome: outcome))
        }
    }

    /// Acknowledges a log batch with its own last number instead of the highest stored one (breaks
    /// EACP-LOG-006).
    static let acksBatchHighestLog = BrokenVariant("acks-batch-highest-log")

    /// Moves `eventIDs` from `stored_event_ids` to `rejected`, for `rejects-stored-events`.
    static func moveToRejected(_ eventIDs: [String], in ack: inout SecurityEventAck) {
        ack.storedEventIds.removeAll { eventIDs.contains($0) }
        for eventID in eventIDs {
            var rejected = RejectedSecurityEvent()
            rejected.eventId = eventID
            rejected.code = .badRequest
            rejected.message = "already stored"
            ack.rejected.append(rejected)
        }
    }

    // Actions, uploads, the push channel and transport errors.

    /// Takes acks and results for actions of other agents (breaks EACP-ACTION-015). Switched in
    /// `ActionDelivery.ownedAction`.
    static let acceptsOtherAgentsActions = BrokenVariant("accepts-other-agents-actions")
    /// Replaces the stored outcome of a finished action with a later result (breaks EACP-ACTION-005).
    /// Switched in `ActionDelivery.recordResult`.
    static let replacesStoredResult = BrokenVariant("replaces-stored-result")
    /// Accepts a result whose kind differs from the action's (breaks EACP-ACTION-016). Switched in
    /// `ActionDelivery.validate`.
    static let acceptsResultOfOtherKind = BrokenVariant("accepts-result-of-other-kind")
    /// Delivers queued actions whose expiry passed in heartbeat replies (breaks EACP-ACTION-004). Switched
    /// in `ActionDelivery.heartbeatPending`.
    static let deliversExpiredActions = BrokenVariant("delivers-expired-actions")
    /// Lists heartbeat reply actions newest first (breaks EACP-ACTION-009). Switched in
    /// `ActionDelivery.heartbeatPending`.
    static let reversesHeartbeatActions = BrokenVariant("reverses-heartbeat-actions")
    /// Pushes the oldest queued action while an earlier pushed one still waits for its ack (breaks
    /// EACP-ACTION-007). Switched in `ActionDelivery.pushQueued`.
    static let pushesBeforeAck = BrokenVariant("pushes-before-ack")
    /// Sends the receipt of an ActionResult with subject ACK (breaks EACP-ACTION-014). Switched in
    /// `ActionReplyHandlers.result`.
    static let receiptNamesAck = BrokenVariant("receipt-names-ack")
    /// Appends a chunk whose bytes do not match `chunk_sha256` (breaks EACP-UPLOAD-003). Switched in
    /// `UploadHandler.validate`.
    static let acceptsWrongChunkHash = BrokenVariant("accepts-wrong-chunk-hash")
    /// Keeps the stored bytes of an upload whose whole SHA-256 does not match (breaks EACP-UPLOAD-005).
    /// Switched in `UploadHandler.store`.
    static let keepsMismatchedUpload = BrokenVariant("keeps-mismatched-upload")
    /// Leaves an agent's older push channel open when it opens a new one (breaks EACP-PUSH-010). Switched
    /// in `PushChannelSession.run`.
    static let keepsOlderPushChannel = BrokenVariant("keeps-older-push-channel")
    /// Decodes a POST body whatever its Content-Type (breaks EACP-TRANSPORT-006). Switched in
    /// `ServerRequest.decodeBody`.
    static let acceptsAnyMediaType = BrokenVariant("accepts-any-media-type")
    /// Sends 405 under /eacp/v1/ without an Allow header (breaks EACP-TRANSPORT-007). Switched in
    /// `ServerRoutes.missResponse`.
    static let omitsAllowHeader = BrokenVariant("omits-allow-header")

    /// Stores `result` as the outcome of the finished action `record`, for `replaces-stored-result`.
    static func replaceOutcome(of record: ActionRecord, with result: ActionResult, context: ServerContext)
        throws(ProtocolFailure)
    {
        let outcome = ActionOutcome(
            terminalState: result.state.rawValue, errorCode: result.errorCode.rawValue, detail: result.detail,
            result: result.wireBytes(), finishedUnixMs: context.now)
        _ = try context.stored("replace outcome") { () throws(ServerStoreError) in
            try context.store.updateAction(
                id: record.action.actionID, expectedStates: [record.state], update: ActionUpdate(state: record.state, outcome: outcome))
        }
    }

    /// Sends every `ErrorReply` with an empty message (breaks EACP-ERROR-003). Switched in
    /// `ProtocolFailure.response`.
    static let emptyErrorMessage = BrokenVariant("empty-error-message")
    /// Sends NOT_FOUND with status 400 instead of 404 (breaks EACP-ERROR-001). Switched in
    /// `ProtocolFailure.status`.
    static let notFoundAsBadRequest = BrokenVariant("not-found-as-bad-request")
    /// Sends success responses without `Content-Type: application/x-protobuf` (breaks
    /// EACP-TRANSPORT-004). Switched in `ServerResponse.message`.
    static let omitsSuccessContentType = BrokenVariant("omits-success-content-type")
    /// Closes the push channel with 1008 instead of 1007 when a message does not decode (breaks
    /// EACP-PUSH-004 and EACP-ERROR-002). Switched in `PushChannelSession.handle`.
    static let closesUndecodableWith1008 = BrokenVariant("closes-undecodable-with-1008")
    /// Serves the whole package with 200 for a request with a Range header (breaks EACP-TRANSPORT-013).
    /// Switched in `DownloadHandlers.serve`.
    static let ignoresRangeHeader = BrokenVariant("ignores-range-header")
    /// Numbers each agent's actions from 2 instead of 1 (breaks EACP-ACTION-001). Switched in
    /// `ActionEnvelopes.envelope`.
    static let numbersActionsFromTwo = BrokenVariant("numbers-actions-from-two")
    /// Gives an action sent before a later `created_unix_ms` in heartbeat replies, so its envelope
    /// differs between deliveries (breaks EACP-ACTION-002). Switched in `ActionDelivery.heartbeatPending`.
    static let changesRedeliveredEnvelope = BrokenVariant("changes-redelivered-envelope")
    /// Returns the chunk's own offset as `next_offset` for a chunk at the wrong offset (breaks
    /// EACP-UPLOAD-004). Switched in `UploadHandler.handle` through `uploadReceipt`.
    static let resumesAtChunkOffset = BrokenVariant("resumes-at-chunk-offset")
    /// Says `complete` false in receipts for chunks of a complete upload (breaks EACP-UPLOAD-006).
    /// Switched in `UploadHandler.handle` through `uploadReceipt`.
    static let reopensCompleteUpload = BrokenVariant("reopens-complete-upload")
    /// Keeps relaying a terminal session after the agent's `TerminalClose` (breaks EACP-TERMINAL-004).
    /// Switched in `TerminalRelay.agentFrame`.
    static let forwardsAfterAgentClose = BrokenVariant("forwards-after-agent-close")

    /// Returns `receipt`, the response to a chunk that stores nothing, as the upload variants change it.
    static func uploadReceipt(_ receipt: UploadReceipt, for chunk: UploadChunk) -> UploadReceipt {
        var changed = receipt
        if isActive(.resumesAtChunkOffset) && !receipt.complete && !chunk.chunk.isEmpty { changed.nextOffset = chunk.offset }
        if isActive(.reopensCompleteUpload) && receipt.complete { changed.complete = false }
        return changed
    }

    /// Puts a pushed action whose ack timed out back in the queue, so it is pushed again (breaks
    /// EACP-ACTION-008). Switched in `ActionDelivery.ackTimedOut`.
    static let repushesAfterAckTimeout = BrokenVariant("repushes-after-ack-timeout")
    /// Returns the existing upload's receipt for a chunk whose upload id the agent used with another
    /// action, instead of 400 (breaks EACP-UPLOAD-008). Switched in `UploadHandler.handle`.
    static let resumesReusedUploadID = BrokenVariant("resumes-reused-upload-id")
    /// Stores the events of a batch before checking that their ids differ, so a batch rejected with
    /// 400 leaves its events stored (breaks EACP-ERROR-009 and EACP-EVENT-008). Switched in
    /// `TelemetryHandlers.events`.
    static let storesRejectedBatch = BrokenVariant("stores-rejected-batch")
}

extension BrokenVariant {
    /// Reads push messages of up to 4 MiB instead of closing with 1009 above 1 MiB (breaks EACP-PUSH-004 and
    /// EACP-ERROR-002). Switched in `ServerRoutes.addAgentRoutes`.
    static let acceptsOversizedPushMessage = BrokenVariant("accepts-oversized-push-message")
    /// Serves HTTP without TLS on the same port to a client whose first byte does not start a TLS
    /// record (breaks EACP-TRANSPORT-002). Switched in `ReferenceServer.init`.
    static let servesPlaintext = BrokenVariant("serves-plaintext")

    /// Returns the security layer of a new connection: `tls`, or for `serves-plaintext` a layer that
    /// falls back to plain text.
    static func connectionSecurity(_ tls: any StreamSecurity) -> any StreamSecurity {
        isActive(.servesPlaintext) ? PlaintextFallbackStream(tls: tls) : tls
    }
}

/// A security layer that picks TLS or plain text from the first byte the client sends: 0x16, the
/// TLS handshake record type, keeps TLS. Only the `serves-plaintext` variant uses it.
final class PlaintextFallbackStream: StreamSecurity {
    private let tls: any StreamSecurity
    private var active: (any StreamSecurity)?

    init(tls: any StreamSecurity) { self.tls = tls }

    func receiveInbound(_ bytes: UnsafeRawBufferPointer) {
        if active == nil, let first = bytes.first {
            active = first == 0x16 ? tls : PlaintextStream()
        }
        active?.receiveInbound(bytes)
    }

    func advanceHandshake() throws -> Bool { try active?.advanceHandshake() ?? false }

    func readApplicationData(into buffer: inout [UInt8], maximumCount: Int) throws -> StreamReadResult {
        try active?.readApplicationData(into: &buffer, maximumCount: maximumCount) ?? .needsMoreInput
    }

    func writeApplicationData(_ bytes: UnsafeRawBufferPointer) throws { try (active ?? tls).writeApplicationData(bytes) }

    func takeOutbound() -> [UInt8] { active?.takeOutbound() ?? [] }

    func closeOutbound() { (active ?? tls).closeOutbound() }

    var peerCertificate: PeerCertificate? { active?.peerCertificate }
}

extension TelemetryHandlers {
    /// Stores every event of `batch` as it is, for `stores-rejected-batch`.
    func storeBeforeChecks(_ batch: SecurityEventBatch, agentID: String) throws(ProtocolFailure) {
        let now = context.now
        let records = batch.events.map { event in
            SecurityEventRecord(
                agentID: agentID, eventID: event.eventId, observedUnixMs: event.observedUnixMs, receivedUnixMs: now,
                eventType: event.eventType, severity: event.severity.rawValue, encoded: event.wireBytes())
        }
        _ = try context.stored("store events") { () throws(ServerStoreError) in try context.store.storeEvents(records) }
    }
}
