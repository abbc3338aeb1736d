import Synchronization

/// An HTTP/1.1 server on an event loop group, serving the routes of an `HTTPRouter` and upgrading
/// WebSocket routes.
///
/// One loop accepts and hands each connection to the next loop round-robin. Handlers added with
/// `HTTPRouter.add` run as tasks off the loops, and those added with `addSynchronous` on the connection's
/// loop. `shutdown` stops accepting, closes idle connections, lets requests in flight finish, and
/// closes what is left when the grace period ends.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    let router: HTTPRouter
    let group: EventLoopGroup
    let makeSecurity: @Sendable () throws -> any StreamSecurity
    let registry = HTTPConnectionRegistry()
    private let listener = Mutex<UncheckedSendable<Listener>?>(nil)
    private let fileLimit = Mutex<OpenFileLimit?>(nil)

    /// `makeSecurity` creates the security layer for each accepted connection: a TLS session in
    /// production, `PlaintextStream` in tests.
    public init(
        configuration: HTTPServerConfiguration, router: HTTPRouter, group: EventLoopGroup,
        makeSecurity: @escaping @Sendable () throws -> any StreamSecurity
    ) {
        self.configuration = configuration
        self.router = router
        self.group = group
        self.makeSecurity = makeSecurity
    }

    /// Raises the open-file limit, starts listening and returns the bound address.
    ///
    /// The soft RLIMIT_NOFILE goes up to the hard limit, and `openFileLimit` keeps the outcome. A hard limit
    /// too low for `maxConnections` does not stop the server, because it still serves fewer connections. So
    /// the caller checks `openFileLimit?.satisfiesRequest` and logs the limit's `description` when it is
    /// false: that text names the shortfall and how to raise the hard limit.
    public func start() async throws -> SocketAddress {
        let limit = try OpenFileLimit.raise(requested: UInt64(configuration.maxConnections) + Self.reservedDescriptors)
        fileLimit.withLock { $0 = limit }
        guard let address = SocketAddress(ipAddress: configuration.host, port: configuration.port) else {
            throw SystemError(call: "inet_pton(\(configuration.host))", errno: 22)
        }
        let loop = group.loops[0]
        let started: UncheckedSendable<Listener> = try await withCheckedThrowingContinuation { continuation in
            loop.execute { [self] in
                continuation.resume(
                    with: Result {
                        let listener = try Listener(address: address, backlog: configuration.backlog, loop: loop) {
                            [self] fd in accepted(fd)
                        }
                        return UncheckedSendable(listener)
                    })
            }
        }
        listener.withLock { $0 = started }
        return started.value.address
    }

    /// Descriptors kept for the listener, the loops' epoll and eventfd descriptors, and files the
    /// application opens, on top of one per connection.
    static let reservedDescriptors: UInt64 = 64

    /// The open-file limit after `start()` raised it, with the number requested: `maxConnections` plus
    /// `reservedDescriptors`. Nil before `start()`.
    public var openFileLimit: OpenFileLimit? { fileLimit.withLock { $0 } }

    /// The number of open connections, WebSockets included.
    public var connectionCount: Int { registry.count }

    /// Stops accepting, closes idle connections, sends WebSockets a close frame with 1001, waits up to
    /// `gracePeriod` for the rest, then closes whatever remains.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        if let listener = listener.withLock({ $0 }) {
            await withCheckedContinuation { continuation in
                listener.value.loop.execute {
                    listener.value.close()
                    continuation.resume()
                }
            }
        }
        registry.forEach { $0.beginDrain() }
        let deadline = ContinuousClock.now + gracePeriod
        while registry.count > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        registry.forEach { $0.forceClose() }
        while registry.count > 0 {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Runs on the accepting loop for each new socket.
    private func accepted(_ fd: Int32) {
        if registry.isDraining || registry.count >= configuration.maxConnections {
            rejectOverloaded(fd)
            return
        }
        let loop = group.next()
        let token = registry.reserve()
        loop.execute { [self] in
            do {
                let handler = HTTPServerConnection(server: self, token: token)
                let connection = try Connection.accept(
                    fd: fd, loop: loop, security: try makeSecurity(), handler: handler,
                    configuration: configuration.connection)
                handler.attach(connection)
            } catch {
                registry.release(token)
                Socket.close(fd)
            }
        }
    }

    /// Responds with 503 and Retry-After on the raw socket and closes it. A full server cannot afford a TLS
    /// handshake per rejected client, so TLS clients see the connection close instead of reading the 503.
    private func rejectOverloaded(_ fd: Int32) {
        let error = HTTPError(.serviceUnavailable, "server is at capacity", retryAfterSeconds: configuration.retryAfterSeconds)
        var response = HTTPResponse(error: error)
        response.headers.add(name: "Connection", value: "close")
        response.headers.add(name: "Content-Length", value: String(response.body.count))
        let bytes = HTTPResponseHead(status: response.status, headers: response.headers).encoded() + response.body
        _ = bytes.withUnsafeBytes { try? Socket.write(fd, $0) }
        Socket.close(fd)
    }
}

/// Carries a loop-bound value across threads. The value is used only on its loop's thread.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The server's open connections, so shutdown can reach them from any thread.
final class HTTPConnectionRegistry: Sendable {
    private struct State {
        var connections: [Int: UncheckedSendable<HTTPServerConnection>] = [:]
        var reserved = 0
        var nextToken = 0
        var draining = false
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.connections.count + $0.reserved } }
    var isDraining: Bool { state.withLock { $0.draining } }

    /// Counts a connection that is being set up on another loop, and returns its token.
    func reserve() -> Int {
        state.withLock { state in
            state.reserved += 1
            state.nextToken += 1
            return state.nextToken
        }
    }

    func activate(_ token: Int, _ connection: HTTPServerConnection) {
        state.withLock { state in
            state.reserved -= 1
            state.connections[token] = UncheckedSendable(connection)
        }
    }

    func release(_ token: Int) {
        state.withLock { state in
            if state.connections.removeValue(forKey: token) == nil { state.reserved -= 1 }
        }
    }

    /// Marks the server as draining and runs `body` on each connection's loop.
    func forEach(_ body: @escaping @Sendable (HTTPServerConnection) -> Void) {
        let connections = state.withLock { state in
            state.draining = true
            return Array(state.connections.values)
        }
        for entry in connections {
            entry.value.execute { body($0) }
        }
    }
}
