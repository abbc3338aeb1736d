import EACPProtocol
import Foundation

extension Agent {
    /// The largest batch body the agent builds, below the protocol's 1 MiB request limit.
    static let maximumEventBatchBytes = 900_000

    /// Writes a security event to the durable queue and wakes the sender. Returns the event id.
    @discardableResult
    func recordEvent(
        type: String, severity: SecurityEventSeverity, body: [UInt8], mediaType: String = "application/json",
        eventID: String = "event-" + UUID().uuidString.lowercased(), data: String? = nil
    ) throws -> String {
        var event = SecurityEvent()
        event.eventId = eventID
        event.observedUnixMs = AgentClock.nowUnixMs()
        event.eventType = type
        event.severity = severity
        event.bodyMediaType = mediaType
        event.body = body
        let outcome = try store.enqueueEvent(eventID: eventID, encoded: event.wireBytes(), recordedUnixMs: event.observedUnixMs)
        // The event is durable first; its data moves only then, so a crash in between loses nothing.
        if let data {
            let folder = EventData.folder(options.stateDirectory)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if rename(data, folder + "/" + eventID) != 0 {
                try? FileManager.default.copyItem(atPath: data, toPath: folder + "/" + eventID)
                try? FileManager.default.removeItem(atPath: data)
            }
        }
        if case .dropped = outcome {
            log.warning("events", "event.dropped_queue_full", ["event": eventID])
        }
        eventWake.signal()
        return eventID
    }

    /// Sends queued events at once, oldest first, one request at a time; removes them only when the
    /// server acknowledged them, and backs off after failures.
    func eventLoop() async {
        clearEventQueueIfBroken()
        var failures = 0
        // A new event wakes the loop early, but no retry goes out before this time.
        var retryAtUnixMs: Int64 = 0
        while !Task.isCancelled {
            guard firstHeartbeat.withLock({ $0 }) else {
                await eventWake.wait(milliseconds: 500)
                continue
            }
            let remainingMs = retryAtUnixMs - AgentClock.nowUnixMs()
            if remainingMs > 0 {
                await eventWake.wait(milliseconds: remainingMs)
                continue
            }
            let batch = nextEventBatch()
            guard !batch.isEmpty else {
                await eventWake.wait(milliseconds: 60_000)
                continue
            }
            if holdsForHeartbeat(batch) { await eventWake.wait(milliseconds: 200); continue }
            var message = SecurityEventBatch()
            message.events = batch
            if BrokenVariant.isActive(.removesEventsWhenSent) { _ = try? store.removeEvents(eventIDs: batch.map(\.eventId)) }
            do {
                let ack: SecurityEventAck = try await link.post("events", message)
                try handleEventAck(ack, sent: batch)
                failures = 0
                runtime.withLock {
                    $0.lastEventsSentUnixMs = AgentClock.nowUnixMs()
                    $0.lastEventsError = ""
                }
            } catch {
                failures += 1
                let failure = error as? RequestFailure
                runtime.withLock { $0.lastEventsError = "\(error)" }
                if failure?.code == .badReply && BrokenVariant.isActive(.trustsUndecodableEventReplies)
                    || failure?.code == .noResponse && BrokenVariant.isActive(.dropsEventsWithoutResponse)
                {
                    _ = try? store.removeEvents(eventIDs: batch.map(\.eventId))
                }
                let retryAfterMs = BrokenVariant.isActive(.ignoresRetryAfter) ? nil : failure?.retryAfterMs
                let delay = Backoff.requestRetry(failures: failures, retryAfterMs: retryAfterMs, factor: Backoff.randomFactor())
                log.warning("events", "events.send_failed", ["count": batch.count, "error": error, "retry_in_ms": delay])
                retryAtUnixMs = AgentClock.nowUnixMs() + delay
                continue
            }
        }
    }

    private func nextEventBatch() -> [SecurityEvent] {
        guard let queued = try? store.peekEvents(limit: BrokenVariant.isActive(.sendsOversizedEventBatches) ? 1_000 : 500) else { return [] }
        var batch: [SecurityEvent] = []
        var bytes = 0
        for entry in queued {
            bytes += entry.encoded.count + 8
            if bytes > Self.maximumEventBatchBytes, !batch.isEmpty { break }
            guard let event = try? SecurityEvent(wireBytes: entry.encoded) else { continue }
            batch.append(event)
        }
        return BrokenVariant.isActive(.sendsEventsNewestFirst) ? batch.reversed() : batch
    }

    private func handleEventAck(_ ack: SecurityEventAck, sent: [SecurityEvent]) throws {
        let sentIDs = Set(sent.map(\.eventId))
        for rejected in ack.rejected where sentIDs.contains(rejected.eventId) {
            log.warning("events", "event.rejected", ["event": rejected.eventId, "code": rejected.code, "message": rejected.message])
        }
        let rejectedIDs = BrokenVariant.isActive(.keepsRejectedEvents) ? [] : ack.rejected.map(\.eventId)
        let done = (ack.storedEventIds + rejectedIDs).filter(sentIDs.contains)
        _ = try store.removeEvents(eventIDs: done)
        log.debug("events", "events.acknowledged", ["stored": ack.storedEventIds.count, "rejected": ack.rejected.count])
    }
}
