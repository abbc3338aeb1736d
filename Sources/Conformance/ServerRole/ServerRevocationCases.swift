import EACPProtocol
import EACPTransport
import Foundation

/// What a server must answer an agent that the administrator revoked.
enum ServerRevocationCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [revokedAgent(target)]
    }

    /// The headers of a version 13 WebSocket upgrade that offers `eacp.v1`, with a fixed key: any 16
    /// bytes in base64 (RFC 6455 section 4.1). The HTTP client adds Host.
    static let pushUpgradeHeaders: HTTPHeaders = [
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "Y29uZm9ybWFuY2Uta2V5MQ==", "Sec-WebSocket-Protocol": "eacp.v1",
    ]

    static func revokedAgent(_ target: ServerTarget) -> ConformanceCase {
        .server("server.auth.rejects-revoked-agent",
                "A revoked agent's heartbeat and push-channel upgrade get 403 FORBIDDEN",
                ["EACP-ENROLL-009", "EACP-PUSH-002"], target, timeout: .seconds(15)) { kit in
            let agent = try await kit.enrolledAgent()
            let revoke = try await kit.admin.call(.post, "/admin/v1/agents/\(agent.agentID)/revoke")
            guard revoke.status == 200 else {
                throw CaseStop.notChecked("the administrator API did not revoke the agent (status \(revoke.status))")
            }
            try kit.expectError(
                try await agent.post("/eacp/v1/heartbeat", agent.nextHeartbeat()), status: 403, code: .forbidden,
                "heartbeat from a revoked agent")
            let upgrade = try await agent.get("/eacp/v1/push", headers: pushUpgradeHeaders)
            try kit.expectError(
                (upgrade.status.code, upgrade.body), status: 403, code: .forbidden, "push-channel upgrade from a revoked agent")
        }
    }
}
