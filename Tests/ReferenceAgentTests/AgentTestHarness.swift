import EACPProtocol
import Foundation
@testable import ReferenceAgent
@testable import ReferenceServer

/// A reference server on an ephemeral loopback port and one reference agent in this process,
/// each with a temporary folder of its own.
///
/// The agent may act on endpoint files anywhere under `folder`, which is its only quarantine root
/// unless the test passes others.
final class AgentTestHarness: @unchecked Sendable {
    let folder: String
    private(set) var server: ReferenceServer
    let agent: Agent
    /// The launch contract's variables, for starting `eacp-agent` as a child process too.
    let environment: [String: String]
    private var settings: ServerSettings
    private var runTask: Task<Void, Never>?

    /// With `runsAgent` false the in-process agent is created but never started, for tests that run
    /// `eacp-agent` as a child process instead.
    init(watch: Bool = false, quarantineRoots: [String]? = nil, runsAgent: Bool = true) async throws {
        folder = NSTemporaryDirectory() + "eacp-agent-test-" + UUID().uuidString
        settings = ServerSettings()
        settings.dataDirectory = folder + "/server"
        settings.listenPort = 0
        settings.heartbeatIntervalMs = 1_000
        settings.heartbeatJitterMs = 0
        settings.pushAckTimeoutMs = 1_000
        server = try ReferenceServer(settings: settings, log: .silent)
        let port = try await server.start().port
        // A restarted server must listen where the agent expects it.
        settings.listenPort = port
        let tokens = try ServerTokens.read(from: DataFolder(path: settings.dataDirectory).tokensPath)
        var environment = [
            "EACP_SERVER_URL": "https://127.0.0.1:\(port)",
            "EACP_CA_FILE": DataFolder(path: settings.dataDirectory).caCertificatePath,
            "EACP_ENROLLMENT_TOKEN": tokens.enrollmentToken,
            "EACP_STATE_DIR": folder + "/agent",
            "EACP_QUARANTINE_ROOTS": (quarantineRoots ?? [folder]).joined(separator: ":"),
        ]
        if watch { environment["EACP_WATCH_DIR"] = folder + "/watch" }
        self.environment = environment
        let options = try AgentOptions(arguments: [], environment: environment)
        agent = try Agent(options: options, log: AgentLog(minimumLevel: .error))
        guard runsAgent else { return }
        let agent = self.agent
        runTask = Task { try? await agent.run() }
    }

    /// Stops the server, keeping its data folder, as an outage would.
    func stopServer() async {
        await server.shutdown()
    }

    /// Starts a new server process on the same port and data folder.
    func restartServer() async throws {
        server = try ReferenceServer(settings: settings, log: .silent)
        _ = try await server.start()
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
