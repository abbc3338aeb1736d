import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP socket on loopback with a timeout on every call, for the TLS probes and the
/// harness front. Probes need the raw bytes in both directions, which the event-loop transport hides.
public final class ProbeSocket: @unchecked Sendable {
    // @unchecked: one probe uses a socket from one thread at a time; `close` is safe from any thread.
    public let descriptor: Int32
    private var closed = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    /// Connects to a numeric IPv4 or IPv6 address. Host names are not resolved, so a probe can only
    /// reach the address it was given.
    public static func connect(host: String, port: UInt16, timeout: Duration = .seconds(5)) throws -> ProbeSocket {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else {
            throw ProbeError("\(host) is not a numeric IP address")
        }
        defer { freeaddrinfo(list) }

        let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ProbeError("socket() failed: \(String(cString: strerror(errno)))") }
        let probe = ProbeSocket(descriptor: descriptor)
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
            throw ProbeError("connect to \(host):\(port) failed: \(String(cString: strerror(errno)))")
        }
        guard try probe.wait(for: Int16(POLLOUT), timeout: timeout) else {
            throw ProbeError("connect to \(host):\(port) timed out")
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else { throw ProbeError("connect to \(host):\(port) failed: \(String(cString: strerror(error)))") }
        _ = fcntl(descriptor, F_SETFL, flags)
        return probe
    }

    /// Sends every byte.
    public func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw ProbeError("send failed: \(String(cString: strerror(errno)))") }
            sent += count
        }
    }

    /// Reads what arrives within `timeout`. Returns nil at end of stream or on a reset, an empty
    /// array when nothing arrived in time.
    public func receive(timeout: Duration, maximumCount: Int = 65_536) throws -> [UInt8]? {
        guard try wait(for: Int16(POLLIN), timeout: timeout) else { return [] }
        var buffer = [UInt8](repeating: 0, count: maximumCount)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 { return nil }
        return Array(buffer.prefix(count))
    }

    /// Reads until `enough` holds for the bytes so far, the peer closes, or `timeout` passes.
    /// Returns the bytes and whether the peer closed.
    public func receive(timeout: Duration, until enough: ([UInt8]) -> Bool) throws -> (bytes: [UInt8], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        while !enough(bytes) {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return (bytes, false) }
            guard let chunk = try receive(timeout: remaining) else { return (bytes, true) }
            bytes += chunk
        }
        return (bytes, false)
    }

    /// Closes the sending half only, leaving the socket open for reading.
    public func shutdownWrite() { _ = shutdown(descriptor, Int32(SHUT_WR)) }

    public func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(descriptor)
    }

    private func wait(for events: Int16, timeout: Duration) throws -> Bool {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        let milliseconds = Int32(clamping: max(0, timeout.milliseconds))
        let ready = poll(&entry, 1, milliseconds)
        guard ready >= 0 else { throw ProbeError("poll failed: \(String(cString: strerror(errno)))") }
        return ready > 0
    }
}

/// A listening TCP socket on a loopback address.
public final class ProbeListener: @unchecked Sendable {
    // @unchecked: accept runs on one thread; `close` only closes the descriptor.
    public let descriptor: Int32
    public let port: UInt16

    /// Listens on `host`, an IPv4 loopback address such as 127.0.0.2, at `port`, or at a port the
    /// kernel picks when it is 0.
    public init(port: UInt16 = 0, host: String = "127.0.0.1") throws {
        guard host.hasPrefix("127."), inet_addr(host) != in_addr_t.max else {
            throw ProbeError("\(host) is not an IPv4 loopback address")
        }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ProbeError("socket() failed: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            let message = String(cString: strerror(errno))
            _ = Glibc.close(descriptor)
            throw ProbeError("cannot listen on \(host):\(port): \(message)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = UInt16(bigEndian: address.sin_port)
    }

    /// Waits up to `timeout` for a connection. Returns nil when none came or the listener was closed.
    public func accept(timeout: Duration) -> ProbeSocket? {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(clamping: max(0, timeout.milliseconds))) > 0 else { return nil }
        let client = Glibc.accept(descriptor, nil, nil)
        guard client >= 0 else { return nil }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        return ProbeSocket(descriptor: client)
    }

    public func close() {
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
        _ = Glibc.close(descriptor)
    }
}

/// A probe that could not run: no connection, or a local TLS library that would not build the hello.
public struct ProbeError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
