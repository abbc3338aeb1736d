import EACPProtocol

extension FieldLimits {
    /// Checks an `UploadChunk`. The two SHA-256 fields must be exactly 32 bytes, and the handler
    /// checks them with the digests themselves.
    static func violation(in chunk: UploadChunk) -> FieldLimitViolation? {
        var checker = FieldLimitChecker()
        checker.bytes(chunk.uploadId, "upload_id", in: 1...64)
        // NOTE: the decoder's default bytes limit is the same 4190208, so over the wire a longer chunk
        // gets 400 MALFORMED_MESSAGE before this check runs, not BAD_REQUEST.
        checker.bytes(chunk.chunk, "chunk", max: UploadHandler.maximumChunkBytes)
        return checker.violation
    }
}
