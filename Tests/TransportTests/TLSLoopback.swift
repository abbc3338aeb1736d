import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Errors of the blocking loopback sockets used by the TLS tests.
struct LoopbackError: Error, CustomStringConvertible {
    let description: String

    static func system(_ call: String) -> LoopbackError {
        LoopbackError(description: "\(call) failed: \(String(cString: strerror(errno)))")
    }
}

/// A blocking TCP socket on 127.0.0.1, closed when freed. Every wait is bounded by a deadline.
final class LoopbackSocket: @unchecked Sendable {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Connects to 127.0.0.1:`port`.
    static func connect(port: UInt16) throws -> LoopbackSocket {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackError.system("socket") }
        let socket = LoopbackSocket(descriptor: descriptor)
        var address = loopbackAddress(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw LoopbackError.system("connect to 127.0.0.1:\(port)") }
        return socket
    }

    /// Waits until bytes arrive or `deadline` passes, then reads up to `maximumCount` of them. Returns an
    /// empty array when the peer closed the connection.
    func read(maximumCount: Int = 16_384, deadline: Date) throws -> [UInt8] {
        try wait(for: Int16(POLLIN), deadline: deadline)
        var buffer = [UInt8](repeating: 0, count: maximumCount)
        let count = Glibc.read(descriptor, &buffer, maximumCount)
        if count < 0 && errno == ECONNRESET { return [] }
        guard count >= 0 else { throw LoopbackError.system("read") }
        return Array(buffer.prefix(count))
    }

    func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw LoopbackError.system("send") }
            offset += count
        }
    }

    func shutdownWrite() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    private func wait(for events: Int16, deadline: Date) throws {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        while true {
            let milliseconds = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return }
            if ready == 0 {
                throw LoopbackError(description: "timed out waiting for the peer on descriptor \(descriptor)")
            }
            if errno != EINTR { throw LoopbackError.system("poll") }
        }
    }
}

/// A listening TCP socket on 127.0.0.1 with a port the kernel picked.
final class LoopbackListener: @unchecked Sendable {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackError.system("socket") }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 64) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw LoopbackError.system("bind/listen on 127.0.0.1")
        }
        self.descriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit {
        close(descriptor)
    }

    /// Waits up to `deadline` for a connection.
    func accept(deadline: Date) throws -> LoopbackSocket {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
        guard poll(&entry, 1, milliseconds) > 0 else { throw LoopbackError(description: "timed out waiting to accept") }
        let client = Glibc.accept(descriptor, nil, nil)
        guard client >= 0 else { throw LoopbackError.system("accept") }
        return LoopbackSocket(descriptor: client)
    }

    /// Returns a port that was free a moment ago, for a peer whose port must be chosen before it starts.
    static func freePort() throws -> UInt16 {
        try LoopbackListener().port
    }
}

private func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}
