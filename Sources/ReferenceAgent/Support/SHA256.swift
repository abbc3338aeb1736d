import CEACPOpenSSL

/// An incremental SHA-256 over OpenSSL's EVP interface, for files, uploads and downloads.
struct SHA256Hasher: ~Copyable {
    private let context: OpaquePointer

    init() {
        // EVP_MD_CTX_new fails only when memory is exhausted, which the agent cannot recover from.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("OpenSSL could not start a SHA-256 digest")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // An initialised SHA-256 context fails to update only on memory exhaustion.
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else { fatalError("EVP_DigestUpdate failed") }
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Returns the 32-byte digest of everything passed to `update`.
    consuming func finish() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else {
            fatalError("EVP_DigestFinal_ex failed")
        }
        return digest
    }
}

enum SHA256 {
    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finish()
    }

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
