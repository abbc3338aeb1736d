import EACPProtocol
import EACPTransport
import Foundation

/// One upload through `POST /eacp/v1/uploads/chunk`: chunks sent one at a time from the server's
/// resume point, each with its own SHA-256, resumed after failures.
struct Upload {
    enum Source {
        case file(String)
        case bytes([UInt8])
    }

    /// 1 MiB chunks stay well below the protocol's 4190208-byte chunk limit.
    static let chunkSize = BrokenVariant.isActive(.sendsOversizedChunks) ? 4_190_209 : 1 << 20
    /// Failed requests in a row after which the upload gives up.
    static let maximumAttempts = 6

    let link: ServerLink
    let log: AgentLog
    let actionID: String
    let name: String
    let source: Source

    /// Uploads the whole source and returns the reference once a receipt reports it complete.
    func run() async throws(UploadFailure) -> UploadReference {
        guard let (size, digest) = measure() else { throw UploadFailure("\(name) cannot be read") }
        var idSource = SHA256Hasher()
        idSource.update(Array("\(actionID)\n\(name)".utf8))
        idSource.update(digest)
        let uploadID = "upload-" + SHA256.hex(idSource.finish()).prefix(32)

        var offset: UInt64 = 0
        var failures = 0
        while true {
            let chunk: [UInt8]
            do {
                chunk = try read(offset: offset, count: min(Self.chunkSize, Int(size - offset)))
            } catch {
                throw UploadFailure("\(name) cannot be read at offset \(offset)")
            }
            var message = UploadChunk()
            message.uploadId = uploadID
            message.actionId = offset > 0 && BrokenVariant.isActive(.dropsActionIDAfterFirstChunk) ? "" : actionID
            message.offset = offset
            message.chunk = chunk
            message.chunkSha256 = SHA256.digest(chunk)
            message.totalSize = size
            message.totalSha256 = digest
            do {
                let receipt: UploadReceipt = try await link.post("uploads/chunk", message)
                failures = 0
                if receipt.complete || reportsUnconfirmed(sent: offset + UInt64(chunk.count), size: size) {
                    var reference = UploadReference()
                    reference.uploadId = uploadID
                    reference.name = name.truncated(toUTF8Bytes: 4096)
                    reference.totalSize = size
                    reference.totalSha256 = digest
                    return reference
                }
                offset = min(receipt.nextOffset, size)
            } catch {
                // `link.post` throws only RequestFailure, so `error` has that type here.
                failures += 1
                log.warning("uploads", "upload.chunk_failed", ["upload": uploadID, "offset": offset, "error": error.message])
                guard failures < Self.maximumAttempts, error.status != 404, error.status != 413, error.status != 400 else {
                    throw UploadFailure("uploading \(name) failed: \(error.message)")
                }
                // After a whole-upload mismatch start over; otherwise ask the server where to resume.
                offset = BrokenVariant.isActive(.retriesChunkWithoutResumePoint) ? offset : 0
                let delay = Backoff.requestRetry(failures: failures, retryAfterMs: error.retryAfterMs, factor: Backoff.randomFactor())
                try? await Task.sleep(for: .milliseconds(delay))
            }
        }
    }

    private func measure() -> (UInt64, [UInt8])? {
        switch source {
        case .bytes(let bytes):
            return (UInt64(bytes.count), SHA256.digest(bytes))
        case .file(let path):
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let size = attributes[.size] as? NSNumber, let digest = SHA256.digest(filePath: path)
            else { return nil }
            return (size.uint64Value, digest)
        }
    }

    private func read(offset: UInt64, count: Int) throws -> [UInt8] {
        switch source {
        case .bytes(let bytes):
            return Array(bytes[Int(offset)..<Int(offset) + count])
        case .file(let path):
            guard let reader = FileHandleReader(path: path), reader.seek(to: Int64(offset)) else {
                throw UploadFailure("open failed")
            }
            var bytes: [UInt8] = []
            while bytes.count < count {
                guard let piece = reader.read(maximumCount: count - bytes.count), !piece.isEmpty else { break }
                bytes += piece
            }
            guard bytes.count == count else { throw UploadFailure("\(path) changed while it was uploaded") }
            return bytes
        }
    }
}

struct UploadFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
