import Foundation
import Glibc

/// Writes whole files so that a reader, or the agent after a crash, sees either the old or the new
/// contents: write a temporary file, sync it, rename it over the target, sync the folder.
enum AtomicFile {
    struct WriteError: Error, CustomStringConvertible {
        let path: String
        let call: String
        let errno: Int32
        var description: String { "writing \(path) failed in \(call): \(String(cString: strerror(errno)))" }
    }

    /// Replaces `path` with `bytes`, created with `mode` (0600 for credentials and state).
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw WriteError(path: temporary, call: "open", errno: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pointer in
                Glibc.write(descriptor, pointer.baseAddress! + written, bytes.count - written)
            }
            guard count > 0 else {
                let failure = errno
                close(descriptor)
                throw WriteError(path: temporary, call: "write", errno: failure)
            }
            written += count
        }
        // The mode given to open is reduced by the umask, so set it again explicitly.
        fchmod(descriptor, mode)
        guard fsync(descriptor) == 0 else {
            let failure = errno
            close(descriptor)
            throw WriteError(path: temporary, call: "fsync", errno: failure)
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw WriteError(path: path, call: "rename", errno: errno) }
        syncFolder(of: path)
    }

    static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    /// Syncs the folder holding `path`, so that a rename into it survives power loss.
    static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
