import Glibc

/// Small blocking helpers for the agent's local Unix socket.
enum LocalSocket {
    struct Failure: Error, CustomStringConvertible {
        let call: String
        let errno: Int32
        init(_ call: String, _ errno: Int32) {
            self.call = call
            self.errno = errno
        }
        var description: String { "\(call) failed: \(String(cString: strerror(errno)))" }
    }

    static func open() throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Failure("socket", errno) }
        return descriptor
    }

    /// Calls `body` with a `sockaddr_un` for `path`. Linux limits the path to 107 bytes.
    static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Void) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw Failure("socket path \(path) is too long;", ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        try withUnsafePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                try body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    /// Reads up to the first newline; nil when the peer sends nothing or more than `maximumBytes`.
    static func readLine(_ descriptor: Int32, maximumBytes: Int) -> [UInt8]? {
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while line.count <= maximumBytes {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 4096) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return line.isEmpty ? nil : line }
            line += buffer[0..<count]
            if let end = line.firstIndex(of: 0x0A) { return Array(line[..<end]) }
        }
        return nil
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            written += count
        }
    }

    /// Sends one request line to the socket at `path` and returns the reply line.
    static func exchange(path: String, request: [UInt8]) throws -> [UInt8] {
        let descriptor = try open()
        defer { close(descriptor) }
        try withAddress(path) { address, length in
            guard connect(descriptor, address, length) == 0 else { throw Failure("connect to \(path)", errno) }
        }
        writeAll(descriptor, request + [0x0A])
        guard let reply = readLine(descriptor, maximumBytes: 64 * 1024) else {
            throw Failure("reading the agent's reply", EIO)
        }
        return reply
    }
}
