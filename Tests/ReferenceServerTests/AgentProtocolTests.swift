import EACPProtocol
import EACPTransport
import Foundation
import Testing
@testable import ReferenceServer

@Suite(.serialized)
struct AgentProtocolTests {
    @Test func heartbeatReplyCarriesSettings() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()

        let reply = try await agent.heartbeat()

        #expect(reply.serverTimeUnixMs > 0)
        #expect(reply.nextHeartbeatIntervalMs == 300_000)
        #expect(reply.heartbeatJitterMs == 30_000)
        #expect(reply.settings?.logCollection == .enabled)
        #expect(reply.settings?.statusReportIntervalMs == 3_600_000)
        #expect(reply.pendingActions.isEmpty)
        #expect(reply.contentOffer == nil)
        await harness.stop()
    }

    @Test func queuedActionArrivesInHeartbeatUntilAcked() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        _ = try await agent.heartbeat()

        let queued = try await harness.admin(
            .post, "/admin/v1/actions", json: #"{"agent_ids":["\#(agent.agentID)"],"kind":"isolate-endpoint","parameters":{"allowed_hosts":["10.0.0.1"]}}"#)
        #expect(queued.status == 201)
        let results = try #require(queued.body["results"] as? [[String: Any]])
        let action = try #require(results.first?["action"] as? [String: Any])
        let actionID = try #require(action["action_id"] as? String)

        let first = try await agent.heartbeat()
        #expect(first.pendingActions.map(\.actionId) == [actionID])
        #expect(first.pendingActions.first?.kind == .isolateEndpoint)
        #expect(first.pendingActions.first?.parameters == .isolateEndpoint({
            var parameters = IsolateEndpointParameters()
            parameters.allowedHosts = ["10.0.0.1"]
            return parameters
        }()))
        let repeated = try await agent.heartbeat()
        #expect(repeated.pendingActions.map(\.actionId) == [actionID])

        #expect(try await agent.ack(actionID) == 200)
        let afterAck = try await agent.heartbeat()
        #expect(afterAck.pendingActions.isEmpty)
        let inspected = try await harness.admin(.get, "/admin/v1/actions/\(actionID)")
        #expect(inspected.body["state"] as? String == "acknowledged")
        #expect(inspected.body["delivery_path"] as? String == "heartbeat")
        await harness.stop()
    }

    @Test func otherAgentCannotAckAction() async throws {
        let harness = try await ServerTestHarness()
        let owner = try await harness.enrollAgent()
        let intruder = try await harness.enrollAgent()
        let queued = try await harness.admin(
            .post, "/admin/v1/actions", json: #"{"agent_ids":["\#(owner.agentID)"],"kind":"retrieve-support-file"}"#)
        let results = try #require(queued.body["results"] as? [[String: Any]])
        let actionID = try #require((results.first?["action"] as? [String: Any])?["action_id"] as? String)

        #expect(try await intruder.ack(actionID) == 404)
        let intruderReply = try await intruder.heartbeat()
        #expect(intruderReply.pendingActions.isEmpty)
        let inspected = try await harness.admin(.get, "/admin/v1/actions/\(actionID)")
        #expect(inspected.body["state"] as? String == "queued")
        await harness.stop()
    }

    @Test func unsupportedKindRejectedWhenQueued() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.0")

        let queued = try await harness.admin(
            .post, "/admin/v1/actions", json: #"{"agent_ids":["\#(agent.agentID)"],"kind":"start-live-terminal"}"#)

        #expect(queued.status == 422)
        let results = try #require(queued.body["results"] as? [[String: Any]])
        let message = try #require(results.first?["error"] as? String)
        #expect(message.contains("needs agent version 1.4 or later"))
        await harness.stop()
    }

    @Test func cancelledActionIsNotDelivered() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        let queued = try await harness.admin(
            .post, "/admin/v1/actions", json: #"{"agent_ids":["\#(agent.agentID)"],"kind":"cancel-isolation"}"#)
        let results = try #require(queued.body["results"] as? [[String: Any]])
        let actionID = try #require((results.first?["action"] as? [String: Any])?["action_id"] as? String)

        let cancelled = try await harness.admin(.post, "/admin/v1/actions/\(actionID)/cancel")

        #expect(cancelled.status == 200)
        #expect(cancelled.body["state"] as? String == "cancelled")
        #expect(try await agent.heartbeat().pendingActions.isEmpty)
        await harness.stop()
    }

    @Test func missingClientCertificateRejected() async throws {
        let harness = try await ServerTestHarness()
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = "1.4"
        heartbeat.sequenceNumber = 1

        let response = try await harness.client().post("/eacp/v1/heartbeat", body: heartbeat.wireBytes())

        #expect(response.status.code == 401)
        #expect(try ErrorReply(wireBytes: response.body).code == .unauthenticated)
        await harness.stop()
    }

    @Test func revokedAgentRejected() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()

        let revoked = try await harness.admin(.post, "/admin/v1/agents/\(agent.agentID)/revoke")
        #expect(revoked.status == 200)
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = "1.4"
        heartbeat.sequenceNumber = 1
        let response = try await agent.post("/eacp/v1/heartbeat", heartbeat)

        #expect(response.status.code == 403)
        #expect(try ErrorReply(wireBytes: response.body).code == .forbidden)
        await harness.stop()
    }

    @Test func malformedBodyStoresNothing() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()

        // Field 1 with wire type 7 is malformed in every message.
        let response = try await agent.client.post("/eacp/v1/events", body: [0x0F, 0x01])

        #expect(response.status.code == 400)
        #expect(try ErrorReply(wireBytes: response.body).code == .malformedMessage)
        let events = try await harness.admin(.get, "/admin/v1/agents/\(agent.agentID)/events")
        #expect((events.body["events"] as? [Any])?.count == 0)
        await harness.stop()
    }

    @Test func adminCallWithoutTokenRejected() async throws {
        let harness = try await ServerTestHarness()

        let response = try await harness.admin(.get, "/admin/v1/agents", token: "wrong-token")

        #expect(response.status == 401)
        await harness.stop()
    }

    @Test func duplicateSecurityEventStoredOnce() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        var event = SecurityEvent()
        event.eventId = "event-1"
        event.eventType = "malware.detected"
        event.observedUnixMs = 1_700_000_000_000
        var batch = SecurityEventBatch()
        batch.events = [event]

        let first = try SecurityEventAck(wireBytes: try await agent.post("/eacp/v1/events", batch).body)
        let second = try SecurityEventAck(wireBytes: try await agent.post("/eacp/v1/events", batch).body)

        #expect(first.storedEventIds == ["event-1"])
        #expect(second.storedEventIds == ["event-1"])
        let events = try await harness.admin(.get, "/admin/v1/agents/\(agent.agentID)/events")
        #expect((events.body["events"] as? [Any])?.count == 1)
        await harness.stop()
    }
}
