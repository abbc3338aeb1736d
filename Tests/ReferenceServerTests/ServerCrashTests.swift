import EACPProtocol
import EACPTransport
import Foundation
import Testing

/// What the test agent saw of its actions across server restarts: the journal a real agent keeps,
/// reduced to the facts the crash test checks.
struct DeliveryLedger {
    /// Action ids in the order they first arrived, on either path.
    private(set) var firstSeen: [String] = []
    private(set) var envelopes: [String: ActionEnvelope] = [:]
    /// Ids whose ack the server answered with 200, so the ack was durable.
    private(set) var confirmedAcks: Set<String> = []
    /// Ids that arrived again before their ack was confirmed; a real agent's journal absorbs these.
    private(set) var resends: [String] = []
    /// Ids that arrived again after their ack was confirmed: the server delivered them as new twice.
    private(set) var deliveredAfterAck: [String] = []
    /// Ids that arrived again with another envelope than the first time.
    private(set) var changedEnvelopes: [String] = []

    /// Records one delivery and returns whether the id is new to the agent.
    @discardableResult
    mutating func receive(_ envelope: ActionEnvelope) -> Bool {
        let id = envelope.actionId
        guard let first = envelopes[id] else {
            envelopes[id] = envelope
            firstSeen.append(id)
            return true
        }
        if first != envelope { changedEnvelopes.append(id) }
        if confirmedAcks.contains(id) { deliveredAfterAck.append(id) } else { resends.append(id) }
        return false
    }

    mutating func confirmAck(_ id: String) {
        confirmedAcks.insert(id)
    }

    var firstSeenSequenceNumbers: [UInt64] { firstSeen.compactMap { envelopes[$0]?.sequenceNumber } }
}

/// Kills `eacp-server` with SIGKILL at several points of action delivery and restarts it on the
/// same data folder, playing an agent throughout.
@Suite(.serialized)
struct ServerCrashTests {
    @Test func killedServerLosesNoActionAndRepeatsNoAcknowledgedOne() async throws {
        // The data folder and each process's log live under one temporary folder, removed at the end.
        let base = NSTemporaryDirectory() + "eacp-server-crash-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let folder = base + "/data"
        var ledger = DeliveryLedger()
        var queued: [String] = []
        var endpoints: [ServerEndpoint] = []
        defer { endpoints.forEach { $0.group.shutdown() } }

        // Round 1, push path: kill after the second push arrived and before the agent acked it.
        var server = try ServerProcess(dataDirectory: folder, replicaID: "round-1")
        var endpoint = try ServerEndpoint(folder: folder, port: server.port)
        endpoints.append(endpoint)
        var agent = try await endpoint.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        var channel = try await openRegisteredChannel(agent, endpoint, replicaID: "round-1")
        for _ in 0..<6 { queued.append(try await endpoint.queueAction(for: agent, kind: "cancel-isolation")) }
        let firstPush = try await channel.nextAction()
        ledger.receive(firstPush)
        try await ackOverHTTP(firstPush.actionId, agent, &ledger)
        ledger.receive(try await channel.nextAction())
        server.killNow()

        // Round 2, heartbeat path: kill after a heartbeat reply arrived and before any ack.
        server = try ServerProcess(dataDirectory: folder, replicaID: "round-2")
        endpoint = try ServerEndpoint(folder: folder, port: server.port)
        endpoints.append(endpoint)
        agent = try agent.reconnected(to: endpoint)
        for envelope in try await agent.heartbeat().pendingActions { ledger.receive(envelope) }
        server.killNow()

        // Round 3: kill right after the ack of the first pending action and a burst of new actions.
        server = try ServerProcess(dataDirectory: folder, replicaID: "round-3")
        endpoint = try ServerEndpoint(folder: folder, port: server.port)
        endpoints.append(endpoint)
        agent = try agent.reconnected(to: endpoint)
        let pending = try await agent.heartbeat().pendingActions
        for envelope in pending { ledger.receive(envelope) }
        try await ackOverHTTP(try #require(pending.first).actionId, agent, &ledger)
        for _ in 0..<4 { queued.append(try await endpoint.queueAction(for: agent, kind: "retrieve-support-file")) }
        server.killNow()

        // Round 4, push path again: kill right after an ack, while the server pushes the next action.
        server = try ServerProcess(dataDirectory: folder, replicaID: "round-4")
        endpoint = try ServerEndpoint(folder: folder, port: server.port)
        endpoints.append(endpoint)
        agent = try agent.reconnected(to: endpoint)
        for envelope in try await agent.heartbeat().pendingActions {
            ledger.receive(envelope)
            try await ackOverHTTP(envelope.actionId, agent, &ledger)
        }
        channel = try await openRegisteredChannel(agent, endpoint, replicaID: "round-4")
        for _ in 0..<3 { queued.append(try await endpoint.queueAction(for: agent, kind: "cancel-isolation")) }
        let pushedAfterRestart = try await channel.nextAction()
        ledger.receive(pushedAfterRestart)
        try await ackOverHTTP(pushedAfterRestart.actionId, agent, &ledger)
        server.killNow()

        // Final round: drain everything through heartbeats and check what the agent saw.
        server = try ServerProcess(dataDirectory: folder, replicaID: "final")
        defer { server.killNow() }
        endpoint = try ServerEndpoint(folder: folder, port: server.port)
        endpoints.append(endpoint)
        agent = try agent.reconnected(to: endpoint)
        while true {
            let pending = try await agent.heartbeat().pendingActions
            if pending.isEmpty { break }
            for envelope in pending {
                ledger.receive(envelope)
                try await ackOverHTTP(envelope.actionId, agent, &ledger)
            }
        }

        #expect(queued.count == 13)
        #expect(queued.filter { !ledger.firstSeen.contains($0) } == [])
        #expect(ledger.firstSeen.count == queued.count)
        #expect(ledger.deliveredAfterAck == [])
        #expect(ledger.changedEnvelopes == [])
        #expect(ledger.firstSeenSequenceNumbers == Array(1...UInt64(queued.count)))
        let stored = try await endpoint.admin(.get, "/admin/v1/agents/\(agent.agentID)/actions")
        let states = try #require(stored.body["actions"] as? [[String: Any]]).map { $0["state"] as? String }
        #expect(states == Array(repeating: "acknowledged", count: queued.count))
        // The kills left unacknowledged actions behind at least twice, so resends did happen.
        #expect(!ledger.resends.isEmpty)
    }

    private func ackOverHTTP(_ actionID: String, _ agent: TestAgent, _ ledger: inout DeliveryLedger) async throws {
        let status = try await agent.ack(actionID)
        guard status == 200 else { throw TestFailure("ack of \(actionID) answered \(status)") }
        ledger.confirmAck(actionID)
    }

    /// Opens the push channel and waits until the server process `replicaID` recorded it.
    private func openRegisteredChannel(_ agent: TestAgent, _ endpoint: ServerEndpoint, replicaID: String)
        async throws -> TestPushChannel
    {
        let channel = try await agent.openPushChannel()
        try await waitUntil("replica \(replicaID) records the push channel") {
            let inspected = try await endpoint.admin(.get, "/admin/v1/agents/\(agent.agentID)")
            return inspected.body["push_channel_replica"] as? String == replicaID
        }
        return channel
    }
}
