import EACPProtocol
import EACPTransport

/// Chunked uploads of a server: appending, the resume point, completion, and the check that an
/// upload belongs to an acknowledged action of the agent.
enum ServerUploadCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [appendAndComplete(target), totalHashMismatch(target), uploadOwnership(target)]
    }

    /// Ten bytes the cases upload in two chunks of five.
    static let content: [UInt8] = Array("conformity".utf8)

    /// Builds a chunk of `total` at `offset`, with the correct chunk hash unless `chunkSHA256` is given.
    static func chunk(
        _ uploadID: String, action actionID: String, offset: Int, _ bytes: [UInt8], total: [UInt8] = content,
        totalSHA256: [UInt8]? = nil, chunkSHA256: [UInt8]? = nil
    ) -> UploadChunk {
        var chunk = UploadChunk()
        chunk.uploadId = uploadID
        chunk.actionId = actionID
        chunk.offset = UInt64(offset)
        chunk.chunk = bytes
        chunk.chunkSha256 = chunkSHA256 ?? SHA256Digest.of(bytes)
        chunk.totalSize = UInt64(total.count)
        chunk.totalSha256 = totalSHA256 ?? SHA256Digest.of(total)
        return chunk
    }

    /// Enrolls an agent and acknowledges one retrieve-endpoint-files action for it, so that the action
    /// is waiting for its result.
    static func acknowledgedRetrieval(_ kit: ServerCaseKit) async throws -> (SimulatedAgent, String) {
        let agent = try await kit.enrolledAgent()
        guard let actionID = try await kit.admin.queue(
            agentID: agent.agentID, kind: "retrieve-endpoint-files", parameters: ["paths": ["/conformance/not-a-real-file"]]
        ).actionID else { throw CaseStop.failed("the server did not queue retrieve-endpoint-files") }
        let reply = try await agent.heartbeat()
        try kit.context.require(reply.pendingActions.contains { $0.actionId == actionID },
                                "the heartbeat reply does not carry \(actionID)")
        var ack = ActionAck()
        ack.actionId = actionID
        let answer = try await agent.post("/eacp/v1/actions/ack", ack)
        try kit.context.require(answer.status == 200, "the ActionAck for \(actionID) got status \(answer.status)")
        return (agent, actionID)
    }

    /// Posts `chunk` and requires 200 with a receipt for its upload at `nextOffset` and `complete`.
    static func expectReceipt(
        _ kit: ServerCaseKit, _ agent: SimulatedAgent, _ chunk: UploadChunk, nextOffset: Int, complete: Bool, _ what: String
    ) async throws {
        let answer = try await agent.post("/eacp/v1/uploads/chunk", chunk)
        try kit.context.require(answer.status == 200, "\(what): expected HTTP 200, got \(answer.status)")
        let receipt = try agent.decode(UploadReceipt.self, answer.body, from: "uploads/chunk")
        try kit.context.require(receipt.uploadId == chunk.uploadId, "\(what): the receipt names upload \(receipt.uploadId)")
        try kit.context.require(receipt.nextOffset == UInt64(nextOffset),
                                "\(what): next_offset is \(receipt.nextOffset), expected \(nextOffset)")
        try kit.context.require(receipt.complete == complete, "\(what): complete is \(receipt.complete), expected \(complete)")
    }

    static func appendAndComplete(_ target: ServerTarget) -> ConformanceCase {
        .server("server.uploads.append-resume-complete",
                "Chunks that fail a check store nothing, a wrong offset returns the resume point, and a finished upload stays complete",
                ["EACP-UPLOAD-003", "EACP-UPLOAD-004", "EACP-UPLOAD-005", "EACP-UPLOAD-006"], target, profile: .uploads) { kit in
            let (agent, actionID) = try await acknowledgedRetrieval(kit)
            let upload = "conf-upload-1"
            let first = Array(content[0..<5])
            let second = Array(content[5...])

            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 0, []), nextOffset: 0, complete: false,
                                    "an empty chunk at offset 0 of a new upload")
            let badHash = chunk(upload, action: actionID, offset: 0, first, chunkSHA256: SHA256Digest.of(second))
            try kit.expectError(try await agent.post("/eacp/v1/uploads/chunk", badHash), status: 422, code: .hashMismatch,
                                "a chunk whose chunk_sha256 does not match its bytes")
            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 0, []), nextOffset: 0, complete: false,
                                    "the resume point after a chunk with a wrong hash")
            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 0, first), nextOffset: 5, complete: false,
                                    "the first five bytes")
            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 3, second), nextOffset: 5, complete: false,
                                    "a chunk at offset 3 when 5 bytes are stored")

            let longer = content + [0x21]
            let changedTotals = chunk(upload, action: actionID, offset: 5, second, total: longer)
            try kit.expectError(try await agent.post("/eacp/v1/uploads/chunk", changedTotals), status: 400, code: .badRequest,
                                "a chunk whose total_size and total_sha256 differ from the first chunk's")
            let overrun = chunk(upload, action: actionID, offset: 5, second + [0x21])
            try kit.expectError(try await agent.post("/eacp/v1/uploads/chunk", overrun), status: 400, code: .badRequest,
                                "a chunk that ends past total_size")
            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 0, []), nextOffset: 5, complete: false,
                                    "the resume point after two rejected chunks")

            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 5, second), nextOffset: 10, complete: true,
                                    "the last five bytes")
            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 5, second), nextOffset: 10, complete: true,
                                    "the last chunk sent again after completion")
            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 0, []), nextOffset: 10, complete: true,
                                    "an empty chunk for a complete upload")

            let stored = try await download(kit, agentID: agent.agentID, uploadID: upload)
            try kit.context.require(stored.status == 200, "downloading the complete upload got status \(stored.status)")
            try kit.context.require(stored.body == content,
                                    "the server stored \(stored.body.count) bytes that differ from the 10 bytes sent")
        }
    }

    static func totalHashMismatch(_ target: ServerTarget) -> ConformanceCase {
        .server("server.uploads.total-hash-mismatch-discards",
                "An upload whose bytes do not match total_sha256 gets 422 and its stored bytes are discarded",
                ["EACP-UPLOAD-005"], target, profile: .uploads) { kit in
            let (agent, actionID) = try await acknowledgedRetrieval(kit)
            let upload = "conf-upload-2"
            let wrongTotal = SHA256Digest.of(Array("something else".utf8))
            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 0, Array(content[0..<5]), totalSHA256: wrongTotal),
                                    nextOffset: 5, complete: false, "the first five bytes")
            let last = chunk(upload, action: actionID, offset: 5, Array(content[5...]), totalSHA256: wrongTotal)
            try kit.expectError(try await agent.post("/eacp/v1/uploads/chunk", last), status: 422, code: .hashMismatch,
                                "the last chunk of an upload whose bytes do not match total_sha256")
            try await expectReceipt(kit, agent, chunk(upload, action: actionID, offset: 0, [], totalSHA256: wrongTotal),
                                    nextOffset: 0, complete: false, "the resume point after the whole-upload mismatch")
            let stored = try await download(kit, agentID: agent.agentID, uploadID: upload)
            try kit.context.require(stored.status == 404, "downloading the discarded upload got status \(stored.status), not 404")
        }
    }

    static func uploadOwnership(_ target: ServerTarget) -> ConformanceCase {
        .server("server.uploads.unknown-or-other-action",
                "A chunk for an unknown action gets 404, and an upload id reused with another action gets 400",
                ["EACP-UPLOAD-008"], target, profile: .uploads) { kit in
            let (agent, actionID) = try await acknowledgedRetrieval(kit)
            let unknown = chunk("conf-upload-3", action: "conformance-unknown-action", offset: 0, Array(content[0..<5]))
            try kit.expectError(try await agent.post("/eacp/v1/uploads/chunk", unknown), status: 404, code: .notFound,
                                "a chunk for an action id the server never issued")

            try await expectReceipt(kit, agent, chunk("conf-upload-4", action: actionID, offset: 0, Array(content[0..<5])),
                                    nextOffset: 5, complete: false, "the first five bytes")
            guard let otherAction = try await kit.admin.queue(
                agentID: agent.agentID, kind: "retrieve-endpoint-files", parameters: ["paths": ["/conformance/other-file"]]
            ).actionID else { throw CaseStop.failed("the server did not queue a second retrieve-endpoint-files") }
            _ = try await agent.heartbeat()
            var ack = ActionAck()
            ack.actionId = otherAction
            _ = try await agent.post("/eacp/v1/actions/ack", ack)
            let reused = chunk("conf-upload-4", action: otherAction, offset: 0, [])
            try kit.expectError(try await agent.post("/eacp/v1/uploads/chunk", reused), status: 400, code: .badRequest,
                                "a chunk whose upload id the agent used with another action")
        }
    }

    /// Downloads an upload through the administrator API and returns the status and the stored bytes.
    static func download(_ kit: ServerCaseKit, agentID: String, uploadID: String) async throws -> (status: Int, body: [UInt8]) {
        let path = "/admin/v1/agents/\(agentID)/uploads/\(uploadID)"
        let headers: HTTPHeaders = ["Authorization": "Bearer \(kit.target.adminToken)"]
        let response = try await kit.admin.client.send(HTTPRequestHead(method: .get, target: path, headers: headers), body: [])
        kit.context.transcript.record("runner->server", "admin GET \(path) -> \(response.status.code)", "\(response.body.count) bytes")
        return (response.status.code, response.body)
    }
}
