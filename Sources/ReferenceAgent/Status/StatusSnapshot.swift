import EACPProtocol
import EACPTransport
import Foundation
import Glibc

/// The agent's connection and queue state as `eacp-agent status --json` prints it. The shape is
/// specified in spec/agent-status.md; keys are snake_case and times are Unix milliseconds.
public struct StatusSnapshot: Codable, Hashable, Sendable {
    public struct PushChannel: Codable, Hashable, Sendable {
        public var state: String
        public var connectedSinceUnixMs: Int64?
        public var disconnectedSinceUnixMs: Int64?
        public var connectCount: Int64
        public var lastError: String
        public var lastPingUnixMs: Int64?
        public var lastPongUnixMs: Int64?
        public var pingIntervalMs: Int64
        public var missedPongLimit: Int64
        public var nextAttemptUnixMs: Int64?
    }

    public struct Proxy: Codable, Hashable, Sendable {
        /// "direct", "proxy_confirmed" or "proxy_pending".
        public var mode: String
        public var host: String?
        public var port: UInt16?
        public var confirmDeadlineUnixMs: Int64?
    }

    public struct TLS: Codable, Hashable, Sendable {
        public var version: String?
        public var cipher: String?
        public var serverCertificateSha256: String?
    }

    public struct Heartbeat: Codable, Hashable, Sendable {
        public var intervalMs: Int64
        public var lastSentUnixMs: Int64?
        public var lastAnsweredUnixMs: Int64?
        public var nextUnixMs: Int64?
        public var consecutiveFailures: Int64
        public var lastError: String
    }

    public struct Queues: Codable, Hashable, Sendable {
        public var securityEvents: Int64
        public var oldestSecurityEventUnixMs: Int64?
        public var droppedSecurityEvents: Int64
        public var statusReports: Int64
        public var agentLogRecords: Int64
        public var actionResults: Int64
    }

    public struct Content: Codable, Hashable, Sendable {
        public var revision: Int64
        public var sha256: String?
    }

    public struct Isolation: Codable, Hashable, Sendable {
        /// "isolated" or "not_isolated".
        public var state: String
        public var backend: String
        public var actionId: String?
        public var sinceUnixMs: Int64?
    }

    public var schemaVersion = 1
    public var pid: Int32
    public var writtenUnixMs: Int64
    public var agentId: String?
    public var agentVersion: String
    public var serverUrl: String
    public var pushChannel: PushChannel
    public var proxy: Proxy
    public var tls: TLS
    public var heartbeat: Heartbeat
    public var queues: Queues
    public var content: Content
    public var isolation: Isolation

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    static func filePath(_ stateDirectory: String) -> String { stateDirectory + "/status.json" }

    /// Reads the agent's state from memory, the state file and the store.
    static func capture(_ agent: Agent) throws -> StatusSnapshot {
        agent.push.recordLiveness(agent)
        let runtime = agent.runtime.withLock { $0 }
        let state = agent.localState.current
        let tls = agent.link.observation.current
        let depths = try agent.queueDepths()
        let content = try agent.store.installedContent()
        let proxyMode = state.pendingProxyChange != nil ? "proxy_pending" : (state.proxy.isDirect ? "direct" : "proxy_confirmed")
        return StatusSnapshot(
            pid: getpid(), writtenUnixMs: AgentClock.nowUnixMs(),
            agentId: agent.credentials.withLock { $0?.agentID }, agentVersion: agent.version,
            serverUrl: agent.options.serverURL.description,
            pushChannel: PushChannel(
                state: runtime.push.state, connectedSinceUnixMs: runtime.push.connectedSinceUnixMs,
                disconnectedSinceUnixMs: runtime.push.disconnectedSinceUnixMs, connectCount: runtime.push.connectCount,
                lastError: runtime.push.lastError, lastPingUnixMs: runtime.push.lastPingUnixMs,
                lastPongUnixMs: runtime.push.lastPongUnixMs, pingIntervalMs: state.settings.pushPingIntervalMs,
                missedPongLimit: state.settings.pushMissedPongLimit, nextAttemptUnixMs: runtime.push.nextAttemptUnixMs),
            proxy: Proxy(
                mode: proxyMode, host: state.proxy.isDirect ? nil : state.proxy.host,
                port: state.proxy.isDirect ? nil : state.proxy.port,
                confirmDeadlineUnixMs: state.pendingProxyChange?.deadlineUnixMs),
            tls: TLS(version: tls.version, cipher: tls.cipher, serverCertificateSha256: tls.serverCertificateSHA256),
            heartbeat: Heartbeat(
                intervalMs: state.settings.heartbeatIntervalMs, lastSentUnixMs: runtime.lastHeartbeatSentUnixMs,
                lastAnsweredUnixMs: runtime.lastHeartbeatAnsweredUnixMs, nextUnixMs: runtime.nextHeartbeatUnixMs,
                consecutiveFailures: runtime.heartbeatFailures, lastError: runtime.lastHeartbeatError),
            queues: Queues(
                securityEvents: Int64(depths.securityEvents),
                oldestSecurityEventUnixMs: depths.oldestSecurityEventUnixMs == 0 ? nil : depths.oldestSecurityEventUnixMs,
                droppedSecurityEvents: Int64(depths.droppedSecurityEvents), statusReports: Int64(depths.statusReports),
                agentLogRecords: Int64(depths.agentLogRecords), actionResults: Int64(depths.actionReplies)),
            content: Content(revision: content?.revision ?? 0, sha256: content.map { SHA256.hex($0.sha256) }),
            isolation: Isolation(
                state: state.isolation.isolated ? "isolated" : "not_isolated", backend: agent.options.isolationBackend,
                actionId: state.isolation.actionID.isEmpty ? nil : state.isolation.actionID,
                sinceUnixMs: state.isolation.sinceUnixMs == 0 ? nil : state.isolation.sinceUnixMs))
    }
}

extension Agent {
    /// How often the running agent rewrites its status file.
    static let statusFileInterval: Duration = .seconds(1)

    /// Rewrites the status file atomically every second, and removes it on a clean stop.
    func statusFileLoop() async {
        let path = StatusSnapshot.filePath(options.stateDirectory)
        while !Task.isCancelled {
            do {
                try AtomicFile.write(Array(try StatusSnapshot.encoder.encode(try StatusSnapshot.capture(self))), to: path, mode: 0o644)
            } catch {
                log.warning("status", "status_file.write_failed", ["error": error])
            }
            try? await Task.sleep(for: Self.statusFileInterval)
        }
        unlink(path)
    }
}
