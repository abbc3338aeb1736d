import EACPProtocol
import EACPTransport
import Foundation

/// Everything the runner plays for an agent under test: the harness server, the TCP front the agent
/// connects to, the CA it pins, and the agent process started with the launch contract of
/// spec/agent-contract.md.
public final class AgentHarness: Sendable {
    let server: HarnessServer
    let front: HarnessFront
    let authority: CertificateAuthority
    let serverKeyPEM: String
    let serverCertificatePEM: String
    let agentCommand: [String]
    let workDirectory: String
    let environment: [String: String]
    let agent = LockedValue<ChildProcess?>(nil)
    /// The next action sequence number; EACP numbers an agent's actions from 1.
    let nextSequence = LockedValue<UInt64>(1)
    let restarts = LockedValue(0)

    var handlers: HarnessHandlers { server.handlers }
    /// A folder the agent's actions may touch: files to quarantine, processes to terminate.
    var filesDirectory: String { workDirectory + "/endpoint-files" }
    /// A folder whose new files become security events for agents that watch it (EACP_WATCH_DIR).
    var watchDirectory: String { workDirectory + "/watched" }

    /// Starts the server, the front and the agent, and waits for the agent's first heartbeat.
    init(agentCommand: [String], workDirectory: String) async throws(RunnerError) {
        self.agentCommand = agentCommand
        self.workDirectory = workDirectory
        do {
            authority = try CertificateAuthority.create(commonName: "EACP conformance harness CA")
            let key = try PrivateKey.generateP256()
            serverKeyPEM = try key.pem()
            serverCertificatePEM = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], key: key).pem()
            let token = "conformance-" + UUID().uuidString.lowercased()
            server = try HarnessServer(
                authority: authority, serverCertificatePEM: serverCertificatePEM, serverKeyPEM: serverKeyPEM, token: token)
            front = try HarnessFront(backendPort: try await server.start())
            for folder in [workDirectory + "/agent-state", workDirectory + "/endpoint-files", workDirectory + "/watched"] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            try authority.certificate.pem().write(toFile: workDirectory + "/ca.pem", atomically: true, encoding: .utf8)
            environment = [
                "EACP_SERVER_URL": "https://127.0.0.1:\(front.port)", "EACP_CA_FILE": workDirectory + "/ca.pem",
                "EACP_ENROLLMENT_TOKEN": token, "EACP_STATE_DIR": workDirectory + "/agent-state",
                "EACP_WATCH_DIR": workDirectory + "/watched", "EACP_QUARANTINE_ROOTS": workDirectory + "/endpoint-files",
            ]
        } catch let error as RunnerError {
            throw error
        } catch {
            throw RunnerError(.harness, "cannot start the harness server: \(error)")
        }
        try await startAgent()
        let ready = try? await waitFor(timeout: .seconds(30)) { [handlers, agent] () -> Bool? in
            if handlers.observations.value.heartbeats.first != nil { return true }
            return agent.value?.isRunning == false ? false : nil
        }
        guard ready == true else {
            let tail = agent.value?.logTail() ?? ""
            let what = ready == false ? "exited with status \(agent.value?.exitStatus ?? -1) before its first heartbeat" : "sent no heartbeat within 30 s of its start"
            await stop()
            throw RunnerError(.harness, "the agent \(what); its log ends with:\n\(tail)")
        }
    }

    /// Starts the agent with the launch contract's environment, changed by `changes`: a value
    /// replaces a variable and nil removes it.
    func startAgent(changes: [String: String?] = [:]) async throws(RunnerError) {
        let count = restarts.update { value -> Int in
            value += 1
            return value
        }
        let removed = Set(changes.filter { $0.value == nil }.keys)
        let process = try ChildProcess(
            command: agentCommand, environment: environment.merging(changes.compactMapValues { $0 }) { _, new in new },
            removing: removed, logPath: workDirectory + "/agent-\(count).log")
        agent.update { $0 = process }
    }

    /// Stops the agent with SIGTERM (SIGKILL after 10 s). Returns the exit status, nil when it was killed.
    @discardableResult
    func stopAgent() async -> Int32? {
        await agent.value?.stop()
    }

    /// Stops the agent, with SIGKILL when `crash` is true and SIGTERM otherwise, starts it again on the
    /// same state folder with `changes` to its environment, and waits for its next heartbeat.
    func restartAgent(crash: Bool, changes: [String: String?] = [:]) async throws {
        if crash { agent.value?.kill() } else { await stopAgent() }
        let heartbeats = handlers.observations.value.heartbeats.count
        try await startAgent(changes: changes)
        let ready = try await waitFor(timeout: .seconds(30)) { [handlers, agent] () -> Bool? in
            if handlers.observations.value.heartbeats.count > heartbeats { return true }
            return agent.value?.isRunning == false ? false : nil
        }
        guard ready == true else {
            let what = ready == false ? "exited with status \(agent.value?.exitStatus ?? -1) before its first heartbeat" : "sent no heartbeat within 30 s"
            throw CaseStop.failed("the restarted agent \(what); its log ends with:\n\(agent.value?.logTail() ?? "")")
        }
    }

    public func stop() async {
        await stopAgent()
        front.stop()
        await server.stop()
    }

    /// Installs `context`'s transcript and a quiet script before a case starts.
    func begin(_ context: CaseContext) {
        handlers.transcript.update { $0 = context.transcript }
        handlers.script.update { $0 = HarnessScript() }
    }

    /// An envelope with the next sequence number, created now and expiring in 10 minutes.
    func envelope(_ kind: ActionKind, _ parameters: ActionEnvelope.Parameters?) -> ActionEnvelope {
        var envelope = ActionEnvelope()
        envelope.actionId = "conf-" + UUID().uuidString.prefix(13).lowercased()
        envelope.kind = kind
        envelope.sequenceNumber = nextSequence.update { value -> UInt64 in
            defer { value += 1 }
            return value
        }
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        envelope.createdUnixMs = now
        envelope.expiresUnixMs = now + 600_000
        envelope.parameters = parameters
        return envelope
    }

    /// Waits for the agent's result for `actionID`.
    func result(for actionID: String, timeout: Duration = .seconds(15)) async throws -> ActionResult? {
        try await waitFor(timeout: timeout) { [handlers] in handlers.observations.value.results(for: actionID).first }
    }

    /// Creates a file in the endpoint folder and returns its path.
    func makeFile(_ name: String, contents: String = "conformance test file\n") throws -> String {
        let path = filesDirectory + "/" + name
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension ConformanceCase {
    /// An agent case whose body gets the harness; skipped when no harness could be built.
    static func agent(
        _ id: String, _ title: String, _ requirements: [String], _ harness: AgentHarness?, profile: Profile = .core,
        timeout: Duration = .seconds(40), _ body: @escaping @Sendable (AgentHarness, CaseContext) async throws -> Void
    ) -> ConformanceCase {
        ConformanceCase(id, title, requirements: requirements, profile: profile, timeout: timeout) { context in
            guard let harness else { throw CaseStop.skipped("no agent under test") }
            harness.begin(context)
            try await body(harness, context)
        }
    }
}
