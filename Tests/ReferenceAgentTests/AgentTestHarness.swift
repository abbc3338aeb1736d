import EACPProtocol
import EACPTransport
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
    private(set) var agent: Agent
    /// The launch contract's variables, for starting `eacp-agent` as a child process too.
    let environment: [String: String]
    private var settings: ServerSettings
    private var runTask: Task<Void, Never>?
    private let upgradeHook: any UpgradeInstallHook

    /// With `runsAgent` false the in-process agent is created but never started, for tests that run
    /// `eacp-agent` as a child process instead.
    init(
        watch: Bool = false, quarantineRoots: [String]? = nil, runsAgent: Bool = true,
        upgradeHook: any UpgradeInstallHook = StagingOnlyHook(), pushPingIntervalMs: UInt32 = 30_000
    ) async throws {
        self.upgradeHook = upgradeHook
        folder = NSTemporaryDirectory() + "eacp-agent-test-" + UUID().uuidString
        settings = ServerSettings()
        settings.dataDirectory = folder + "/server"
        settings.listenPort = 0
        settings.heartbeatIntervalMs = 1_000
        settings.heartbeatJitterMs = 0
        settings.pushAckTimeoutMs = 1_000
        settings.pushPingIntervalMs = pushPingIntervalMs
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
        agent = try Agent(options: options, log: AgentLog(minimumLevel: .error), upgradeHook: upgradeHook)
        guard runsAgent else { return }
        let agent = self.agent
        runTask = Task { try? await agent.run() }
    }

    /// Stops the agent and starts another on the same state folder that reports `version`, as the
    /// new build does after an upgrade hook restarts the agent.
    func restartAgent(version: String) async throws {
        agent.stop()
        await runTask?.value
        let options = try AgentOptions(arguments: [], environment: environment)
        agent = try Agent(options: options, log: AgentLog(minimumLevel: .error), upgradeHook: upgradeHook, version: version)
        let agent = self.agent
        runTask = Task { try? await agent.run() }
    }

    /// Stores `bytes` as the server's current content revision, recorded with `sha256`, which a
    /// test may set to a wrong digest.
    func publishContent(_ bytes: [UInt8], revision: Int64, sha256: [UInt8]) throws {
        let path = folder + "/published-\(revision).bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try server.context.store.publishContentRevision(
            ContentRevisionRecord(
                revision: revision, sha256: sha256, filePath: path, sizeBytes: Int64(bytes.count),
                publishedUnixMs: AgentClock.nowUnixMs(), downgrade: false))
    }

    /// Stores `build` as the agent build of `version`, assigns that version to this agent and
    /// returns the installation package the server offers for it.
    func assignUpgrade(build: [UInt8], version: String) throws -> (sizeBytes: Int64, sha256: [UInt8]) {
        let path = folder + "/build-\(version)"
        try Data(build).write(to: URL(fileURLWithPath: path))
        let store = server.context.store
        try store.storeAgentBuild(
            AgentBuildRecord(
                version: version, platform: UpgradePackages.anyPlatform, filePath: path, sizeBytes: Int64(build.count),
                sha256: EACPTransport.SHA256.digest(build), builtUnixMs: AgentClock.nowUnixMs()))
        try store.assignUpgrade(
            UpgradeAssignmentRecord(target: .agent(agentID ?? ""), version: version, assignedUnixMs: AgentClock.nowUnixMs()))
        guard let agent = try store.agent(id: agentID ?? ""),
            let package = try UpgradePackages(context: server.context).package(for: agent)
        else { throw TestFailure("the server built no upgrade package for \(version)") }
        return (package.sizeBytes, package.sha256)
    }

    /// The heartbeat the server recorded last for this agent, or nil before the first one.
    func lastRecordedHeartbeat() throws -> Heartbeat? {
        guard let bytes = try server.context.store.agent(id: agentID ?? "")?.lastHeartbeat else { return nil }
        return try Heartbeat(wireBytes: bytes)
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

/// Polls `condition` every 10 ms. The 90 s limit only keeps a broken test from hanging: with every
/// suite running in parallel on two cores, enrollment and the first push connection have taken over 20 s.
func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(90)
    while try await !condition() {
        guard Date() < deadline else { throw TestFailure("gave up waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
