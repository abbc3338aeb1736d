/// Opens WebSocket connections to an EACP server's push channel.
public enum WebSocketClient {
    /// Connects through `connector` (TCP, proxy tunnel, TLS), performs the upgrade handshake for `path`
    /// with the `eacp.v1` sub-protocol, and returns the open WebSocket.
    public static func connect(
        _ connector: ClientConnector, path: String, group: EventLoopGroup,
        configuration: WebSocketConfiguration = WebSocketConfiguration(),
        handshakeLimits: HTTPParserLimits = .default
    ) async throws -> WebSocket {
        let loop = group.next()
        let connection = UncheckedSendable(try await connector.connect(on: loop))
        let key = WebSocketHandshake.makeKey()
        let request = WebSocketHandshake.makeUpgradeRequest(path: path, host: connector.hostHeader, key: key)
        let opened: UncheckedSendable<WebSocket> = try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                let handler = WebSocketUpgradeHandler(
                    key: key, configuration: configuration, limits: handshakeLimits, continuation: continuation)
                connection.value.handler = handler
                connection.value.write(request.encoded())
                connection.value.resumeReading()
            }
        }
        return opened.value
    }
}

/// Reads the server's response to the upgrade request and hands the connection to a `WebSocket`.
private final class WebSocketUpgradeHandler: ConnectionHandler {
    private let key: String
    private let configuration: WebSocketConfiguration
    private var parser: HTTPResponseParser
    private var continuation: CheckedContinuation<UncheckedSendable<WebSocket>, any Error>?

    init(
        key: String, configuration: WebSocketConfiguration, limits: HTTPParserLimits,
        continuation: CheckedContinuation<UncheckedSendable<WebSocket>, any Error>
    ) {
        self.key = key
        self.configuration = configuration
        self.continuation = continuation
        parser = HTTPResponseParser(limits: limits)
        parser.expectResponse(to: .get)
    }

    func connectionDidBecomeActive(_ connection: Connection) {}

    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        parser.append(bytes)
        do {
            guard case .head(let head)? = try parser.nextPart() else { return }
            try WebSocketHandshake.validateUpgradeResponse(head, key: key)
            let webSocket = WebSocket(
                connection: connection, role: .client, configuration: configuration,
                inbound: parser.takeUnconsumedBytes())
            continuation?.resume(returning: UncheckedSendable(webSocket))
            continuation = nil
        } catch let error as HTTPError {
            fail(connection, WebSocketError(.handshakeFailed, "upgrade response is invalid: \(error.message)"))
        } catch {
            fail(connection, error)
        }
    }

    private func fail(_ connection: Connection, _ error: any Error) {
        continuation?.resume(throwing: error)
        continuation = nil
        connection.fail(error)
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        continuation?.resume(throwing: WebSocketError(.handshakeFailed, "connection closed during the upgrade"))
        continuation = nil
    }
}
