import EACPProtocol
import Foundation
@testable import ReferenceAgent
@testable import ReferenceServer

/// A reference server on an ephemeral loopback port and one reference agent in this process,
/// each with a temporary folder of its own.
final class AgentTestHarness: @unchecked Sendable {
    let folder: String
    let server: ReferenceServer
    let agent: Agent
    private var runTask: Task<Void, Never>?

    init(watch: Bool = false) async throws {
        folder = NSTemporaryDirectory() + "eacp-agent-test-" + UUID().uuidString
        var settings = ServerSettings()
        settings.dataDirectory = folder + "/server"
        settings.listenPort = 0
        settings.heartbeatIntervalMs = 1_000
        settings.heartbeatJitterMs = 0
        settings.pushAckTimeoutMs = 1_000
        server = try ReferenceServer(settings: settings, log: .silent)
        let port = try await server.start().port
        let tokens = try ServerTokens.read(from: DataFolder(path: settings.dataDirectory).tokensPath)
        var environment = [
            "EACP_SERVER_URL": "https://127.0.0.1:\(port)",
            "EACP_CA_FILE": DataFolder(path: settings.dataDirectory).caCertificatePath,
            "EACP_ENROLLMENT_TOKEN": tokens.enrollmentToken,
            "EACP_STATE_DIR": folder + "/agent",
        ]
        if watch { environment["EACP_WATCH_DIR"] = folder + "/watch" }
        let options = try AgentOptions(arguments: [], environment: environment)
        agent = try Agent(options: options, log: AgentLog(minimumLevel: .error))
        let agent = self.agent
        runTask = Task { try? await agent.run() }
    }

    var agentID: String? { agent.credentials.withLock { $0?.agentID } }

    /// Waits until the agent enrolled and its push channel is open.
    func waitUntilConnected() async throws {
        try await waitUntil("the push channel is connected") {
            agent.runtime.withLock { $0.push.state == "connected" } && agentID != nil
        }
    }

    /// Queues an action for the agent the way the administrator API does.
    func queue(_ kind: ActionKind, _ parameters: [UInt8]) throws -> String {
        let order = ActionDelivery.Order(
            agentID: agentID ?? "", kind: kind, parameters: parameters,
            expiresUnixMs: AgentClock.nowUnixMs() + 600_000)
        return try server.delivery.queue(order).action.actionID
    }

    /// Waits for the action's result as the server stored it.
    func waitForOutcome(_ actionID: String) async throws -> ActionResult {
        var result: ActionResult?
        try await waitUntil("action \(actionID) has a result on the server") {
            result = try server.context.store.action(id: actionID)?.outcome?.result.flatMap { try ActionResult(wireBytes: $0) }
            return result != nil
        }
        return result!
    }

    func storedEventIDs() throws -> [String] {
        try server.context.store.securityEvents(agentID: agentID ?? "", afterSequence: 0, limit: 1_000).map(\.event.eventID)
    }

    func stop() async {
        agent.stop()
        await runTask?.value
        await server.shutdown()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 10 ms; the 20 s limit only keeps a broken test from hanging.
func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(20)
    while try await !condition() {
        guard Date() < deadline else { throw TestFailure("gave up waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
