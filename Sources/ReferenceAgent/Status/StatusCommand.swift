import Foundation
import Glibc

/// `eacp-agent status`: reads the running agent's status file and prints it for a person or as JSON.
public enum StatusCommand {
    /// A status file older than this belongs to an agent that stopped writing it.
    static let staleAfterMs: Int64 = 10_000

    public enum Outcome {
        case running(StatusSnapshot)
        case notRunning(String)
    }

    public static func read(stateDirectory: String) -> Outcome {
        let path = StatusSnapshot.filePath(stateDirectory)
        guard let data = FileManager.default.contents(atPath: path) else {
            return .notRunning("no agent is running with state folder \(stateDirectory) (no status file)")
        }
        guard let snapshot = try? StatusSnapshot.decoder.decode(StatusSnapshot.self, from: data) else {
            return .notRunning("the status file \(path) is unreadable; is an agent of this version running?")
        }
        if kill(snapshot.pid, 0) != 0, errno == ESRCH {
            return .notRunning("no agent is running with state folder \(stateDirectory) (process \(snapshot.pid) is gone)")
        }
        if AgentClock.nowUnixMs() - snapshot.writtenUnixMs > staleAfterMs {
            return .notRunning("the agent (process \(snapshot.pid)) has not updated its status for more than 10 s")
        }
        return .running(snapshot)
    }

    /// Formats the snapshot for a person: the push channel first, then the rest unless `websocketOnly` is true.
    public static func render(_ snapshot: StatusSnapshot, websocketOnly: Bool, nowUnixMs: Int64 = AgentClock.nowUnixMs()) -> String {
        func time(_ value: Int64?) -> String {
            guard let value else { return "never" }
            let seconds = Double(nowUnixMs - value) / 1000
            let stamp = Date(timeIntervalSince1970: Double(value) / 1000).formatted(.iso8601)
            return String(format: "%@ (%.1f s ago)", stamp, seconds)
        }
        let push = snapshot.pushChannel
        var lines = [
            "Push channel:   \(push.state)"
                + (push.state == "connected" ? " since \(time(push.connectedSinceUnixMs))" : " since \(time(push.disconnectedSinceUnixMs))"),
            "Server:         \(snapshot.serverUrl)",
            "Proxy:          " + (snapshot.proxy.host.map { "\($0):\(snapshot.proxy.port ?? 0) (\(snapshot.proxy.mode))" } ?? "none (direct)"),
            "TLS:            \(snapshot.tls.version ?? "not yet connected") \(snapshot.tls.cipher ?? "")",
            "Server cert:    sha256 \(snapshot.tls.serverCertificateSha256 ?? "unknown")",
            "Last ping:      \(push.lastPingUnixMs.map { time($0) } ?? "none sent yet")",
            "Last pong:      \(push.lastPongUnixMs.map { time($0) } ?? "none received yet")",
            "Missed pongs:   closes after \(push.missedPongLimit) in a row",
            "Connects:       \(push.connectCount)" + (push.lastError.isEmpty ? "" : ", last error: \(push.lastError)"),
        ]
        if let next = push.nextAttemptUnixMs, push.state != "connected" {
            lines.append("Next attempt:   in \(max(0, next - nowUnixMs)) ms")
        }
        if websocketOnly { return lines.joined(separator: "\n") }
        let queues = snapshot.queues
        lines += [
            "Agent:          \(snapshot.agentId ?? "not enrolled") version \(snapshot.agentVersion), pid \(snapshot.pid)",
            "Heartbeat:      sent \(time(snapshot.heartbeat.lastSentUnixMs)), answered \(time(snapshot.heartbeat.lastAnsweredUnixMs))"
                + (snapshot.heartbeat.consecutiveFailures > 0 ? ", \(snapshot.heartbeat.consecutiveFailures) failures: \(snapshot.heartbeat.lastError)" : ""),
            "Queues:         \(queues.securityEvents) security events (\(queues.droppedSecurityEvents) dropped), \(queues.statusReports) status reports, \(queues.agentLogRecords) log records, \(queues.actionResults) action results",
            "Content:        revision \(snapshot.content.revision)" + (snapshot.content.sha256.map { " sha256 \($0)" } ?? ""),
            "Isolation:      \(snapshot.isolation.state) (\(snapshot.isolation.backend) backend)",
        ]
        return lines.joined(separator: "\n")
    }
}

extension StatusCommand.Outcome {
    /// True when an agent is running and its push channel is connected.
    public var isConnected: Bool {
        if case .running(let snapshot) = self { return snapshot.pushChannel.state == "connected" }
        return false
    }
}
