import CEACPLinux
import Glibc

/// Non-blocking TCP socket calls. Every descriptor is created with SOCK_NONBLOCK and SOCK_CLOEXEC.
enum Socket {
    /// The outcome of one read.
    enum ReadResult {
        case bytes(Int)
        case wouldBlock
        case endOfStream
    }

    static func makeListener(address: SocketAddress, backlog: Int32) throws(SystemError) -> Int32 {
        let fd = try makeSocket(family: address.family)
        var enable: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &enable, socklen_t(MemoryLayout<Int32>.size))
        let bound = address.withSockAddr { bind(fd, $0, $1) }
        guard bound == 0 else { throw closing(fd, SystemError.last("bind(\(address))")) }
        guard listen(fd, backlog) == 0 else { throw closing(fd, SystemError.last("listen")) }
        return fd
    }

    /// Starts connecting and returns the descriptor. The connection completes when it becomes writable.
    static func startConnect(to address: SocketAddress) throws(SystemError) -> Int32 {
        let fd = try makeSocket(family: address.family)
        let result = address.withSockAddr { connect(fd, $0, $1) }
        guard result == 0 || errno == EINPROGRESS else {
            throw closing(fd, SystemError.last("connect(\(address))"))
        }
        setNoDelay(fd)
        return fd
    }

    /// Accepts one pending connection, or returns nil when none is waiting.
    static func accept(_ listener: Int32) throws(SystemError) -> Int32? {
        let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        let fd = retryingOnInterrupt { ceacp_accept4(listener, nil, nil, flags) }
        if fd >= 0 {
            setNoDelay(fd)
            return fd
        }
        // ECONNABORTED: the client gave up while queued, so there is simply nothing to accept.
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED { return nil }
        throw SystemError.last("accept4")
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> ReadResult {
        let count = retryingOnInterrupt { Glibc.read(fd, buffer.baseAddress, buffer.count) }
        if count > 0 { return .bytes(count) }
        if count == 0 { return .endOfStream }
        if errno == EAGAIN || errno == EWOULDBLOCK { return .wouldBlock }
        throw SystemError.last("read")
    }

    /// Writes as much of `bytes` as the kernel takes and returns the count, 0 when it would block.
    /// MSG_NOSIGNAL turns a write to a closed peer into EPIPE instead of a SIGPIPE that kills the process.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        let count = retryingOnInterrupt { send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
        if count >= 0 { return count }
        if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
        throw SystemError.last("send")
    }

    /// Returns the error of a finished non-blocking connect, or nil when it succeeded.
    static func pendingError(_ fd: Int32) -> SystemError? {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return SystemError.last("getsockopt") }
        return error == 0 ? nil : SystemError(call: "connect", errno: error)
    }

    static func localAddress(_ fd: Int32) throws(SystemError) -> SocketAddress {
        try address(of: fd, call: "getsockname", getsockname)
    }

    static func remoteAddress(_ fd: Int32) throws(SystemError) -> SocketAddress {
        try address(of: fd, call: "getpeername", getpeername)
    }

    private static func address(
        of fd: Int32, call: String,
        _ function: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) throws(SystemError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { function(fd, $0, &length) }
        }
        guard result == 0 else { throw SystemError.last(call) }
        return withUnsafeBytes(of: storage) { SocketAddress(storage: UnsafeRawBufferPointer(rebasing: $0.prefix(Int(length)))) }
    }

    /// Disables Nagle's algorithm, because EACP writes whole messages and then waits for the response.
    static func setNoDelay(_ fd: Int32) {
        var enable: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
    }

    static func close(_ fd: Int32) {
        // Linux releases the descriptor even when close fails with EINTR, so it must not be retried.
        _ = Glibc.close(fd)
    }

    private static func makeSocket(family: Int32) throws(SystemError) -> Int32 {
        let type = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        let fd = Glibc.socket(family, type, 0)
        guard fd >= 0 else { throw SystemError.last("socket") }
        return fd
    }

    private static func closing(_ fd: Int32, _ error: SystemError) -> SystemError {
        close(fd)
        return error
    }
}
