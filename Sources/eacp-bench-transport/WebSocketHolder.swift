import CEACPLinux
import EACPTransport
import Glibc

/// The load generator of the WebSocket benchmark: one thread and one epoll set holding many WSS
/// connections to the server's push path.
///
/// Each connection binds an explicit source address and port before connecting: 127.0.1.N with ports
/// 20000-29999, below Linux's default ephemeral range (32768-60999). That allows 10,000 connections
/// per address, so 100,000 connections to one server port fit, and the ephemeral ports other programs
/// on the machine draw from are left alone.
final class WebSocketHolder {
    struct Tally {
        var held = 0
        var failed = 0
        var firstError: String?
    }

    private static let firstPort: UInt16 = 20000
    private static let portsPerAddress: UInt16 = 10000

    private(set) var tally = Tally()
    private let epollFD: Int32
    private let context: TLSContext
    private let serverPort: UInt16
    private var connections: [Int32: HeldWebSocket] = [:]
    private var inProgress = 0
    private var nextSource = 0
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
    private let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: 512)

    init(serverPort: UInt16, caPEM: String) throws {
        self.serverPort = serverPort
        context = try TLSContext(configuration: .client(trustedCAPEM: caPEM, expectedHostName: "127.0.0.1"))
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw BenchError("epoll_create1 failed: errno \(errno)") }
    }

    deinit {
        closeAll()
        close(epollFD)
        readBuffer.deallocate()
        events.deallocate()
    }

    /// Opens connections until `target` are held, keeping at most `window` in their handshakes at once,
    /// or until `deadline`.
    func open(until target: Int, window: Int, deadline: ContinuousClock.Instant) {
        while tally.held < target && ContinuousClock.now < deadline {
            while inProgress < window && tally.held + inProgress < target {
                guard startConnection() else { return }
            }
            poll(timeoutMilliseconds: 100)
        }
    }

    /// Keeps serving the held connections (replying to pings with pongs) for `duration`.
    func service(for duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline { poll(timeoutMilliseconds: 100) }
    }

    /// Resets every connection (SO_LINGER 0), so neither side keeps a TIME_WAIT entry for each.
    func closeAll() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        for fd in connections.keys {
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(fd)
        }
        connections = [:]
        inProgress = 0
        tally.held = 0
    }

    // MARK: Connecting

    /// Returns false when no source address and port is left to bind.
    private func startConnection() -> Bool {
        while nextSource < 250 * Int(Self.portsPerAddress) {
            let source = nextSource
            nextSource += 1
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                record(failure: "socket failed: errno \(errno)")
                return false
            }
            var local = Nginx.loopbackAddress(port: Self.firstPort + UInt16(source % Int(Self.portsPerAddress)))
            local.sin_addr.s_addr = (UInt32(0x7f00_0100) + UInt32(1 + source / Int(Self.portsPerAddress))).bigEndian
            guard withSocketAddress(&local, { bind(fd, $0, $1) }) == 0 else {
                close(fd)  // Another program has this port on this address, so the next one is tried.
                continue
            }
            var remote = Nginx.loopbackAddress(port: serverPort)
            guard withSocketAddress(&remote, { connect(fd, $0, $1) }) == 0 || errno == EINPROGRESS else {
                record(failure: "connect failed: errno \(errno)")
                close(fd)
                continue
            }
            do {
                connections[fd] = try HeldWebSocket(fd: fd, context: context, hostHeader: "127.0.0.1:\(serverPort)")
            } catch {
                record(failure: "\(error)")
                close(fd)
                continue
            }
            inProgress += 1
            watch(fd, events: EPOLLOUT.rawValue, operation: EPOLL_CTL_ADD)
            return true
        }
        return false
    }

    private func withSocketAddress(
        _ address: inout sockaddr_in, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) -> Int32 {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    private func watch(_ fd: Int32, events: UInt32, operation: Int32) {
        var event = epoll_event(events: events, data: epoll_data_t(u64: UInt64(UInt32(bitPattern: fd))))
        _ = epoll_ctl(epollFD, operation, fd, &event)
    }

    // MARK: Events

    private func poll(timeoutMilliseconds: Int32) {
        let count = epoll_wait(epollFD, events, 512, timeoutMilliseconds)
        for index in 0..<max(0, Int(count)) {
            let fd = Int32(truncatingIfNeeded: events[index].data.u64)
            guard let connection = connections[fd] else { continue }
            do {
                try handle(events[index].events, on: connection)
            } catch {
                drop(connection, reason: "\(error)")
            }
        }
    }

    private func handle(_ events: UInt32, on connection: HeldWebSocket) throws {
        if connection.phase == .connecting {
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { throw BenchError("connect failed: errno \(error)") }
            try connection.connected()
        } else if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            try readAvailable(connection)
        }
        try flush(connection)
    }

    private func readAvailable(_ connection: HeldWebSocket) throws {
        while true {
            let count = read(connection.fd, readBuffer.baseAddress, readBuffer.count)
            if count == 0 { throw BenchError("server closed the connection") }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return }
                throw BenchError("read failed: errno \(errno)")
            }
            if try connection.received(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count])) {
                inProgress -= 1
                tally.held += 1
            }
        }
    }

    private func flush(_ connection: HeldWebSocket) throws {
        if !connection.unsent.isEmpty {
            let written = connection.unsent.withUnsafeBytes {
                send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno != EAGAIN && errno != EWOULDBLOCK { throw BenchError("send failed: errno \(errno)") }
            connection.unsent.removeFirst(max(0, written))
        }
        let wanted = EPOLLIN.rawValue | (connection.unsent.isEmpty ? 0 : EPOLLOUT.rawValue)
        watch(connection.fd, events: wanted, operation: EPOLL_CTL_MOD)
    }

    private func drop(_ connection: HeldWebSocket, reason: String) {
        if connection.phase == .open { tally.held -= 1 } else { inProgress -= 1 }
        connection.markClosed()
        connections[connection.fd] = nil
        close(connection.fd)
        record(failure: reason)
    }

    private func record(failure: String) {
        tally.failed += 1
        if tally.firstError == nil { tally.firstError = failure }
    }
}
