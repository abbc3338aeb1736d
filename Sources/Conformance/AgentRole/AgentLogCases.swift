import EACPProtocol
import EACPTransport
import Foundation

/// Agent log upload: on by default at level INFO, numbered batches, partial acknowledgements, and
/// collection turned off and on by heartbeat replies.
///
/// An agent may send at most one log batch a minute, but a restarted agent may send its first batch
/// at once. The cases restart the agent to see a batch soon and wait up to `batchWait` for it.
enum AgentLogCases {
    static func all(_ harness: AgentHarness?, eventCommand: String?) -> [ConformanceCase] {
        [batchesNumbered(harness), collectionOff(harness, eventCommand)]
    }

    static let logsPath = "/eacp/v1/logs"
    /// The pace of one batch a minute plus a margin for a slow machine.
    static let batchWait: Duration = .seconds(70)

    static func batchesNumbered(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.logs.batches-numbered",
               "Log batches come by default, contain INFO and above in ascending numbers across restarts, and keep records above a partial acknowledgement",
               ["EACP-LOG-001", "EACP-LOG-005"], harness, timeout: .seconds(200)) { harness, context in
            guard try await waitFor(timeout: batchWait, { harness.handlers.observations.value.logBatches.first }) != nil else {
                throw CaseStop.failed("no log batch arrived within \(batchWait.milliseconds / 1_000) s of the agent's start, with collection on by default")
            }
            let partial = LockedValue<UInt64?>(nil)
            harness.handlers.script.update { script in
                script.overrides[logsPath] = [{ body in
                    guard let batch = try? AgentLogBatch(wireBytes: body), let first = batch.records.first else {
                        return HTTPResponse(status: .badRequest)
                    }
                    harness.handlers.observations.update { $0.logBatches.append(.init(at: .now, value: batch)) }
                    partial.update { $0 = first.sequenceNumber }
                    var ack = AgentLogAck()
                    ack.storedSequenceNumber = first.sequenceNumber
                    return AgentRetryCases.reply(ack)
                }]
            }
            context.transcript.note("restarting the agent; its next log batch is acknowledged only up to its first record")
            try await harness.restartAgent(crash: false)
            guard let stored = try await waitFor(timeout: batchWait, { partial.value }) else {
                throw CaseStop.failed("no log batch arrived within \(batchWait.milliseconds / 1_000) s of a restart")
            }

            let acknowledged = harness.handlers.observations.value.logBatches.count
            try await harness.restartAgent(crash: false)
            guard let next = try await waitFor(timeout: batchWait, {
                harness.handlers.observations.value.logBatches.dropFirst(acknowledged).first?.value
            }) else { throw CaseStop.failed("no log batch arrived within \(batchWait.milliseconds / 1_000) s of the second restart") }
            let firstNext = next.records.first?.sequenceNumber ?? 0
            context.transcript.note("acknowledged through \(stored); the next batch starts at \(firstNext) with dropped_count \(next.droppedCount)")
            try context.require(firstNext > stored, "after an AgentLogAck through \(stored) the agent sent record \(firstNext) again")
            try context.require(firstNext - stored - 1 <= next.droppedCount,
                                "records \(stored + 1) to \(firstNext - 1) were neither sent nor counted in dropped_count \(next.droppedCount)")
            try checkBatches(harness.handlers.observations.value.logBatches.map(\.value), context)
        }
    }

    /// Checks the count, order, numbering and level of every batch, and that each batch starts above
    /// the start of the one before, which the harness acknowledged, restarts included.
    static func checkBatches(_ batches: [AgentLogBatch], _ context: CaseContext) throws {
        var previousFirst: UInt64 = 0
        for (index, batch) in batches.enumerated() {
            let numbers = batch.records.map(\.sequenceNumber)
            try context.require((1...1_000).contains(numbers.count), "a log batch contained \(numbers.count) records, expected 1 to 1000")
            try context.require(zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 }, "a log batch's sequence numbers are not ascending: \(numbers)")
            try context.require(numbers[0] >= 1, "a log record has sequence number 0")
            if index == 0 {
                try context.require(numbers[0] - 1 <= batch.droppedCount,
                                    "the first log batch starts at \(numbers[0]) with dropped_count \(batch.droppedCount); numbers start at 1")
            }
            try context.require(numbers[0] > previousFirst,
                                "a log batch starts at \(numbers[0]) after an acknowledged batch that started at \(previousFirst)")
            previousFirst = numbers[0]
            let gaps = zip(numbers, numbers.dropFirst()).reduce(UInt64(0)) { $0 + ($1.1 - $1.0 - 1) }
            try context.require(gaps <= batch.droppedCount,
                                "a log batch skips \(gaps) sequence numbers but its dropped_count is \(batch.droppedCount)")
            for record in batch.records where ![AgentLogLevel.error, .warning, .info].contains(record.level) {
                throw CaseStop.failed("log record \(record.sequenceNumber) has level \(record.level), below the default level INFO")
            }
        }
    }

    static func collectionOff(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.logs.collection-off",
               "With collection off no log batch comes; turned on again, no record from before or while it was off is sent",
               ["EACP-LOG-002"], harness, timeout: .seconds(120)) { harness, context in
            // An action makes the agent write log records. Acknowledging no record past those already
            // sent keeps them in the agent's upload queue while collection goes off.
            let acknowledged = harness.handlers.observations.value.logBatches.last?.value.records.last?.sequenceNumber ?? 0
            harness.handlers.script.update { $0.logAckLimit = acknowledged }
            let envelope = harness.envelope(.quarantineFile, AgentActionCases.quarantine(harness.filesDirectory + "/no-such-file.txt"))
            if !harness.handlers.push(.action(envelope)) {
                harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            }
            guard try await harness.result(for: envelope.actionId) != nil else {
                throw CaseStop.failed("no ActionResult for \(envelope.actionId) within 15 s")
            }
            harness.handlers.script.update { $0.logCollection = .disabled }
            guard let off = try await harness.requestHeartbeatNow()?.at, try await harness.requestHeartbeatNow() != nil
            else { throw CaseStop.failed("no heartbeat within 10 s to carry LOG_COLLECTION_DISABLED") }
            harness.handlers.script.update { $0.logAckLimit = nil }
            context.transcript.note("collection off; recording an event and restarting the agent")
            try await AgentEventCases.recordEvent(harness, eventCommand, context)
            try await harness.restartAgent(crash: false)
            try await Task.sleep(for: .seconds(2))
            // A batch already in flight when the reply came may still arrive within a second.
            let late = harness.handlers.observations.value.logBatches.filter { $0.at > off + .seconds(1) }
            try context.require(late.isEmpty, "\(late.count) log batches arrived after a reply set LOG_COLLECTION_DISABLED")

            harness.handlers.script.update { $0.logCollection = .enabled }
            guard try await harness.requestHeartbeatNow() != nil else {
                throw CaseStop.failed("no heartbeat within 10 s to carry LOG_COLLECTION_ENABLED")
            }
            let onUnixMs = Int64(Date().timeIntervalSince1970 * 1_000)
            harness.handlers.script.update { $0.logCollection = .unspecified }
            let before = harness.handlers.observations.value.logBatches.count
            context.transcript.note("collection on at \(onUnixMs); restarting the agent to see its next batch")
            try await harness.restartAgent(crash: false)
            try await AgentEventCases.recordEvent(harness, eventCommand, context)
            guard let batch = try await waitFor(timeout: batchWait, {
                harness.handlers.observations.value.logBatches.dropFirst(before).first?.value
            }) else { throw CaseStop.failed("no log batch arrived within \(batchWait.milliseconds / 1_000) s of collection going on") }
            // The reply left the harness before the agent applied it, so allow one second for the clocks.
            let early = batch.records.filter { $0.timeUnixMs < onUnixMs - 1_000 }
            try context.require(early.isEmpty, "the first log batch after collection went on again contains \(early.count) records written before, "
                                    + "the first \(early.first.map { "\($0.timeUnixMs): \($0.message)" } ?? "")")
        }
    }
}
