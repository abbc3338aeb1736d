import EACPProtocol
import EACPTransport

/// The comparison of agent versions when a server gates an action on `minimum_agent_version`.
enum ServerVersionCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [minimumByValue(target)]
    }

    static func minimumByValue(_ target: ServerTarget) -> ConformanceCase {
        .server("server.versions.minimum-compared-by-value",
                "An action's minimum_agent_version is compared with the agent's version component by component, not as text",
                ["EACP-VERSION-003", "EACP-VERSION-004", "EACP-VERSION-008"], target) { kit in
            let agent = try await kit.enrolledAgent(version: "1.10")
            // At or below 1.10 by value. As text, "1.9" and "1.10.0.0" sort after "1.10".
            for minimum in ["1.9", "1.10.0.0", "01.10", "1"] {
                let queued = try await kit.admin.queue(
                    agentID: agent.agentID, kind: "quarantine-file", parameters: ServerActionCases.quarantine, minimumVersion: minimum)
                try kit.context.require(
                    queued.actionID != nil,
                    "an action with minimum_agent_version \(minimum) was rejected for an agent at 1.10: \(queued.error ?? "status \(queued.status)")")
            }
            // Above 1.10 by value, so a server that ignores the minimum fails here.
            for minimum in ["1.10.1", "1.11", "2"] {
                let queued = try await kit.admin.queue(
                    agentID: agent.agentID, kind: "quarantine-file", parameters: ServerActionCases.quarantine, minimumVersion: minimum)
                try kit.context.require(
                    queued.actionID == nil, "an action with minimum_agent_version \(minimum) was queued for an agent at 1.10")
            }
        }
    }
}
