import EACPProtocol
import Foundation
import Glibc

/// A Unix socket in the state folder through which `eacp-agent event` hands security events to the
/// running agent. Each connection carries one JSON request line and gets one JSON reply line.
final class LocalEventServer: Sendable {
    private let agent: Agent
    private let descriptor: Int32

    static func socketPath(_ stateDirectory: String) -> String { stateDirectory + "/agent.sock" }

    init(agent: Agent) throws {
        self.agent = agent
        let path = Self.socketPath(agent.options.stateDirectory)
        unlink(path)
        descriptor = try LocalSocket.open()
        do {
            try LocalSocket.withAddress(path) { address, length in
                guard bind(descriptor, address, length) == 0 else { throw LocalSocket.Failure("bind \(path)", errno) }
            }
            chmod(path, 0o600)
            guard listen(descriptor, 16) == 0 else { throw LocalSocket.Failure("listen", errno) }
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Serves connections on a thread of its own until the task is cancelled.
    func run() async {
        let descriptor = self.descriptor
        let thread = Thread { [self] in
            while true {
                let client = accept(descriptor, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return
                }
                serve(client)
                close(client)
            }
        }
        thread.start()
        await withTaskCancellationHandler {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        } onCancel: {
            shutdown(descriptor, Int32(SHUT_RDWR))
            close(descriptor)
        }
    }

    private func serve(_ client: Int32) {
        guard let line = LocalSocket.readLine(client, maximumBytes: 128 * 1024) else { return }
        let reply: [String: String]
        do {
            let request = try EventRequest(json: line)
            let id = try agent.recordEvent(
                type: request.type, severity: request.severity, body: request.body)
            reply = ["event_id": id]
            agent.log.info("events", "event.recorded", ["event": id, "type": request.type])
        } catch {
            reply = ["error": "\(error)"]
        }
        let text = (try? JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys])) ?? Data()
        LocalSocket.writeAll(client, Array(text) + [0x0A])
    }
}

/// One request of `eacp-agent event`.
struct EventRequest {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static let severities: [String: SecurityEventSeverity] = [
        "informational": .informational, "low": .low, "medium": .medium, "high": .high, "critical": .critical,
    ]

    var type: String
    var severity: SecurityEventSeverity
    var body: [UInt8]

    init(json: [UInt8]) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
            let type = object["type"] as? String, let severityName = object["severity"] as? String
        else { throw Invalid(description: "the request must be a JSON object with type, severity and detail") }
        guard let severity = Self.severities[severityName] else {
            throw Invalid(description: "severity \"\(severityName)\" is invalid: use \(Self.severities.keys.sorted().joined(separator: ", "))")
        }
        guard (1...128).contains(type.utf8.count),
            type.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D })
        else { throw Invalid(description: "type \"\(type)\" is invalid: use 1 to 128 lowercase letters, digits, '.', '_' or '-'") }
        let detail = object["detail"] as? String ?? ""
        let body = Array(try JSONSerialization.data(withJSONObject: ["detail": detail], options: [.sortedKeys]))
        guard body.count <= 65_536 else { throw Invalid(description: "detail is longer than the 65536-byte event body limit") }
        self.type = type
        self.severity = severity
        self.body = body
    }
}
