import EACPTransport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File writes that are on disk before the call returns, because the server acknowledges what it
/// wrote right after.
enum FileStore {
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let operation: String
        let errorNumber: Int32
        var description: String { "\(operation) \(path) failed: \(String(cString: strerror(errorNumber)))" }
    }

    /// Writes `bytes` to a temporary file, fsyncs it and renames it over `path`.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".partial"
        try write(bytes, at: 0, to: temporary, truncate: true)
        guard rename(temporary, path) == 0 else { throw Failure(path: path, operation: "rename", errorNumber: errno) }
    }

    /// Writes `bytes` at `offset` into `path` (created when missing), cuts the file after them and
    /// fsyncs it.
    static func write(_ bytes: [UInt8], at offset: Int64, to path: String, truncate: Bool = false) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else { throw Failure(path: path, operation: "open", errorNumber: errno) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                pwrite(descriptor, buffer.baseAddress! + written, buffer.count - written, off_t(offset) + off_t(written))
            }
            guard result > 0 else { throw Failure(path: path, operation: "write", errorNumber: errno) }
            written += result
        }
        // Bytes past the new end are left over from a write that was never acknowledged, so they go.
        guard ftruncate(descriptor, off_t(offset) + off_t(bytes.count)) == 0 else {
            throw Failure(path: path, operation: "truncate", errorNumber: errno)
        }
        guard fsync(descriptor) == 0 else { throw Failure(path: path, operation: "fsync", errorNumber: errno) }
    }

    /// Cuts `path` to `length` bytes, so bytes past the durable offset of an upload are dropped.
    static func truncate(_ path: String, to length: Int64) throws {
        guard Glibc.truncate(path, off_t(length)) == 0 || errno == ENOENT else {
            throw Failure(path: path, operation: "truncate", errorNumber: errno)
        }
    }

    /// Reads `count` bytes at `offset`. Throws when the file is shorter.
    static func read(_ path: String, offset: Int64, count: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(path: path, operation: "open", errorNumber: errno) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            guard result > 0 else { throw Failure(path: path, operation: "read", errorNumber: result == 0 ? EIO : errno) }
            filled += result
        }
        return bytes
    }

    /// Computes the SHA-256 of the first `size` bytes of a file, reading 1 MiB at a time.
    static func sha256(of path: String, size: Int64) throws -> [UInt8] {
        var hasher = SHA256Hasher()
        var offset: Int64 = 0
        while offset < size {
            let count = Int(min(1 << 20, size - offset))
            hasher.update(try read(path, offset: offset, count: count))
            offset += Int64(count)
        }
        return hasher.finish()
    }
}
