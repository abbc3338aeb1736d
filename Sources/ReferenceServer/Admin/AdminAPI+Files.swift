import EACPProtocol
import EACPTransport
import Foundation

extension AdminAPI {
    /// PUT /admin/v1/content/{revision}[?downgrade=true]: publishes the body as a content revision.
    func publishContent(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        let text = request.pathParameters["revision"] ?? ""
        guard let revision = Int64(text), revision > 0 else { throw .badRequest("the revision must be a positive integer") }
        guard !request.body.isEmpty else { throw .badRequest("the body must hold the content package") }
        let downgrade = request.head.target.contains("downgrade=true")
        let digest = SHA256.digest(request.body)
        let path = (context.dataFolder.contentFolder as NSString).appendingPathComponent("\(revision)-\(Hex.encode(digest)).bin")
        try writeFile(request.body, to: path)

        let record = ContentRevisionRecord(
            revision: revision, sha256: digest, filePath: path, sizeBytes: Int64(request.body.count),
            publishedUnixMs: context.now, downgrade: downgrade)
        do {
            try context.store.publishContentRevision(record)
        } catch where error.code == .conflict {
            throw AdminError(409, "revision \(revision) cannot be published: \(error.message)")
        } catch {
            throw AdminError(500, error.message)
        }
        context.log.info("content.published", ["revision": revision, "bytes": request.body.count, "downgrade": downgrade])
        return Self.json(["revision": revision, "sha256": Hex.encode(digest), "size_bytes": request.body.count], status: 201)
    }

    /// PUT /admin/v1/builds/{version}: stores the body as the agent build of that version.
    func uploadBuild(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        let text = request.pathParameters["version"] ?? ""
        guard let version = try? AgentVersion(parsing: text) else { throw .badRequest("\"\(text)\" is not a valid agent version") }
        guard !request.body.isEmpty else { throw .badRequest("the body must hold the agent build") }
        let digest = SHA256.digest(request.body)
        let path = (context.dataFolder.buildsFolder as NSString).appendingPathComponent("\(version)-\(Hex.encode(digest))")
        try writeFile(request.body, to: path)

        let build = AgentBuildRecord(
            version: version.description, platform: UpgradePackages.anyPlatform, filePath: path,
            sizeBytes: Int64(request.body.count), sha256: digest, builtUnixMs: context.now)
        do {
            try context.store.storeAgentBuild(build)
        } catch where error.code == .conflict {
            throw AdminError(409, "another build of \(version) is stored: \(error.message)")
        } catch {
            throw AdminError(500, error.message)
        }
        return Self.json(["version": version.description, "sha256": Hex.encode(digest), "size_bytes": request.body.count], status: 201)
    }

    /// PUT /admin/v1/upgrade-assignment: `{"version": "1.4", "agent_id": "…"}`; without `agent_id`
    /// the assignment applies to the whole fleet. An empty version removes the assignment.
    func assignUpgrade(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        var json = try JSONObject(body: request.body, context: "body")
        let versionText = try json.string("version")
        let agentID = try json.string("agent_id", default: "")
        try json.finish()
        let target: UpgradeTarget = agentID.isEmpty ? .fleet : .agent(agentID)
        if versionText.isEmpty {
            let removed = try stored("remove assignment") { () throws(ServerStoreError) in
                try context.store.removeUpgradeAssignment(target: target)
            }
            return Self.json(["removed": removed])
        }
        guard let version = try? AgentVersion(parsing: versionText) else {
            throw .badRequest("\"\(versionText)\" is not a valid agent version")
        }
        let build = try stored("agent build") { () throws(ServerStoreError) in
            try context.store.agentBuild(version: version.description, platform: UpgradePackages.anyPlatform)
        }
        guard build != nil else { throw AdminError(409, "no agent build of \(version) is stored; upload one first") }
        let now = context.now
        try stored("assign upgrade") { () throws(ServerStoreError) in
            try context.store.assignUpgrade(UpgradeAssignmentRecord(target: target, version: version.description, assignedUnixMs: now))
        }
        return Self.json(["version": version.description, "agent_id": agentID.isEmpty ? "*" : agentID])
    }

    /// POST /admin/v1/enrollment-tokens: makes a new enrollment token and returns it once.
    func createEnrollmentToken(_ request: ServerRequest) throws(AdminError) -> ServerResponse {
        var json = try JSONObject(body: request.body, context: "body")
        let label = try json.string("label", default: "")
        let maximumUses: Int = try json.integer("maximum_uses", default: 1)
        let lifetimeSeconds: Int64 = try json.integer("expires_in_seconds", default: 7 * 86_400)
        try json.finish()
        guard maximumUses > 0, lifetimeSeconds > 0 else { throw .badRequest("maximum_uses and expires_in_seconds must be positive") }
        let token = ServerTokens.randomToken()
        let now = context.now
        let record = EnrollmentTokenRecord(
            tokenDigest: SHA256.digest(token), label: label, createdUnixMs: now,
            expiresUnixMs: now + lifetimeSeconds * 1_000, maximumUses: maximumUses)
        try stored("insert token") { () throws(ServerStoreError) in try context.store.insertEnrollmentToken(record) }
        return Self.json(["token": token, "expires_unix_ms": record.expiresUnixMs, "maximum_uses": maximumUses], status: 201)
    }

    private func writeFile(_ bytes: [UInt8], to path: String) throws(AdminError) {
        do {
            try FileStore.writeDurably(bytes, to: path)
        } catch {
            context.metrics.storageErrors.add(1)
            throw AdminError(500, "\(error)")
        }
    }

    /// GET /metrics in the Prometheus text format.
    func metrics() -> ServerResponse {
        var counts: ActionCounts?
        do {
            counts = try context.store.actionCounts()
        } catch {
            // The scrape still answers with the counters, so the failure shows in eacp_storage_errors_total.
            context.metrics.storageErrors.add(1)
            context.log.error("metrics.count_failed", ["error": error.message])
        }
        let text = context.metrics.render(connectedAgents: context.pushChannels.connectedCount, actionCounts: counts)
        return ServerResponse(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4"], body: Array(text.utf8))
    }
}
