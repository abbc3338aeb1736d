import EACPTransport

extension SHA256 {
    /// Returns the digest of the file at `path`, read in 1 MiB pieces, or nil when it cannot be read.
    static func digest(filePath path: String) -> [UInt8]? {
        guard let handle = FileHandleReader(path: path) else { return nil }
        var hasher = SHA256Hasher()
        while let piece = handle.read(maximumCount: 1 << 20), !piece.isEmpty {
            hasher.update(piece)
        }
        return handle.failed ? nil : hasher.finish()
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
