import EACPProtocol
import EACPTransport
import Foundation

/// Action gating, push delivery, the push ack timeout, cancellation, expiry and receipts of a server.
enum ServerActionCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [gating(target), ackTimeout(target), pushOrder(target), cancellation(target), expiry(target), receipts(target),
         invalidResults(target), unknownAction(target)]
    }

    static var quarantine: [String: Any] { ["path": "/conformance/not-a-real-file"] }

    /// Agent versions just below, at and above each threshold of the gating table.
    static func gating(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.version-gating",
                "Actions are pushed, sent by heartbeat or rejected by the agent version's place in the gating table",
                ["EACP-VERSION-006", "EACP-VERSION-007", "EACP-VERSION-008"], target, profile: .pushChannel) { kit in
            let old = try await kit.enrolledAgent(version: "1.1.99")
            let oldChannel = try await old.openPushChannel()
            defer { oldChannel.close() }
            for kind in ["perform-heartbeat", "set-endpoint-proxy", "start-live-terminal"] {
                let queued = try await kit.admin.queue(agentID: old.agentID, kind: kind)
                try kit.context.require(queued.actionID == nil, "\(kind) was queued for an agent at 1.1.99, below its lowest version")
            }
            let tooHigh = try await kit.admin.queue(agentID: old.agentID, kind: "quarantine-file", parameters: quarantine, minimumVersion: "1.2")
            try kit.context.require(tooHigh.actionID == nil, "an action with minimum_agent_version 1.2 was queued for an agent at 1.1.99")
            guard let byHeartbeat = try await kit.admin.queue(agentID: old.agentID, kind: "quarantine-file", parameters: quarantine).actionID
            else { throw CaseStop.failed("quarantine-file was rejected for an agent at 1.1.99, above its lowest version 1.0") }
            try await Task.sleep(for: .milliseconds(1_500))
            try kit.context.require(oldChannel.actions.isEmpty, "an agent at 1.1.99, below the push minimum 1.2, got a push")
            let reply = try await old.heartbeat()
            try kit.context.require(reply.pendingActions.map(\.actionId).contains(byHeartbeat), "the heartbeat reply lacks \(byHeartbeat)")

            let current = try await kit.enrolledAgent(version: "1.2.0")
            let channel = try await current.openPushChannel()
            defer { channel.close() }
            try await Task.sleep(for: .milliseconds(300))
            let proxy = try await kit.admin.queue(agentID: current.agentID, kind: "set-endpoint-proxy",
                                                  parameters: ["host": "127.0.0.1", "port": 3128])
            try kit.context.require(proxy.actionID == nil, "set-endpoint-proxy (lowest version 1.3) was queued for an agent at 1.2.0")
            guard let pushed = try await kit.admin.queue(agentID: current.agentID, kind: "quarantine-file", parameters: quarantine).actionID
            else { throw CaseStop.failed("quarantine-file was rejected for an agent at 1.2.0") }
            let arrived = try await waitFor(timeout: .seconds(3)) { channel.actions.first { $0.actionId == pushed } }
            try kit.context.require(arrived != nil, "an agent at 1.2.0 with its push channel open did not get \(pushed) by push")
        }
    }

    /// The push ack timeout the server announced, plus two seconds of tolerance for scheduling.
    static func ackWindow(_ reply: HeartbeatReply) -> Duration {
        let announced = reply.settings?.pushAckTimeoutMs ?? 0
        return .milliseconds(Int(announced == 0 ? 10_000 : announced) + 2_000)
    }

    static func ackTimeout(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.unacked-push-goes-to-heartbeat",
                "A pushed action without an ActionAck is delivered by the next heartbeat, same envelope, not pushed again",
                ["EACP-ACTION-008", "EACP-ACTION-002", "EACP-ACTION-009"], target, profile: .pushChannel, timeout: .seconds(45)) { kit in
            let agent = try await kit.enrolledAgent()
            let window = ackWindow(try await agent.heartbeat())
            let channel = try await agent.openPushChannel()
            defer { channel.close() }
            try await Task.sleep(for: .milliseconds(300))
            guard let actionID = try await kit.admin.queue(agentID: agent.agentID, kind: "quarantine-file", parameters: quarantine).actionID
            else { throw CaseStop.failed("the server did not queue quarantine-file") }
            guard let pushed = try await waitFor(timeout: .seconds(3), { channel.actions.first { $0.actionId == actionID } }) else {
                throw CaseStop.failed("\(actionID) was not pushed to a connected agent")
            }
            kit.context.transcript.note("not acknowledging; waiting \(window.milliseconds) ms")
            try await Task.sleep(for: window)
            let reply = try await agent.heartbeat()
            guard let delivered = reply.pendingActions.first(where: { $0.actionId == actionID }) else {
                throw CaseStop.failed("the heartbeat after the push ack timeout does not carry \(actionID)")
            }
            try kit.context.require(delivered == pushed, "the heartbeat envelope differs from the pushed one")
            try kit.context.require(channel.actions.count == 1, "the server pushed \(actionID) \(channel.actions.count) times")
        }
    }

    static func pushOrder(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.push-order",
                "A second action is pushed only after the first is acknowledged",
                ["EACP-ACTION-007", "EACP-ACTION-001"], target, profile: .pushChannel) { kit in
            let agent = try await kit.enrolledAgent()
            let channel = try await agent.openPushChannel()
            defer { channel.close() }
            try await Task.sleep(for: .milliseconds(300))
            guard let first = try await kit.admin.queue(agentID: agent.agentID, kind: "quarantine-file", parameters: quarantine).actionID,
                let second = try await kit.admin.queue(agentID: agent.agentID, kind: "quarantine-file", parameters: quarantine).actionID
            else { throw CaseStop.failed("the server did not queue two actions") }
            guard let envelope = try await waitFor(timeout: .seconds(3), { channel.actions.first }) else {
                throw CaseStop.failed("nothing was pushed to a connected agent")
            }
            try kit.context.require(envelope.actionId == first, "the first push was \(envelope.actionId), not the older \(first)")
            try await Task.sleep(for: .milliseconds(700))
            try kit.context.require(channel.actions.count == 1, "\(second) was pushed before \(first) was acknowledged")
            var ack = ActionAck()
            ack.actionId = first
            channel.send(.actionAck(ack))
            guard let next = try await waitFor(timeout: .seconds(3), { channel.actions.dropFirst().first }) else {
                throw CaseStop.failed("\(second) was not pushed after \(first) was acknowledged")
            }
            try kit.context.require(next.actionId == second, "the second push was \(next.actionId), not \(second)")
            try kit.context.require(next.sequenceNumber == envelope.sequenceNumber + 1, "sequence numbers do not grow by one")
        }
    }

    static func cancellation(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.cancel-only-queued", "A queued action can be cancelled and is never delivered; an acknowledged one cannot",
                ["EACP-ACTION-003"], target) { kit in
            let agent = try await kit.enrolledAgent()
            guard let cancelled = try await kit.admin.queue(agentID: agent.agentID, kind: "quarantine-file", parameters: quarantine).actionID
            else { throw CaseStop.failed("the server did not queue quarantine-file") }
            let cancel = try await kit.admin.call(.post, "/admin/v1/actions/\(cancelled)/cancel")
            try kit.context.require(cancel.status == 200, "cancelling a queued action got status \(cancel.status)")
            let reply = try await agent.heartbeat()
            try kit.context.require(!reply.pendingActions.contains { $0.actionId == cancelled }, "the cancelled action was delivered")

            guard let acknowledged = try await kit.admin.queue(agentID: agent.agentID, kind: "quarantine-file", parameters: quarantine).actionID
            else { throw CaseStop.failed("the server did not queue quarantine-file") }
            _ = try await agent.heartbeat()
            var ack = ActionAck()
            ack.actionId = acknowledged
            _ = try await agent.post("/eacp/v1/actions/ack", ack)
            let late = try await kit.admin.call(.post, "/admin/v1/actions/\(acknowledged)/cancel")
            try kit.context.require(!(200..<300).contains(late.status), "cancelling an acknowledged action was accepted")
        }
    }

    static func expiry(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.expired-not-delivered", "A queued action whose expiry passed is never delivered and ends expired",
                ["EACP-ACTION-004"], target) { kit in
            let agent = try await kit.enrolledAgent()
            guard let actionID = try await kit.admin.queue(
                agentID: agent.agentID, kind: "quarantine-file", parameters: quarantine, expiresInSeconds: 1).actionID
            else { throw CaseStop.failed("the server did not queue an action expiring in 1 s") }
            try await Task.sleep(for: .milliseconds(2_000))
            let reply = try await agent.heartbeat()
            try kit.context.require(!reply.pendingActions.contains { $0.actionId == actionID }, "the expired action was delivered")
            // The server may end expired actions in a periodic sweep; 10 s covers one sweep on a loaded machine.
            let expired = try await waitFor(timeout: .seconds(10), interval: .milliseconds(500)) {
                let state = try await kit.admin.action(actionID)
                return state.terminalState?.lowercased().contains("expired") == true ? true : nil
            }
            let state = try await kit.admin.action(actionID)
            try kit.context.require(expired != nil, "the action did not end expired within 10 s of its expiry")
            try kit.context.require(state.terminalState?.lowercased().contains("expired") == true,
                                    "10 s after its expiry the action is \(state.terminalState ?? state.state), not expired")
        }
    }

    static func receipts(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.result-receipts", "Results get an ActionReceipt; a repeated result is answered alike and the first is kept",
                ["EACP-ACTION-014", "EACP-ACTION-005"], target) { kit in
            let (agent, envelope) = try await delivered(kit)
            var result = ActionResult()
            result.actionId = envelope.actionId
            result.kind = envelope.kind
            result.state = .succeeded
            for state in [ActionTerminalState.succeeded, .failed] {
                result.state = state
                result.errorCode = state == .succeeded ? .unspecified : .internal
                let answer = try await agent.post("/eacp/v1/actions/result", result)
                try kit.context.require(answer.status == 200, "an ActionResult got status \(answer.status)")
                let receipt = try agent.decode(ActionReceipt.self, answer.body, from: "actions/result")
                try kit.context.require(receipt.actionId == envelope.actionId && receipt.subject == .result,
                                        "the receipt names \(receipt.actionId) \(receipt.subject)")
            }
            let state = try await kit.admin.action(envelope.actionId)
            try kit.context.require(state.terminalState?.lowercased().contains("succeeded") == true,
                                    "the stored outcome is \(state.terminalState ?? "none"), not the first result, succeeded")
        }
    }

    static func invalidResults(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.rejects-invalid-result", "A result without a terminal state or of another kind gets 400",
                ["EACP-ACTION-016"], target) { kit in
            let (agent, envelope) = try await delivered(kit)
            var result = ActionResult()
            result.actionId = envelope.actionId
            result.kind = envelope.kind
            try kit.expectError(try await agent.post("/eacp/v1/actions/result", result), status: 400, code: .badRequest,
                                "a result with state UNSPECIFIED")
            result.state = .succeeded
            result.kind = .terminateProcess
            try kit.expectError(try await agent.post("/eacp/v1/actions/result", result), status: 400, code: .badRequest,
                                "a result whose kind differs from the action's")
        }
    }

    static func unknownAction(_ target: ServerTarget) -> ConformanceCase {
        .server("server.actions.unknown-action-404", "An ActionAck or ActionResult for an unknown id gets 404",
                ["EACP-ACTION-015"], target) { kit in
            let agent = try await kit.enrolledAgent()
            var ack = ActionAck()
            ack.actionId = "conformance-unknown-action"
            try kit.expectError(try await agent.post("/eacp/v1/actions/ack", ack), status: 404, code: .notFound, "ack of an unknown id")
            var result = ActionResult()
            result.actionId = "conformance-unknown-action"
            result.kind = .quarantineFile
            result.state = .succeeded
            try kit.expectError(try await agent.post("/eacp/v1/actions/result", result), status: 404, code: .notFound,
                                "result of an unknown id")
        }
    }

    /// An agent without a push channel and one quarantine action delivered to it by heartbeat.
    static func delivered(_ kit: ServerCaseKit) async throws -> (SimulatedAgent, ActionEnvelope) {
        let agent = try await kit.enrolledAgent()
        guard let actionID = try await kit.admin.queue(agentID: agent.agentID, kind: "quarantine-file", parameters: quarantine).actionID
        else { throw CaseStop.failed("the server did not queue quarantine-file") }
        guard let envelope = try await agent.heartbeat().pendingActions.first(where: { $0.actionId == actionID }) else {
            throw CaseStop.failed("the heartbeat reply does not carry \(actionID)")
        }
        return (agent, envelope)
    }
}
