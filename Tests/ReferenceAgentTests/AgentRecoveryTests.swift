import EACPProtocol
import Foundation
import Testing
@testable import ReferenceAgent
@testable import ReferenceServer

/// Delivery that survives an outage: a killed agent, a stopped server, a dropped push channel.
@Suite(.serialized)
struct AgentRecoveryTests {
    @Test func killedAgentDeliversQueuedEventsOnce() async throws {
        let harness = try await AgentTestHarness(runsAgent: false)
        let logPath = harness.folder + "/agent.log"
        var child = try AgentChildProcess(environment: harness.environment, logPath: logPath)
        try await waitUntil("the child agent's push channel is connected") {
            child.status?.pushChannel.state == "connected"
        }
        let agentID = try #require(child.status?.agentId)

        await harness.stopServer()
        var queued: [String] = []
        for index in 0..<5 {
            queued.append(try child.recordEvent(type: "test.queued.\(index)"))
        }
        child.killNow()

        try await harness.restartServer()
        child = try AgentChildProcess(environment: harness.environment, logPath: logPath)
        try await waitUntil("the server stored all five events") {
            try Set(Self.storedEventIDs(harness.server, agentID: agentID)) == Set(queued)
        }
        try await waitUntil("the restarted agent's queue is empty") { child.status?.queues.securityEvents == 0 }

        let stored = try Self.storedEventIDs(harness.server, agentID: agentID)
        #expect(stored == queued)
        #expect(child.status?.agentId == agentID)
        child.terminate()
        await harness.stop()
    }

    @Test func queueGrowsWhileServerIsDownThenDrains() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        await harness.stopServer()
        var queued: [String] = []
        for index in 0..<3 {
            queued.append(try harness.agent.record(type: "test.outage", severity: .medium, detail: "event \(index)"))
            #expect(try harness.agent.securityEventQueueDepth() == index + 1)
        }

        try await harness.restartServer()
        try await waitUntil("the queue drained") { try harness.agent.securityEventQueueDepth() == 0 }
        #expect(try harness.storedEventIDs() == queued)
        await harness.stop()
    }

    @Test func actionArrivesByHeartbeatWithoutPushChannel() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        harness.agent.push.stop()
        let agentID = try #require(harness.agentID)
        try await waitUntil("the server saw the push channel close") {
            harness.server.context.pushChannels.connection(agentID: agentID) == nil
        }

        let victim = harness.folder + "/by-heartbeat.bin"
        try Data("first".utf8).write(to: URL(fileURLWithPath: victim))
        var quarantine = QuarantineFileParameters()
        quarantine.path = victim
        let actionID = try harness.queue(.quarantineFile, quarantine.wireBytes())
        let result = try await harness.waitForOutcome(actionID)
        #expect(result.state == .succeeded)
        #expect(try harness.server.context.store.action(id: actionID)?.deliveryPath == .heartbeat)

        // A file at the same path again: two more answered heartbeats must leave it alone.
        try Data("second".utf8).write(to: URL(fileURLWithPath: victim))
        for _ in 0..<2 {
            let answered = harness.agent.runtime.withLock { $0.lastHeartbeatAnsweredUnixMs } ?? 0
            try await waitUntil("another heartbeat was answered") {
                (harness.agent.runtime.withLock { $0.lastHeartbeatAnsweredUnixMs } ?? 0) > answered
            }
        }
        #expect(FileManager.default.contents(atPath: victim) == Data("second".utf8))
        #expect(harness.agent.push.isConnected == false)
        await harness.stop()
    }

    static func storedEventIDs(_ server: ReferenceServer, agentID: String) throws -> [String] {
        try server.context.store.securityEvents(agentID: agentID, afterSequence: 0, limit: 1_000).map(\.event.eventID)
    }
}
