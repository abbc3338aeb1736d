import EACPProtocol
import EACPTransport
import Foundation

/// Server cases for action delivery: actions the server may not push, the order of heartbeat
/// replies, and a push whose channel closes before the ack.
enum ServerDeliveryCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [belowPushVersion(target), heartbeatOrder(target), closedBeforeAck(target)]
    }

    static func belowPushVersion(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.below-push-version-not-pushed",
                "Actions for an agent below the kind's lowest push version never go over its open push channel",
                ["EACP-VERSION-006", "EACP-VERSION-007"], target, profile: .pushChannel) { kit in
            // 1.1.0 is at or above the lowest supporting version of these kinds and below their push minimum, 1.2.
            let agent = try await kit.enrolledAgent(version: "1.1.0")
            let channel = try await agent.openPushChannel()
            defer { channel.close() }
            try await Task.sleep(for: .milliseconds(300))
            var queued: [String] = []
            for _ in 0..<2 {
                guard let actionID = try await kit.admin.queue(
                    agentID: agent.agentID, kind: "quarantine-file", parameters: ServerActionCases.quarantine).actionID
                else { throw CaseStop.failed("quarantine-file was rejected for an agent at 1.1.0, above its lowest version 1.0") }
                queued.append(actionID)
            }
            // Tolerance: a push would leave at once; 1500 ms covers a loaded machine.
            try await Task.sleep(for: .milliseconds(1_500))
            try kit.context.require(channel.actions.isEmpty,
                                    "an agent at 1.1.0 got \(channel.actions.map(\.actionId)) by push, below the push minimum 1.2")
            let reply = try await agent.heartbeat()
            try kit.context.require(reply.pendingActions.map(\.actionId) == queued,
                                    "the heartbeat reply carries \(reply.pendingActions.map(\.actionId)), expected \(queued)")
        }
    }

    static func heartbeatOrder(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.heartbeat-order",
                "A heartbeat reply carries an agent's actions in creation order, numbered up by one",
                ["EACP-ACTION-001", "EACP-ACTION-009"], target) { kit in
            let agent = try await kit.enrolledAgent()
            var queued: [String] = []
            for _ in 0..<3 {
                guard let actionID = try await kit.admin.queue(
                    agentID: agent.agentID, kind: "quarantine-file", parameters: ServerActionCases.quarantine).actionID
                else { throw CaseStop.failed("the server did not queue quarantine-file") }
                queued.append(actionID)
            }
            let pending = try await agent.heartbeat().pendingActions
            try kit.context.require(pending.map(\.actionId) == queued,
                                    "the heartbeat reply carries \(pending.map(\.actionId)), expected \(queued) in creation order")
            let numbers = pending.map(\.sequenceNumber)
            try kit.context.require(numbers.first == 1 && zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 },
                                    "the sequence numbers of a new agent's first actions are \(numbers), expected 1, 2, 3")
            for envelope in pending {
                try kit.context.require(envelope.expiresUnixMs > envelope.createdUnixMs,
                                        "\(envelope.actionId) expires at \(envelope.expiresUnixMs), not after its creation")
            }
        }
    }

    static func closedBeforeAck(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.push-closed-goes-to-heartbeat",
                "A push whose channel closes before the ack goes to the next heartbeat and is not pushed again",
                ["EACP-ACTION-008", "EACP-ACTION-002"], target, profile: .pushChannel) { kit in
            let agent = try await kit.enrolledAgent()
            let channel = try await agent.openPushChannel()
            try await Task.sleep(for: .milliseconds(300))
            guard let actionID = try await kit.admin.queue(
                agentID: agent.agentID, kind: "quarantine-file", parameters: ServerActionCases.quarantine).actionID
            else { throw CaseStop.failed("the server did not queue quarantine-file") }
            guard let pushed = try await waitFor(timeout: .seconds(3), { channel.actions.first { $0.actionId == actionID } }) else {
                channel.close()
                throw CaseStop.failed("\(actionID) was not pushed to a connected agent")
            }
            kit.context.transcript.note("closing the push channel without an ActionAck")
            channel.close()
            try await Task.sleep(for: .milliseconds(500))

            let reply = try await agent.heartbeat()
            guard let delivered = reply.pendingActions.first(where: { $0.actionId == actionID }) else {
                throw CaseStop.failed("the heartbeat after the push channel closed does not carry \(actionID)")
            }
            try kit.context.require(delivered == pushed, "the heartbeat envelope differs from the pushed one")
            let second = try await agent.openPushChannel()
            defer { second.close() }
            try await Task.sleep(for: .milliseconds(1_500))
            try kit.context.require(second.actions.isEmpty, "\(actionID) was pushed again on a new push channel")
        }
    }
}
