/// Opens client connections: TCP, optionally a CONNECT tunnel through an HTTP proxy, then the security
/// handshake. The HTTP client and the WebSocket client share it.
public struct ClientConnector: Sendable {
    public var host: String
    public var port: UInt16
    public var proxy: HTTPProxyConfiguration?
    public var connection: ConnectionConfiguration
    /// Limits for parsing the proxy's response to CONNECT.
    public var proxyResponseLimits: HTTPParserLimits
    /// Creates the security layer of each new connection, such as a TLS client session for `host`.
    public var makeSecurity: @Sendable () throws -> any StreamSecurity

    public init(
        host: String, port: UInt16, proxy: HTTPProxyConfiguration? = nil,
        connection: ConnectionConfiguration = ConnectionConfiguration(),
        proxyResponseLimits: HTTPParserLimits = .default,
        makeSecurity: @escaping @Sendable () throws -> any StreamSecurity
    ) {
        self.host = host
        self.port = port
        self.proxy = proxy
        self.connection = connection
        self.proxyResponseLimits = proxyResponseLimits
        self.makeSecurity = makeSecurity
    }

    /// The value of the Host header for requests to this target.
    public var hostHeader: String { HTTPProxyConfiguration.authority(host: host, port: port) }

    /// Connects and completes the handshake. The returned connection has reading paused: install a
    /// handler on its loop, then call `resumeReading()`.
    public func connect(on loop: EventLoop) async throws -> Connection {
        let (dialHost, dialPort) = proxy.map { ($0.host, $0.port) } ?? (host, port)
        // NOTE: getaddrinfo blocks this task's thread while it resolves a name, not the event loop.
        guard let address = try SocketAddress.resolve(host: dialHost, port: dialPort).first else {
            throw SystemError(call: "getaddrinfo(\(dialHost))", errno: 0)
        }
        let connected: UncheckedSendable<Connection> = try await withCheckedThrowingContinuation { continuation in
            loop.execute { [self] in
                let handler = ClientConnectHandler(connector: self, continuation: continuation)
                do {
                    // Through a proxy, the CONNECT exchange runs in clear text and TLS starts inside the tunnel.
                    let firstSecurity = proxy == nil ? try makeSecurity() : PlaintextStream()
                    _ = try Connection.connect(
                        to: address, loop: loop, security: firstSecurity, handler: handler, configuration: connection)
                } catch {
                    handler.finish(.failure(error))
                }
            }
        }
        return connected.value
    }
}

/// Drives one connection from TCP connect to a completed handshake, through a proxy tunnel if configured.
private final class ClientConnectHandler: ConnectionHandler {
    private enum Phase {
        /// Next: tunnel with a proxy, otherwise done once the handshake completes.
        case connecting
        /// CONNECT sent, parsing the proxy's response. Next: securing.
        case tunnel
        /// TLS handshake inside the tunnel. Next: done.
        case securing
        case done
    }

    private let connector: ClientConnector
    private var continuation: CheckedContinuation<UncheckedSendable<Connection>, any Error>?
    private var phase = Phase.connecting
    private var parser: HTTPResponseParser

    init(connector: ClientConnector, continuation: CheckedContinuation<UncheckedSendable<Connection>, any Error>) {
        self.connector = connector
        self.continuation = continuation
        parser = HTTPResponseParser(limits: connector.proxyResponseLimits)
        parser.expectResponse(to: .connect)
    }

    func finish(_ result: Result<UncheckedSendable<Connection>, any Error>) {
        phase = .done
        continuation?.resume(with: result)
        continuation = nil
    }

    func connectionDidBecomeActive(_ connection: Connection) {
        switch phase {
        case .connecting:
            if let proxy = connector.proxy {
                phase = .tunnel
                connection.write(proxy.connectRequest(host: connector.host, port: connector.port).encoded())
            } else {
                succeed(connection)
            }
        case .securing:
            succeed(connection)
        case .tunnel, .done:
            break
        }
    }

    private func succeed(_ connection: Connection) {
        connection.pauseReading()
        finish(.success(UncheckedSendable(connection)))
    }

    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        guard case .tunnel = phase else { return }
        parser.append(bytes)
        do {
            guard case .head(let head)? = try parser.nextPart() else { return }
            try checkTunnelResponse(head)
            phase = .securing
            connection.startSecurity(try connector.makeSecurity(), inbound: parser.takeUnconsumedBytes())
        } catch let error as HTTPError {
            fail(connection, ProxyError(.invalidResponse, "proxy response is invalid: \(error.message)"))
        } catch {
            fail(connection, error)
        }
    }

    private func checkTunnelResponse(_ head: HTTPResponseHead) throws {
        guard head.status.isSuccess else {
            let code: ProxyError.Code = head.status.code == 407 ? .authenticationRequired : .tunnelRejected
            throw ProxyError(code, "proxy responded to CONNECT with \(head.status)", status: head.status)
        }
    }

    private func fail(_ connection: Connection, _ error: any Error) {
        finish(.failure(error))
        connection.fail(error)
    }

    func connectionDidReadEndOfStream(_ connection: Connection) {
        fail(connection, ConnectionError(.reset, "connection ended before it was ready"))
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        finish(.failure(error ?? ConnectionError(.reset, "connection closed before it was ready")))
    }
}
