import EACPProtocol
import EACPTransport
import Foundation

/// The administrator API under /admin/v1: JSON in and out, `Authorization: Bearer <admin token>`.
/// spec/admin-api.yaml describes every path.
struct AdminAPI {
    let context: ServerContext
    let delivery: ActionDelivery

    /// Checks the bearer token, then runs `body`; every error becomes a JSON error response.
    func authorized(_ request: ServerRequest, _ body: () throws(AdminError) -> ServerResponse) -> ServerResponse {
        do throws(AdminError) {
            guard isAuthorized(authorization: request.head.headers.first(name: "Authorization")) else {
                context.log.warning("admin.unauthorized", ["path": request.path])
                throw AdminError(401, "a valid administrator token is required: Authorization: Bearer <token>")
            }
            return try body()
        } catch {
            return Self.json(["error": error.message], status: error.status)
        }
    }

    /// Checks an `Authorization` header value against the administrator token.
    func isAuthorized(authorization header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        return Self.equalInConstantTime(SHA256.digest(String(header.dropFirst("Bearer ".count))), context.adminTokenDigest)
    }

    static func json(_ value: Any, status: Int = 200) -> ServerResponse {
        ServerResponse(status: HTTPStatus(code: status), headers: ["Content-Type": "application/json"], body: AdminJSON.encode(value))
    }

    private static func equalInConstantTime(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    func stored<Value>(_ operation: String, _ body: () throws(ServerStoreError) -> Value) throws(AdminError) -> Value {
        do {
            return try context.stored(operation, body)
        } catch {
            throw AdminError(error.code == .unavailable ? 503 : 500, error.message)
        }
    }

    func agent(_ request: ServerRequest) throws(AdminError) -> AgentRecord {
        let id = request.pathParameters["agent"] ?? ""
        let record = try stored("agent") { () throws(ServerStoreError) in try context.store.agent(id: id) }
        guard let record else { throw .notFound("no agent has id \(id)") }
        return record
    }

    // MARK: Agents

    func listAgents(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        let agents = try stored("agents") { () throws(ServerStoreError) in try context.store.agents() }
        return Self.json(["agents": agents.map(agentJSON)])
    }

    func inspectAgent(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        Self.json(agentJSON(try agent(request)))
    }

    func agentJSON(_ agent: AgentRecord) -> [String: Any] {
        var json: [String: Any] = [
            "agent_id": agent.agentID, "agent_version": agent.agentVersion, "enrolled_unix_ms": agent.enrolledUnixMs,
            "revoked": agent.revokedUnixMs != nil, "isolated": agent.isolated,
            "push_channel_connected": agent.pushChannel != nil,
            "log_collection": agent.logCollectionOverride ?? context.settings.logCollection,
        ]
        json["last_seen_unix_ms"] = agent.lastSeenUnixMs
        json["push_channel_replica"] = agent.pushChannel?.replicaID
        if let bytes = agent.lastHeartbeat, let heartbeat = try? Heartbeat(wireBytes: bytes) {
            json["last_heartbeat"] = [
                "sequence_number": heartbeat.sequenceNumber,
                "agent_time_unix_ms": heartbeat.agentTimeUnixMs,
                "content_revision": heartbeat.contentVersion?.revision ?? 0,
                "push_channel_status": "\(heartbeat.pushChannel?.status ?? .unspecified)",
                "isolation_status": "\(heartbeat.isolation?.status ?? .unspecified)",
                "proxy_mode": "\(heartbeat.proxy?.mode ?? .unspecified)",
                "queued_security_events": heartbeat.queueDepths?.securityEvents ?? 0,
            ] as [String: Any]
        }
        return json
    }

    func revokeAgent(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        let record = try agent(request)
        let now = context.now
        let changed = try stored("revoke agent") { () throws(ServerStoreError) in
            try context.store.revokeAgent(agentID: record.agentID, revokedUnixMs: now)
        }
        context.pushChannels.connection(agentID: record.agentID)?.close(code: 1008, reason: "agent revoked")
        context.log.info("agent.revoked", ["agent": record.agentID])
        return Self.json(["agent_id": record.agentID, "revoked": true, "changed": changed])
    }

    func setLogCollection(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        let record = try agent(request)
        var json = try JSONObject(body: request.body, context: "body")
        let enabled = try json.optionalBoolean("enabled")
        try json.finish()
        try stored("log collection") { () throws(ServerStoreError) in
            try context.store.setLogCollectionOverride(agentID: record.agentID, enabled: enabled)
        }
        return Self.json(["agent_id": record.agentID, "log_collection": enabled ?? context.settings.logCollection])
    }

    func events(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        let record = try agent(request)
        let events = try stored("events") { () throws(ServerStoreError) in
            try context.store.securityEvents(agentID: record.agentID, afterSequence: 0, limit: 1_000)
        }
        return Self.json(["events": events.map { stored -> [String: Any] in
            [
                "sequence": stored.sequence, "event_id": stored.event.eventID, "event_type": stored.event.eventType,
                "severity": stored.event.severity, "observed_unix_ms": stored.event.observedUnixMs,
                "received_unix_ms": stored.event.receivedUnixMs,
            ]
        }])
    }
}
