import Glibc

/// Reads a file sequentially through a file descriptor, closing it when released.
final class FileHandleReader {
    private let descriptor: Int32
    private(set) var failed = false

    init?(path: String) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
    }

    deinit {
        close(descriptor)
    }

    /// Returns up to `maximumCount` bytes, an empty array at the end of the file, or nil after an error.
    func read(maximumCount: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maximumCount)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, maximumCount) }
        guard count >= 0 else {
            failed = true
            return nil
        }
        buffer.removeLast(maximumCount - count)
        return buffer
    }

    /// Moves to `offset` from the start of the file.
    func seek(to offset: Int64) -> Bool {
        lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset)
    }
}
