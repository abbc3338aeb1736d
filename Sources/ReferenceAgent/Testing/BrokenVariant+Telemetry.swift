import EACPProtocol
import EACPTransport
import Synchronization

extension BrokenVariant {
    /// Empties the security event queue when the agent starts (breaks EACP-EVENT-001).
    static let clearsEventQueueOnStart = BrokenVariant("clears-event-queue-on-start")
    /// Removes events from the queue when it sends them, before any acknowledgement (breaks
    /// EACP-EVENT-004 and EACP-ERROR-012).
    static let removesEventsWhenSent = BrokenVariant("removes-events-when-sent")
    /// Sends a status report every half interval (breaks EACP-STATUS-001).
    static let statusTwicePerInterval = BrokenVariant("status-twice-per-interval")
    /// Gives every status report after the first the same sequence number (breaks EACP-STATUS-002).
    static let repeatsStatusSequence = BrokenVariant("repeats-status-sequence")
    /// Keeps every status report whose request failed and sends them all after the next success,
    /// oldest first (breaks EACP-STATUS-002).
    static let sendsStatusBacklog = BrokenVariant("sends-status-backlog")
    /// Puts the events of each batch newest first (breaks EACP-EVENT-003).
    static let sendsEventsNewestFirst = BrokenVariant("sends-events-newest-first")
    /// Keeps a rejected event in the queue, so it is sent again (breaks EACP-EVENT-010).
    static let keepsRejectedEvents = BrokenVariant("keeps-rejected-events")
    /// Retries a failed events request after its own backoff alone, below a longer Retry-After
    /// (breaks EACP-ERROR-006).
    static let ignoresRetryAfter = BrokenVariant("ignores-retry-after")
    /// Reopens the push channel after its own backoff alone, before the `retry_after_ms` of the
    /// server's error payload has passed (breaks EACP-ERROR-006).
    static let ignoresPushRetryAfter = BrokenVariant("ignores-push-retry-after")
    /// Sends a request again to the Location of a 3xx response (breaks EACP-TRANSPORT-008).
    static let followsRedirects = BrokenVariant("follows-redirects")
    /// Removes the events of a batch whose 200 reply does not decode, as if they were stored (breaks
    /// EACP-ERROR-013).
    static let trustsUndecodableEventReplies = BrokenVariant("trusts-undecodable-event-replies")
    /// Removes the events of a request whose connection closed before the response, as if they
    /// were stored (breaks EACP-ERROR-011).
    static let dropsEventsWithoutResponse = BrokenVariant("drops-events-without-response")
    /// Puts up to 1000 events in one batch, above the limit of 500 (breaks EACP-LIMIT-002).
    static let sendsOversizedEventBatches = BrokenVariant("sends-oversized-event-batches")
    /// Takes a content offer's SHA-256 of any length, so it downloads for a 31-byte digest (breaks
    /// EACP-LIMIT-008).
    static let acceptsShortContentDigest = BrokenVariant("accepts-short-content-digest")
    /// Reads reply bodies up to 4 MiB instead of 1 MiB (breaks EACP-LIMIT-007).
    static let readsOversizedReplies = BrokenVariant("reads-oversized-replies")
    /// Labels every POST body `application/octet-stream` (breaks EACP-TRANSPORT-003).
    static let labelsBodiesOctetStream = BrokenVariant("labels-bodies-octet-stream")
    /// Uploads DEBUG log records while the log level is INFO (breaks EACP-LOG-001).
    static let uploadsDebugRecords = BrokenVariant("uploads-debug-records")
    /// Keeps the queued log records when a reply turns collection off, and sends them once it is on
    /// again (breaks EACP-LOG-002).
    static let keepsLogQueueWhenDisabled = BrokenVariant("keeps-log-queue-when-disabled")
    /// Removes every record of an acknowledged log batch, also those above `stored_sequence_number`
    /// (breaks EACP-LOG-005).
    static let removesWholeLogBatch = BrokenVariant("removes-whole-log-batch")
    /// Sends upload chunks of 4190209 bytes, one above the limit (breaks EACP-UPLOAD-001).
    static let sendsOversizedChunks = BrokenVariant("sends-oversized-chunks")
    /// Leaves `action_id` empty in every upload chunk after the first (breaks EACP-UPLOAD-002).
    static let dropsActionIDAfterFirstChunk = BrokenVariant("drops-action-id-after-first-chunk")
    /// Sends a failed chunk again at its own offset without asking for the resume point (breaks
    /// EACP-UPLOAD-007).
    static let retriesChunkWithoutResumePoint = BrokenVariant("retries-chunk-without-resume-point")
    /// Counts an upload as done once its last chunk got any receipt, complete or not (breaks
    /// EACP-UPLOAD-011).
    static let reportsUnconfirmedUpload = BrokenVariant("reports-unconfirmed-upload")
}

extension ServerLink {
    /// The Content-Type of POST bodies; only the `labels-bodies-octet-stream` variant changes it.
    static var postContentType: String {
        BrokenVariant.isActive(.labelsBodiesOctetStream) ? "application/octet-stream" : "application/x-protobuf"
    }

    /// Returns the Location path that the `follows-redirects` variant sends the request to again, or nil.
    static func redirectToFollow(_ response: HTTPResponse) -> String? {
        guard BrokenVariant.isActive(.followsRedirects), (300..<400).contains(response.status.code),
            let location = response.headers.first(name: "Location"), location.hasPrefix("/")
        else { return nil }
        return location
    }
}

extension Upload {
    /// Returns whether the `reports-unconfirmed-upload` variant takes any receipt for the last chunk
    /// as completion, with `complete` true or not.
    func reportsUnconfirmed(sent: UInt64, size: UInt64) -> Bool {
        BrokenVariant.isActive(.reportsUnconfirmedUpload) && sent == size
    }
}

extension Agent {
    /// Removes every queued security event when the `clears-event-queue-on-start` variant is active.
    func clearEventQueueIfBroken() {
        guard BrokenVariant.isActive(.clearsEventQueueOnStart), let queued = try? store.peekEvents(limit: 100_000) else { return }
        _ = try? store.removeEvents(eventIDs: queued.map(\.eventID))
    }
}

extension Agent {
    /// Status reports whose request failed, kept only by the `sends-status-backlog` variant.
    private static let statusBacklog = Mutex<[StatusReport]>([])

    func keepInStatusBacklogIfBroken(_ report: StatusReport) {
        guard BrokenVariant.isActive(.sendsStatusBacklog) else { return }
        Self.statusBacklog.withLock { $0.append(report) }
    }

    /// Sends the kept reports, oldest first, when the `sends-status-backlog` variant is active.
    func sendStatusBacklogIfBroken() async {
        let backlog = Self.statusBacklog.withLock { backlog in
            defer { backlog = [] }
            return backlog
        }
        for report in backlog {
            let _: StatusReportAck? = try? await link.post("status", report)
        }
    }
}
