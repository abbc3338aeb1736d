import EACPProtocol
import EACPTransport
import Foundation
import Testing
@testable import ReferenceServer

/// Action delivery over a real push channel (WebSocket over TLS on loopback), against the lifecycle
/// of spec/actions.md: queued, pushed, delivered, acknowledged.
@Suite(.serialized)
struct PushDeliveryTests {
    @Test func actionIsPushedAtOnceAndAckStopsHeartbeatDelivery() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)

        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")
        let pushed = try await channel.nextAction()

        #expect(pushed.actionId == actionID)
        #expect(pushed.kind == .cancelIsolation)
        #expect(pushed.sequenceNumber == 1)
        #expect(try await harness.endpoint.action(actionID)["state"] as? String == "pushed")

        // Before the ack, a heartbeat reply carries the pushed action as well.
        #expect(try await agent.heartbeat().pendingActions.map(\.actionId) == [actionID])

        channel.ack(actionID)
        try await waitUntil("the ack is stored") {
            try await harness.endpoint.action(actionID)["state"] as? String == "acknowledged"
        }
        #expect(try await agent.heartbeat().pendingActions.isEmpty)
        let inspected = try await harness.endpoint.action(actionID)
        #expect(inspected["delivery_path"] as? String == "push")
        #expect(inspected["push_attempts"] as? Int == 1)
        await harness.stop()
    }

    @Test func pushWithoutAckComesBackInHeartbeat() async throws {
        let harness = try await ServerTestHarness { $0.pushAckTimeoutMs = 100 }
        let agent = try await harness.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)

        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")
        let pushed = try await channel.nextAction()
        #expect(pushed.actionId == actionID)
        try await waitUntil("the ack timeout moves the action to delivered") {
            try await harness.endpoint.action(actionID)["state"] as? String == "delivered"
        }

        let reply = try await agent.heartbeat()
        #expect(reply.pendingActions == [pushed])
        let repeated = try await agent.heartbeat()
        #expect(repeated.pendingActions.map(\.actionId) == [actionID])
        #expect(try await harness.endpoint.action(actionID)["push_attempts"] as? Int == 1)

        #expect(try await agent.ack(actionID) == 200)
        #expect(try await agent.heartbeat().pendingActions.isEmpty)
        #expect(channel.pending.isEmpty)
        await harness.stop()
    }

    @Test func nextActionWaitsForAckOfEarlierOne() async throws {
        let harness = try await ServerTestHarness { $0.pushAckTimeoutMs = 60_000 }
        let agent = try await harness.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)

        let first = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")
        let second = try await harness.endpoint.queueAction(for: agent, kind: "retrieve-support-file")
        #expect(try await channel.nextAction().actionId == first)
        #expect(try await harness.endpoint.action(second)["state"] as? String == "queued")

        channel.ack(first)
        let next = try await channel.nextAction()

        #expect(next.actionId == second)
        #expect(next.sequenceNumber == 2)
        await harness.stop()
    }

    @Test func heartbeatOnlyVersionIsNeverPushed() async throws {
        let harness = try await ServerTestHarness()
        // Version 1.1 carries out file quarantine but takes it only in heartbeat replies.
        let agent = try await harness.enrollAgent(version: "1.1")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)

        let actionID = try await harness.endpoint.queueAction(
            for: agent, kind: "quarantine-file", parameters: #"{"path":"/tmp/sample.bin"}"#)

        // Queueing pushes synchronously when it pushes at all, so the state is final here.
        let inspected = try await harness.endpoint.action(actionID)
        #expect(inspected["state"] as? String == "queued")
        #expect(inspected["push_attempts"] as? Int == 0)
        let reply = try await agent.heartbeat()
        #expect(reply.pendingActions.map(\.actionId) == [actionID])
        #expect(try await harness.endpoint.action(actionID)["delivery_path"] as? String == "heartbeat")
        #expect(try await agent.ack(actionID) == 200)
        #expect(channel.pending.isEmpty)
        await harness.stop()
    }

    @Test func closedChannelMovesPushedActionToHeartbeat() async throws {
        let harness = try await ServerTestHarness { $0.pushAckTimeoutMs = 60_000 }
        let agent = try await harness.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")
        _ = try await channel.nextAction()

        channel.socket.close()
        try await waitUntil("the closed channel moves the action to delivered") {
            try await harness.endpoint.action(actionID)["state"] as? String == "delivered"
        }

        #expect(try await agent.heartbeat().pendingActions.map(\.actionId) == [actionID])
        await harness.stop()
    }

    @Test func resultOverPushGetsReceipt() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")
        _ = try await channel.nextAction()

        var result = ActionResult()
        result.actionId = actionID
        result.kind = .cancelIsolation
        result.state = .succeeded
        channel.send(.actionResult(result))
        let receipt = try await channel.next()

        #expect(receipt == .actionReceipt(ActionReplyHandlers.receipt(actionID: actionID, subject: .result)))
        let inspected = try await harness.endpoint.action(actionID)
        #expect(inspected["state"] as? String == "succeeded")
        #expect(inspected["acknowledged_unix_ms"] != nil)
        await harness.stop()
    }

    @Test func unknownActionAckClosesChannel() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.4")
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)

        channel.ack("act-unknown")

        let error = try await channel.next()
        guard case .error(let reply) = error else { throw TestFailure("expected an error push, got \(error)") }
        #expect(reply.code == .notFound)
        #expect(reply.message == "no action act-unknown for this agent")
        #expect(try await channel.closed() == 1008)
        await harness.stop()
    }

    @Test func resultOfWrongKindClosesChannel() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")
        _ = try await channel.nextAction()

        var result = ActionResult()
        result.actionId = actionID
        result.kind = .isolateEndpoint
        result.state = .succeeded
        channel.send(.actionResult(result))

        #expect(try await channel.closed() == 1008)
        try await waitUntil("the closed channel moves the action to delivered") {
            try await harness.endpoint.action(actionID)["state"] as? String == "delivered"
        }
        await harness.stop()
    }
}
