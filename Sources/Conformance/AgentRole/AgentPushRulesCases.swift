import EACPProtocol
import EACPTransport
import Foundation

/// Push messages from a newer server, and the push channel state that heartbeats report.
enum AgentPushRulesCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [unknownMessages(harness), badMessages(harness), reportedState(harness)]
    }

    /// Push messages a later schema revision could send, each with a name for the transcript.
    static let unknownMessages: [(name: String, bytes: [UInt8])] = [
        ("an empty PushMessage, with no direction", []),
        // Field 15, length-delimited and empty: a direction this schema does not define.
        ("a PushMessage with direction field 15", [0x7A, 0x00]),
        // server_push (field 1) holding field 99, length-delimited and empty: an unknown payload.
        ("a ServerPush with payload field 99", [0x0A, 0x03, 0x9A, 0x06, 0x00]),
    ]

    static func unknownMessages(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.push.unknown-message-ignored",
            "Push messages with no direction or payload the agent knows are ignored, and the channel stays usable",
            ["EACP-PUSH-005"], harness, profile: .pushChannel
        ) { harness, context in
            guard let socket = try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) else {
                throw CaseStop.failed("the agent has no push channel open")
            }
            let opened = harness.handlers.observations.value.pushConnections.count
            for message in unknownMessages {
                harness.handlers.log("server->agent", "push", message.name)
                socket.send(message.bytes)
                try await Task.sleep(for: .milliseconds(300))
                if let closed = socket.closeResult {
                    throw CaseStop.failed(
                        "the agent closed the push channel with \(closed.code.rawValue) after \(message.name)")
                }
            }
            let path = try harness.makeFile("after-unknown-push.txt")
            let envelope = harness.envelope(.quarantineFile, AgentActionCases.quarantine(path))
            harness.handlers.push(.action(envelope))
            _ = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                harness.handlers.observations.value.acks(for: envelope.actionId).first == "push",
                "the action pushed after the unknown messages was not acknowledged on the push channel")
            try context.require(
                socket.closeResult == nil && harness.handlers.observations.value.pushConnections.count == opened,
                "the push channel did not stay open through the unknown messages")
        }
    }

    /// Push messages the agent must close the channel for, with the close code each one requires.
    static let badMessages: [(name: String, bytes: [UInt8], code: UInt16)] = [
        // A field 1 tag whose length runs past the end: not a PushMessage.
        ("a message that does not decode", [0x0A, 0x05, 0x01], 1007),
        // agent_push (field 2) holding an empty AgentPush: the agent's own direction.
        ("an agent_push message", [0x12, 0x00], 1008),
        ("a message of 1048577 bytes", [UInt8](repeating: 0, count: 1_048_577), 1009),
    ]

    static func badMessages(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.push.bad-messages-close",
            "The agent closes the push channel with 1007 for an undecodable message, 1008 for agent_push, 1009 for an oversized one",
            ["EACP-PUSH-004", "EACP-PUSH-001"], harness, profile: .pushChannel
        ) { harness, context in
            for message in badMessages {
                guard let socket = try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value })
                else {
                    throw CaseStop.failed("the agent has no push channel open before \(message.name)")
                }
                harness.handlers.log("server->agent", "push", "\(message.name), \(message.bytes.count) bytes")
                socket.send(message.bytes)
                guard let closed = try await waitFor(timeout: .seconds(5), { socket.closeResult }) else {
                    throw CaseStop.failed("the agent kept the push channel open for 5 s after \(message.name)")
                }
                context.transcript.note("closed with \(closed.code.rawValue) after \(message.name)")
                try context.require(
                    closed.code.rawValue == message.code,
                    "the agent closed the push channel with \(closed.code.rawValue) after \(message.name), expected \(message.code)"
                )
            }
            guard try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) != nil else {
                throw CaseStop.failed("the agent did not open the push channel again within 10 s of the last close")
            }
        }
    }

    static let pingIntervalMs: UInt32 = 1_000
    /// High enough that the silent channel stays open for a few heartbeats after its first missed ping.
    static let missedPongLimit: UInt32 = 4

    static func reportedState(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.push.heartbeat-reports-state",
            "Heartbeats report the push channel connected while pongs arrive, and not connected once a ping is missed",
            ["EACP-PUSH-011"], harness, profile: .pushChannel, timeout: .seconds(60)
        ) { harness, context in
            // A heartbeat each second, so that several fall between the first missed ping and the limit.
            harness.handlers.script.update {
                $0.heartbeatIntervalMs = 1_000
                $0.pushPingIntervalMs = pingIntervalMs
                $0.pushMissedPongLimit = missedPongLimit
            }
            // The agent takes ping settings from a heartbeat reply, and may apply them only to a new channel.
            guard try await harness.requestHeartbeatNow() != nil else {
                throw CaseStop.failed("no heartbeat within 10 s to carry the new ping settings")
            }
            let opened = harness.handlers.observations.value.pushConnections.count
            harness.handlers.pushChannel.value?.close(
                code: .goingAway, reason: "conformance: reconnect with new ping settings")
            guard
                let reopened = try await waitFor(
                    timeout: .seconds(15),
                    {
                        harness.handlers.observations.value.pushConnections.dropFirst(opened).first
                    })
            else { throw CaseStop.failed("the agent did not open the push channel again within 15 s") }

            // Two ping intervals with pongs arriving, then a heartbeat built after them.
            try await Task.sleep(for: .milliseconds(Int(pingIntervalMs) * 2))
            let healthy = try await heartbeat(after: .now, harness)
            context.transcript.note("healthy channel: \(healthy.pushChannel.map { "\($0)" } ?? "no push_channel")")
            try context.require(
                healthy.pushChannel?.status == .connected,
                "a heartbeat with the push channel open and answering reports \(healthy.pushChannel?.status ?? .unspecified)"
            )
            try context.require(
                (healthy.pushChannel?.connectedSinceUnixMs ?? 0) > 0,
                "a connected push channel has no connected_since_unix_ms")

            let connections = harness.handlers.observations.value.pushConnections.count
            guard harness.front.silenceConnection(openedBefore: reopened) else {
                throw CaseStop.failed("the harness found no connection to silence")
            }
            let silenced = ContinuousClock.now
            context.transcript.note(
                "the push channel's connection is silent now, in both directions, without being closed")
            // A ping is missed once the next one is due without a pong: at most two intervals after the silence.
            let missedBy = silenced + .milliseconds(Int(pingIntervalMs) * 2 + 300)
            let window = Duration.milliseconds(Int(pingIntervalMs * (missedPongLimit + 1))) + .seconds(6)
            guard
                let replaced = try await waitFor(
                    timeout: window,
                    {
                        harness.handlers.observations.value.pushConnections.dropFirst(connections).first
                    })
            else {
                throw CaseStop.failed(
                    "the agent did not replace the silent push channel within \(window.milliseconds) ms")
            }
            let reports = harness.handlers.observations.value.heartbeats.filter { $0.at > missedBy && $0.at < replaced }
            context.transcript.note("\(reports.count) heartbeats between the first missed ping and the new channel")
            try context.require(
                !reports.isEmpty, "no heartbeat arrived between the first missed ping and the new push channel")
            for report in reports {
                let status = report.value.pushChannel?.status ?? .unspecified
                try context.require(
                    status != .connected,
                    "a heartbeat \((report.at - silenced).milliseconds) ms after the channel went silent reports it connected"
                )
            }
        }
    }

    /// Waits for the first heartbeat that arrives after `instant`.
    static func heartbeat(after instant: ContinuousClock.Instant, _ harness: AgentHarness) async throws -> Heartbeat {
        guard
            let heartbeat = try await waitFor(
                timeout: .seconds(10),
                {
                    harness.handlers.observations.value.heartbeats.first { $0.at > instant }?.value
                })
        else { throw CaseStop.failed("no heartbeat arrived within 10 s") }
        return heartbeat
    }
}
