import EACPProtocol
import Foundation

/// A push channel that goes silent without closing, and the order in which an agent starts the
/// actions it receives.
enum AgentPushCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [halfOpen(harness), orderKept(harness)]
    }

    static let pingIntervalMs: UInt32 = 1_000
    static let missedPongLimit: UInt32 = 2

    static func halfOpen(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.push.half-open-reconnects",
               "A push channel that stops answering pings is replaced, and the action lost on it arrives by heartbeat",
               ["EACP-PUSH-006", "EACP-PUSH-001", "EACP-ACTION-011"], harness, profile: .pushChannel,
               timeout: .seconds(60)) { harness, context in
            harness.handlers.script.update {
                $0.pushPingIntervalMs = pingIntervalMs
                $0.pushMissedPongLimit = missedPongLimit
            }
            // The agent takes ping settings from a heartbeat reply, and may apply them only to a new channel.
            guard try await harness.requestHeartbeatNow() != nil else {
                throw CaseStop.failed("no heartbeat within 10 s to carry the new ping settings")
            }
            let opened = harness.handlers.observations.value.pushConnections.count
            harness.handlers.pushChannel.value?.close(code: .goingAway, reason: "conformance: reconnect with new ping settings")
            guard try await waitFor(timeout: .seconds(15), {
                harness.handlers.observations.value.pushConnections.count > opened ? true : nil
            }) != nil else { throw CaseStop.failed("the agent did not open the push channel again within 15 s") }

            let before = harness.handlers.observations.value.pushConnections.count
            guard let pushOpened = harness.handlers.observations.value.pushConnections.last,
                harness.front.silenceConnection(openedBefore: pushOpened)
            else { throw CaseStop.failed("the harness found no connection to silence") }
            let silenced = ContinuousClock.now
            context.transcript.note("the push channel's connection is silent now, in both directions, without being closed")
            let path = try harness.makeFile("half-open-quarantine.txt")
            let envelope = harness.envelope(.quarantineFile, AgentActionCases.quarantine(path))
            harness.handlers.push(.action(envelope))
            // A server whose push got no ack puts the action in heartbeat replies.
            harness.handlers.script.update { $0.heartbeatActions = [envelope] }

            // Tolerance: (limit + 1) ping intervals to notice, then the reconnect backoff of up to 1 s and
            // a TLS handshake, plus 5 s for a loaded machine.
            let window = Duration.milliseconds(Int(pingIntervalMs * (missedPongLimit + 1))) + .seconds(6)
            guard let reopened = try await waitFor(timeout: window, {
                harness.handlers.observations.value.pushConnections.dropFirst(before).first
            }) else {
                throw CaseStop.failed("the agent did not open a new push channel within \(window.milliseconds) ms of the silence")
            }
            context.transcript.note("new push channel \((reopened - silenced).milliseconds) ms after the silence")
            // No ack is required here: the agent may have sent it on the silent channel, where it was lost.
            guard let result = try await harness.result(for: envelope.actionId) else {
                throw CaseStop.failed("no ActionResult for \(envelope.actionId) within 15 s")
            }
            context.transcript.note("result \(result.state); acks seen: \(harness.handlers.observations.value.acks(for: envelope.actionId))")
            try await Task.sleep(for: .seconds(1))
            let results = harness.handlers.observations.value.results(for: envelope.actionId)
            try context.require(Set(results).count == 1, "the action got \(Set(results).count) different results: it ran more than once")
        }
    }

    static func orderKept(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.actions.order-kept",
               "Actions delivered out of order in one heartbeat reply start in ascending sequence_number",
               ["EACP-ACTION-012"], harness) { harness, context in
            var envelopes: [ActionEnvelope] = []
            for index in 1...3 {
                let path = try harness.makeFile("order-\(index).txt")
                envelopes.append(harness.envelope(.quarantineFile, AgentActionCases.quarantine(path)))
            }
            context.transcript.note("delivering sequence numbers \(envelopes.reversed().map(\.sequenceNumber)) in that order")
            harness.handlers.script.update { $0.heartbeatActions = envelopes.reversed() }
            var started: [Int64] = []
            for envelope in envelopes {
                let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
                context.transcript.note("\(envelope.sequenceNumber): started_unix_ms \(result.startedUnixMs)")
                try context.require(result.startedUnixMs > 0, "the result of \(envelope.sequenceNumber) has no started_unix_ms")
                started.append(result.startedUnixMs)
            }
            try context.require(started == started.sorted(),
                                "actions started at \(started) for sequence numbers \(envelopes.map(\.sequenceNumber))")
        }
    }
}
