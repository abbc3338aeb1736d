import EACPProtocol
import Foundation

extension Agent {
    /// Builds a status report after the first heartbeat and then each status interval; the newest
    /// replaces one that is still unsent.
    func statusReportLoop() async {
        while !Task.isCancelled {
            guard firstHeartbeat.withLock({ $0 }) else {
                await statusWake.wait(milliseconds: 1_000)
                continue
            }
            do {
                let report = try buildStatusReport()
                _ = try store.storeStatusReport(encoded: report.wireBytes(), recordedUnixMs: AgentClock.nowUnixMs())
                try await sendPendingStatusReport()
            } catch {
                log.warning("status", "status_report.failed", ["error": error])
            }
            let intervalMs = localState.current.settings.statusReportIntervalMs
            await statusWake.wait(milliseconds: BrokenVariant.isActive(.statusTwicePerInterval) ? intervalMs / 2 : intervalMs)
        }
    }

    private func buildStatusReport() throws -> StatusReport {
        let sequence = try localState.update { state -> Int64 in
            if state.statusReportSequence == 0 || !BrokenVariant.isActive(.repeatsStatusSequence) {
                state.statusReportSequence += 1
            }
            return state.statusReportSequence
        }
        var report = StatusReport()
        report.sequenceNumber = UInt64(sequence)
        report.generatedUnixMs = AgentClock.nowUnixMs()
        report.platform = AgentIdentity.platform
        report.uptimeSeconds = UInt64(ProcessInfo.processInfo.systemUptime)
        var component = StatusReport.ComponentStatus()
        component.name = "push-channel"
        component.health = push.isConnected ? .healthy : .degraded
        report.components = [component]
        var watch = StatusReport.Property()
        watch.name = "watch_dir"
        watch.value = (options.watchDirectory ?? "").truncated(toUTF8Bytes: 4096)
        var backend = StatusReport.Property()
        backend.name = "isolation_backend"
        backend.value = options.isolationBackend
        report.properties = [watch, backend]
        return report
    }

    private func sendPendingStatusReport() async throws {
        guard let pending = try store.pendingStatusReport(), let report = try? StatusReport(wireBytes: pending.encoded) else {
            return
        }
        do {
            let _: StatusReportAck = try await link.post("status", report)
        } catch {
            keepInStatusBacklogIfBroken(report)
            throw error
        }
        _ = try store.removeStatusReport(generation: pending.generation)
        await sendStatusBacklogIfBroken()
    }

    /// Uploads buffered log records while collection is on: at most one batch a minute, sooner when
    /// 1000 records wait.
    func logUploadLoop() async {
        var failures = 0
        var lastSentUnixMs: Int64 = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            guard firstHeartbeat.withLock({ $0 }), localState.current.settings.logCollectionEnabled else { continue }
            guard let batch = try? store.peekLogRecords(limit: 1_000), !batch.records.isEmpty else { continue }
            let now = AgentClock.nowUnixMs()
            guard batch.records.count >= 1_000 || now - lastSentUnixMs >= 60_000 else { continue }
            var message = AgentLogBatch()
            message.records = batch.records.map { record in
                var converted = AgentLogRecord()
                converted.sequenceNumber = UInt64(record.sequenceNumber)
                converted.timeUnixMs = record.timeUnixMs
                converted.level = AgentLogLevel(rawValue: record.level)
                converted.component = record.component
                converted.message = record.message
                return converted
            }
            message.droppedCount = UInt64(batch.droppedCount)
            lastSentUnixMs = now
            do {
                let ack: AgentLogAck = try await link.post("logs", message)
                let stored = BrokenVariant.isActive(.removesWholeLogBatch) ? batch.records.last?.sequenceNumber ?? 0 : Int64(ack.storedSequenceNumber)
                try store.removeLogRecords(throughSequenceNumber: stored, reportedDroppedCount: batch.droppedCount)
                failures = 0
            } catch {
                failures += 1
                let delay = Backoff.requestRetry(failures: failures, retryAfterMs: (error as? RequestFailure)?.retryAfterMs, factor: Backoff.randomFactor())
                try? await Task.sleep(for: .milliseconds(delay))
            }
        }
    }
}
