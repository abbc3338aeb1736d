import EACPProtocol
import Foundation

extension AdminAPI {
    /// POST /admin/v1/actions: queues one action for each agent in `agent_ids`. The answer lists, per
    /// agent, the new action or the reason it was rejected; one rejected agent does not stop the others.
    func queueActions(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        var json = try JSONObject(body: request.body, context: "body")
        let agentIDs = try json.strings("agent_ids")
        guard !agentIDs.isEmpty else { throw .badRequest("body: \"agent_ids\" must name at least one agent") }
        let kind = try ActionParametersJSON.kind(named: json.string("kind"))
        var parametersJSON = try json.object("parameters")
        let parameters = try ActionParametersJSON.encode(kind: kind, &parametersJSON)
        let lifetimeSeconds: Int64 = try json.integer("expires_in_seconds", default: context.settings.defaultActionLifetimeSeconds)
        let notBefore: Int64 = try json.integer("not_before_unix_ms")
        let minimumVersion = try json.string("minimum_agent_version", default: "")
        try json.finish()
        guard lifetimeSeconds > 0 else { throw .badRequest("body: \"expires_in_seconds\" must be positive") }

        let expires = context.now + lifetimeSeconds * 1_000
        var results: [[String: Any]] = []
        for agentID in agentIDs {
            let order = ActionDelivery.Order(
                agentID: agentID, kind: kind, parameters: parameters, notBeforeUnixMs: notBefore,
                expiresUnixMs: expires, minimumAgentVersion: minimumVersion)
            do {
                let record = try delivery.queue(order)
                results.append(["agent_id": agentID, "action": actionJSON(record)])
            } catch {
                results.append(["agent_id": agentID, "error": error.message])
            }
        }
        let allFailed = results.allSatisfy { $0["error"] != nil }
        return Self.json(["results": results], status: allFailed ? 422 : 201)
    }

    func inspectAction(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        let id = request.pathParameters["action"] ?? ""
        let record = try stored("action") { () throws(ServerStoreError) in try context.store.action(id: id) }
        guard let record else { throw .notFound("no action has id \(id)") }
        return Self.json(actionJSON(record))
    }

    func agentActions(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        let record = try agent(request)
        let actions = try stored("actions") { () throws(ServerStoreError) in
            try context.store.actions(agentID: record.agentID, states: Set(ActionState.allCases), limit: 1_000)
        }
        return Self.json(["actions": actions.map(actionJSON)])
    }

    func cancelAction(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        do {
            return Self.json(actionJSON(try delivery.cancel(actionID: request.pathParameters["action"] ?? "")))
        } catch {
            throw AdminError(error.code == .notFound ? 404 : 409, error.message)
        }
    }

    func actionJSON(_ record: ActionRecord) -> [String: Any] {
        var json: [String: Any] = [
            "action_id": record.action.actionID, "agent_id": record.action.agentID,
            "kind": ActionParametersJSON.name(of: ActionKind(rawValue: record.action.kind)),
            "sequence_number": record.sequenceNumber, "state": record.lifecycleStateName,
            "created_unix_ms": record.action.createdUnixMs, "expires_unix_ms": record.action.expiresUnixMs,
            "push_attempts": record.pushAttempts,
        ]
        json["delivery_path"] = record.deliveryPath?.rawValue
        json["acknowledged_unix_ms"] = record.acknowledgedUnixMs
        if let outcome = record.outcome {
            var result: [String: Any] = [
                "terminal_state": "\(ActionTerminalState(rawValue: outcome.terminalState))",
                "error_code": "\(ActionErrorCode(rawValue: outcome.errorCode))", "detail": outcome.detail,
                "finished_unix_ms": outcome.finishedUnixMs,
            ]
            if let bytes = outcome.result, let agentResult = try? ActionResult(wireBytes: bytes) {
                result["uploads"] = agentResult.uploads.map { upload -> [String: Any] in
                    ["upload_id": upload.uploadId, "name": upload.name, "total_size": upload.totalSize,
                     "total_sha256": Hex.encode(upload.totalSha256)]
                }
            }
            json["outcome"] = result
        }
        return json
    }

    /// GET /admin/v1/agents/{agent}/uploads/{upload}: the bytes of a complete upload.
    func download(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        let record = try agent(request)
        let uploadID = request.pathParameters["upload"] ?? ""
        let upload = try stored("upload") { () throws(ServerStoreError) in
            try context.store.upload(agentID: record.agentID, uploadID: uploadID)
        }
        guard let upload, upload.complete else { throw .notFound("no complete upload \(uploadID) for agent \(record.agentID)") }
        do {
            let body = try FileStore.read(upload.filePath, offset: 0, count: Int(upload.totalSize))
            return ServerResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: body)
        } catch {
            throw AdminError(500, "upload \(uploadID) could not be read: \(error)")
        }
    }
}
