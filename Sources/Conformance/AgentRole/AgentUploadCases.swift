import EACPProtocol
import EACPTransport
import Foundation

/// The agent's side of chunked uploads, seen through one RETRIEVE_ENDPOINT_FILES action whose upload
/// the harness interrupts twice: one chunk request fails with 503, and the receipt of the last
/// chunk reports it not stored.
enum AgentUploadCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [chunksResumed(harness)]
    }

    static let chunksPath = "/eacp/v1/uploads/chunk"
    /// 4 MiB: more than one chunk of the largest size, 4190208 bytes.
    static let fileSize = 4_194_304

    /// One chunk request and the harness's response to it.
    struct Exchange: Sendable {
        var chunk: UploadChunk
        var arrived: ContinuousClock.Instant
        var answered: ContinuousClock.Instant
        /// Nil when the request failed with 503.
        var receipt: UploadReceipt?
    }

    static func chunksResumed(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.uploads.chunks-resumed",
               "An upload goes in checked chunks one at a time, resumes from the server's offset after a failed chunk, and is reported only once complete",
               ["EACP-UPLOAD-001", "EACP-UPLOAD-002", "EACP-UPLOAD-007", "EACP-UPLOAD-011"], harness, profile: .uploads,
               timeout: .seconds(60)) { harness, context in
            // One changing byte per 4 KiB page is enough to make every chunk's SHA-256 differ.
            var bytes = [UInt8](repeating: 0x2E, count: fileSize)
            for page in stride(from: 0, to: fileSize, by: 4_096) { bytes[page] = UInt8(truncatingIfNeeded: page >> 12) }
            let path = harness.filesDirectory + "/upload-\(UUID().uuidString.prefix(8).lowercased()).bin"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let exchanges = LockedValue<[Exchange]>([])
            let undecodable = LockedValue<[Int]>([])
            let handler = interrupting(harness, exchanges, undecodable)
            harness.handlers.script.update { $0.overrides[chunksPath] = Array(repeating: handler, count: 64) }
            defer { harness.handlers.script.update { $0.overrides[chunksPath] = nil } }

            var parameters = RetrieveEndpointFilesParameters()
            parameters.paths = [path]
            let envelope = harness.envelope(.retrieveEndpointFiles, .retrieveEndpointFiles(parameters))
            if !harness.handlers.push(.action(envelope)) {
                harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            }
            guard let result = try await harness.result(for: envelope.actionId, timeout: .seconds(40)) else {
                throw CaseStop.failed("no ActionResult for \(envelope.actionId) within 40 s")
            }
            let resultAt = harness.handlers.observations.value.results.first { $0.value.result.actionId == envelope.actionId }?.at ?? .now
            if let size = undecodable.value.first {
                throw CaseStop.failed("a chunk request of \(size) bytes does not decode as an UploadChunk within the field limits (a chunk has at most 4190208 bytes)")
            }
            let seen = exchanges.value
            context.transcript.note("\(seen.count) chunk requests; result \(result.state) with \(result.uploads.count) uploads")
            try context.require(result.state == .succeeded, "retrieving a \(fileSize)-byte file ended \(result.state) \(result.errorCode): \(result.detail)")
            try checkChunkFields(seen.map(\.chunk), actionID: envelope.actionId, total: bytes, context)
            try checkOrder(seen, context)
            try checkResult(result, seen, resultAt: resultAt, context)
        }
    }

    /// Makes the chunk handler: the first request at a nonzero offset fails with 503, the first
    /// request that would complete the upload gets a receipt that leaves it unstored, and the rest go to the
    /// harness's normal handling.
    static func interrupting(
        _ harness: AgentHarness, _ exchanges: LockedValue<[Exchange]>, _ undecodable: LockedValue<[Int]>
    ) -> HarnessOverride {
        { body in
            let arrived = ContinuousClock.now
            guard let chunk = try? UploadChunk(wireBytes: body) else {
                undecodable.update { $0.append(body.count) }
                var reply = ErrorReply()
                reply.code = .malformedMessage
                reply.message = "the body is not a valid UploadChunk"
                return HTTPResponse(status: .badRequest, headers: ["Content-Type": HarnessHandlers.mediaType], body: reply.wireBytes())
            }
            let earlier = exchanges.value
            let stored = UInt64(harness.handlers.uploads.value[chunk.uploadId]?.count ?? 0)
            var receipt: UploadReceipt?
            let response: HTTPResponse
            if chunk.offset > 0, !earlier.contains(where: { $0.receipt == nil }) {
                harness.handlers.observations.update { $0.uploadChunks.append(.init(at: arrived, value: chunk)) }
                var reply = ErrorReply()
                reply.code = .unavailable
                reply.message = "the harness fails this chunk request once"
                response = HTTPResponse(status: HTTPStatus(code: 503), headers: ["Content-Type": HarnessHandlers.mediaType], body: reply.wireBytes())
            } else if chunk.offset == stored, !chunk.chunk.isEmpty, stored + UInt64(chunk.chunk.count) == chunk.totalSize,
                !earlier.contains(where: { $0.chunk.offset == chunk.offset && !$0.chunk.chunk.isEmpty })
            {
                harness.handlers.observations.update { $0.uploadChunks.append(.init(at: arrived, value: chunk)) }
                var unstored = UploadReceipt()
                unstored.uploadId = chunk.uploadId
                unstored.nextOffset = stored
                receipt = unstored
                response = AgentRetryCases.reply(unstored)
            } else {
                guard case .reply(let message) = harness.handlers.uploadChunk(chunk), let normal = message as? UploadReceipt else {
                    return HTTPResponse(status: .internalServerError)
                }
                receipt = normal
                response = AgentRetryCases.reply(normal)
            }
            exchanges.update { $0.append(Exchange(chunk: chunk, arrived: arrived, answered: .now, receipt: receipt)) }
            return response
        }
    }

    /// Requires the same upload id, action id, total size and total SHA-256 in every chunk, and each
    /// chunk's own SHA-256 and size limit.
    static func checkChunkFields(_ chunks: [UploadChunk], actionID: String, total: [UInt8], _ context: CaseContext) throws {
        try context.require(!chunks.isEmpty, "the agent sent no upload chunk")
        let uploadID = chunks[0].uploadId
        let totalSHA256 = SHA256Digest.of(total)
        try context.require(!uploadID.isEmpty, "the first chunk has no upload_id")
        for chunk in chunks {
            let at = "the chunk at offset \(chunk.offset)"
            try context.require(chunk.uploadId == uploadID, "\(at) has upload_id \(chunk.uploadId), the first chunk \(uploadID)")
            try context.require(chunk.actionId == actionID, "\(at) has action_id \(chunk.actionId), expected \(actionID)")
            try context.require(chunk.chunk.count <= 4_190_208, "\(at) has \(chunk.chunk.count) bytes, above 4190208")
            try context.require(chunk.chunkSha256 == SHA256Digest.of(chunk.chunk), "\(at) carries a chunk_sha256 that is not the SHA-256 of its bytes")
            try context.require(chunk.totalSize == UInt64(total.count), "\(at) has total_size \(chunk.totalSize), the file has \(total.count) bytes")
            try context.require(chunk.totalSha256 == totalSHA256, "\(at) carries a total_sha256 that is not the SHA-256 of the file")
        }
    }

    /// Requires each request to come after the response to the one before, the first at offset 0,
    /// each after a receipt at its `next_offset`, and each after a failure at offset 0.
    static func checkOrder(_ exchanges: [Exchange], _ context: CaseContext) throws {
        try context.require(exchanges.first?.chunk.offset == 0, "the first chunk is at offset \(exchanges.first?.chunk.offset ?? 0), not 0")
        try context.require(exchanges.contains { $0.receipt == nil }, "the upload never reached a nonzero offset, so no chunk request failed")
        for (previous, next) in zip(exchanges, exchanges.dropFirst()) {
            try context.require(next.arrived >= previous.answered,
                                "the chunk at offset \(next.chunk.offset) came before the response to the chunk at offset \(previous.chunk.offset)")
            if let receipt = previous.receipt {
                try context.require(next.chunk.offset == receipt.nextOffset,
                                    "after a receipt with next_offset \(receipt.nextOffset) the agent sent a chunk at offset \(next.chunk.offset)")
            } else {
                try context.require(next.chunk.offset == 0,
                                    "after a failed chunk request the agent sent a chunk at offset \(next.chunk.offset) instead of asking for the resume point at offset 0")
            }
        }
    }

    /// Requires the result to list the upload, and only after a receipt with `complete` true.
    static func checkResult(_ result: ActionResult, _ exchanges: [Exchange], resultAt: ContinuousClock.Instant, _ context: CaseContext) throws {
        try context.require(result.uploads.count == 1, "the result lists \(result.uploads.count) uploads for one file")
        let uploadID = result.uploads[0].uploadId
        let completed = exchanges.first { $0.chunk.uploadId == uploadID && $0.receipt?.complete == true }
        guard let completed else {
            throw CaseStop.failed("the result lists upload \(uploadID), but no receipt had complete true")
        }
        try context.require(completed.answered <= resultAt, "the result listing upload \(uploadID) came before the receipt that completed it")
    }
}
