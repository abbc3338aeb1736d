import EACPProtocol
import EACPTransport
import Foundation

/// POST /eacp/v1/uploads/chunk: stores one chunk of a file the agent uploads for an action.
///
/// Chunks arrive in order. Each chunk is checked against its SHA-256, written and fsynced at its
/// offset, and only then is the stored offset advanced, so `next_offset` never covers bytes that
/// are not on disk. The whole file is checked against `total_sha256` when its last byte arrives.
struct UploadHandler {
    let context: ServerContext
    let delivery: ActionDelivery

    /// From `UploadChunk.chunk`: 4 MiB less 4 KiB.
    static let maximumChunkBytes = 4_190_208

    func handle(_ request: ServerRequest) throws(ProtocolFailure) -> ServerResponse {
        let agent = try context.authenticate(request)
        let chunk = try request.decodeBody(UploadChunk.self)
        try validate(chunk)
        let action = try delivery.ownedAction(chunk.actionId, agentID: agent.agentID)
        // NOTE: the spec requires an acknowledged action. A pushed or delivered one is accepted too,
        // because an ack sent on the push channel gets no receipt and may be handled after the first chunk.
        guard action.state == .pushed || action.state == .delivered else {
            throw ProtocolFailure(.notFound, "action \(chunk.actionId) is not waiting for a result")
        }

        let folder = (context.dataFolder.uploadsFolder as NSString).appendingPathComponent(agent.agentID)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let now = context.now
        let proposal = UploadRecord(
            agentID: agent.agentID, uploadID: chunk.uploadId, actionID: chunk.actionId, totalSize: Int64(chunk.totalSize),
            totalSHA256: chunk.totalSha256, filePath: (folder as NSString).appendingPathComponent(chunk.uploadId),
            createdUnixMs: now)
        let upload: UploadRecord
        do {
            upload = try context.store.beginUpload(proposal)
        } catch where error.code == .conflict {
            if BrokenVariant.isActive(.resumesReusedUploadID),
                let existing = try? context.store.upload(agentID: agent.agentID, uploadID: chunk.uploadId)
            {
                return .message(Self.receipt(existing))
            }
            throw ProtocolFailure(.badRequest, "upload \(chunk.uploadId) was started with another action, size or SHA-256")
        } catch {
            throw ProtocolFailure.storage(error)
        }

        // An empty chunk requests the resume point. A chunk at any offset other than the stored length
        // gets the same receipt and stores nothing, so the agent continues from `next_offset`.
        if upload.complete || chunk.chunk.isEmpty || Int64(chunk.offset) != upload.receivedOffset {
            return .message(BrokenVariant.uploadReceipt(Self.receipt(upload), for: chunk))
        }
        return .message(try store(chunk, into: upload, now: now))
    }

    private func validate(_ chunk: UploadChunk) throws(ProtocolFailure) {
        if let violation = FieldLimits.violation(in: chunk) { throw violation.failure }
        guard Identifier.isValid(chunk.uploadId) else { throw ProtocolFailure(.badRequest, "upload_id is not an identifier") }
        guard chunk.totalSha256.count == 32 else { throw ProtocolFailure(.badRequest, "total_sha256 must be 32 bytes") }
        guard chunk.totalSize <= UInt64(context.settings.maximumUploadBytes) else {
            throw ProtocolFailure(.payloadTooLarge, "total_size \(chunk.totalSize) is above the limit of \(context.settings.maximumUploadBytes) bytes")
        }
        guard chunk.offset + UInt64(chunk.chunk.count) <= chunk.totalSize else {
            throw ProtocolFailure(.badRequest, "the chunk ends past total_size \(chunk.totalSize)")
        }
        if !chunk.chunk.isEmpty {
            guard chunk.chunkSha256.count == 32 || BrokenVariant.isActive(.acceptsShortChunkDigest) else {
                throw ProtocolFailure(.badRequest, "chunk_sha256 must be 32 bytes, not \(chunk.chunkSha256.count)")
            }
            guard SHA256.digest(chunk.chunk) == chunk.chunkSha256 || BrokenVariant.isActive(.acceptsWrongChunkHash) else {
                throw ProtocolFailure(.hashMismatch, "the chunk at offset \(chunk.offset) does not match chunk_sha256")
            }
        }
    }

    private func store(_ chunk: UploadChunk, into upload: UploadRecord, now: Int64) throws(ProtocolFailure) -> UploadReceipt {
        let newOffset = upload.receivedOffset + Int64(chunk.chunk.count)
        let finished = newOffset == upload.totalSize
        do {
            try FileStore.write(chunk.chunk, at: upload.receivedOffset, to: upload.filePath)
            if finished, try FileStore.sha256(of: upload.filePath, size: upload.totalSize) != upload.totalSHA256 {
                if BrokenVariant.isActive(.keepsMismatchedUpload) {
                    throw ProtocolFailure(.hashMismatch, "upload \(upload.uploadID) does not match total_sha256")
                }
                try FileStore.truncate(upload.filePath, to: 0)
                _ = try context.store.resetUpload(
                    agentID: upload.agentID, uploadID: upload.uploadID, expectedOffset: upload.receivedOffset,
                    nowUnixMs: now)
                throw ProtocolFailure(.hashMismatch, "upload \(upload.uploadID) does not match total_sha256; send it again from offset 0")
            }
        } catch let failure as ProtocolFailure {
            throw failure
        } catch {
            context.metrics.storageErrors.add(1)
            context.log.error("upload.write_failed", ["upload": upload.uploadID, "agent": upload.agentID, "error": error])
            throw ProtocolFailure(.unavailable, "the chunk could not be stored", retryAfterMs: 5_000)
        }

        let advanced = try context.stored("advance upload") { () throws(ServerStoreError) in
            try context.store.advanceUpload(
                agentID: upload.agentID, uploadID: upload.uploadID, expectedOffset: upload.receivedOffset,
                newOffset: newOffset, complete: finished, nowUnixMs: now)
        }
        var current = upload
        if advanced {
            current.receivedOffset = newOffset
            current.complete = finished
        }
        if finished && advanced {
            context.log.info("upload.complete", ["upload": upload.uploadID, "agent": upload.agentID, "bytes": newOffset])
        }
        return Self.receipt(current)
    }

    static func receipt(_ upload: UploadRecord) -> UploadReceipt {
        var receipt = UploadReceipt()
        receipt.uploadId = upload.uploadID
        receipt.nextOffset = UInt64(upload.receivedOffset)
        receipt.complete = upload.complete
        return receipt
    }
}
