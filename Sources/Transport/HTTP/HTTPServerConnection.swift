/// The server side of one HTTP/1.1 connection: parses requests, applies the route's limits and the
/// timeouts, runs handlers one request at a time, and writes responses.
///
/// A synchronous handler runs inside the read callback and its response goes out in the same turn of
/// the loop, so reading never pauses. An async handler runs as a task, and reading pauses until its
/// response comes back through `Connection.execute`.
final class HTTPServerConnection: ConnectionHandler, @unchecked Sendable {
    // @unchecked: every property is touched only on the connection's loop thread. Handler tasks come
    // back to it through `Connection.execute`.

    private enum State {
        /// Between requests, with the idle timer running. Next: readingHead on the first byte.
        case idle
        /// Part of a head arrived and the header timer runs. Next: readingBody, or closing after an error.
        case readingHead
        /// The body timer runs. Next: processing, upgraded, or closing after an error.
        case readingBody(HTTPRouter.Match, HTTPRequestHead)
        /// A handler runs, and reading is paused while an async one runs. Next: idle when the connection
        /// stays open, else closing.
        case processing(HTTPRequestHead)
        /// The connection carries a WebSocket now. Terminal for this handler.
        case upgraded(WebSocket)
        /// The last response is written and the connection closes. Terminal.
        case closing
    }

    let server: HTTPServer
    private let token: Int
    private(set) var connection: Connection?
    private var parser: HTTPRequestParser
    private var state = State.idle
    private var body: [UInt8] = []
    private var draining = false
    /// Reading paused after a synchronous response because queued output crossed the high-water mark.
    private var waitingForWritable = false
    private var closeAfterResponse = false
    private var closed = false

    /// The running timeout and its deadline, managed in `HTTPServerConnection+Timeout.swift`.
    var timeout = HTTPServerTimeout()

    init(server: HTTPServer, token: Int) {
        self.server = server
        self.token = token
        parser = HTTPRequestParser(limits: server.configuration.limits)
    }

    /// Makes the connection reachable for shutdown once `Connection.accept` returns.
    func attach(_ connection: Connection) {
        guard !closed else { return }
        self.connection = connection
        server.registry.activate(token, self)
    }

    func execute(_ work: @escaping @Sendable (HTTPServerConnection) -> Void) {
        connection?.execute { [self] _ in work(self) }
    }

    // MARK: ConnectionHandler

    func connectionDidBecomeActive(_ connection: Connection) {
        self.connection = connection
        setTimeout(.idle)
    }

    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        parser.append(bytes)
        processParts()
    }

    func connection(_ connection: Connection, writabilityDidChange writable: Bool) {
        guard writable, waitingForWritable else { return }
        waitingForWritable = false
        connection.resumeReading()
        processParts()
    }

    func connectionDidReadEndOfStream(_ connection: Connection) {
        // A client may end its side after sending a request and still read the response.
        if case .processing = state {
            closeAfterResponse = true
        } else {
            closeQuietly()
        }
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        closed = true
        stopTimer()
        self.connection = nil
        server.registry.release(token)
    }

    // MARK: Shutdown

    /// Closes an idle connection at once. A busy one closes after its response, and a WebSocket with 1001.
    func beginDrain() {
        draining = true
        switch state {
        case .idle: closeQuietly()
        case .upgraded(let webSocket): webSocket.close(code: .goingAway, reason: "server is shutting down")
        case .readingHead, .readingBody, .processing, .closing: break
        }
    }

    func forceClose() {
        connection?.fail(ConnectionError(.shutdown, "server shut down before the connection finished"))
    }

    // MARK: Requests

    private func processParts() {
        while !waitingForWritable {
            switch state {
            case .processing, .upgraded, .closing: return
            case .idle:
                guard parser.bufferedCount > 0 else { return }
                state = .readingHead
                setTimeout(.header)
            case .readingHead, .readingBody: break
            }
            let part: HTTPRequestPart?
            do {
                part = try parser.nextPart()
            } catch {
                // A body above the route's limit fails here, after its head was parsed.
                if case .readingBody(_, let head) = state {
                    respond(to: error, head: head)
                } else {
                    respond(to: error)
                }
                return
            }
            switch part {
            case nil: return
            case .head(let head): headReceived(head)
            case .body(let bytes): if body.isEmpty { body = bytes } else { body += bytes }
            case .end: requestComplete()
            }
        }
    }

    private func headReceived(_ head: HTTPRequestHead) {
        do throws(HTTPError) {
            let match = try server.router.match(method: head.method, path: head.path)
            try Self.checkContentType(head, accepted: match.route.options.acceptedContentTypes)
            parser.bodyLimit = match.route.options.maxBodyBytes ?? server.configuration.limits.maxBodyBytes
            if head.version == .http1_1 && head.headers.containsToken("100-continue", name: "Expect") {
                let length = try? HTTPBodyFraming.contentLength(head.headers.values(name: "Content-Length"))
                if let length, length > parser.bodyLimit {
                    throw HTTPError(.bodyTooLarge, "body is larger than the limit of \(parser.bodyLimit) bytes")
                }
                connection?.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
            state = .readingBody(match, head)
            body = []
            setTimeout(.body)
        } catch {
            respond(to: error, head: head)
        }
    }


    private static func checkContentType(_ head: HTTPRequestHead, accepted: [String]?) throws(HTTPError) {
        guard let accepted else { return }
        let mediaType = head.headers.first(name: "Content-Type")?.split(separator: ";").first?
            .trimmingASCIIWhitespace().lowercasedASCII()
        guard let mediaType, accepted.contains(where: { $0.lowercasedASCII() == mediaType }) else {
            throw HTTPError(
                .unsupportedMediaType,
                "Content-Type must be \(accepted.joined(separator: " or ")), not \(mediaType ?? "missing")")
        }
    }

    private func requestComplete() {
        guard case .readingBody(let match, let head) = state, let connection else { return }
        clearTimeout()
        let request = HTTPRequest(
            head: head, pathParameters: match.parameters, body: body, remoteAddress: connection.remoteAddress,
            peerCertificate: connection.security.peerCertificate)
        body = []

        switch match.route.target {
        case .webSocket(let configuration, let check, let onAccept):
            upgrade(request, configuration: configuration, check: check, onAccept: onAccept)
        case .synchronous(let handler):
            state = .processing(head)
            guard writeResponse(Self.run(handler, request)) else { return }
            if !connection.isWritable {
                // The next pipelined request waits until the client reads some of the output.
                waitingForWritable = true
                connection.pauseReading()
            }
        case .http(let handler):
            state = .processing(head)
            connection.pauseReading()
            Task { [self] in
                let response = await Self.run(handler, request)
                connection.execute { [self] _ in respond(with: response) }
            }
        }
    }

    private static func run(_ handler: HTTPSynchronousHandler, _ request: HTTPRequest) -> HTTPResponse {
        do {
            return try handler(request)
        } catch {
            return response(to: error)
        }
    }

    private static func run(_ handler: HTTPHandler, _ request: HTTPRequest) async -> HTTPResponse {
        do {
            return try await handler(request)
        } catch {
            return response(to: error)
        }
    }

    private static func response(to error: any Error) -> HTTPResponse {
        if let error = error as? HTTPError { return HTTPResponse(error: error) }
        // The error may carry internal details, so the client gets only the status.
        return HTTPResponse(status: .internalServerError, headers: ["Content-Type": "text/plain"], body: Array("internal error\n".utf8))
    }

    private func upgrade(
        _ request: HTTPRequest, configuration: WebSocketConfiguration, check: WebSocketUpgradeCheck?,
        onAccept: @escaping WebSocketAcceptHandler
    ) {
        guard let connection else { return }
        let response: HTTPResponseHead
        do {
            response = try WebSocketHandshake.acceptUpgrade(request.head)
        } catch {
            respond(to: error, head: request.head)
            return
        }
        guard let check else {
            accept(request, response: response, configuration: configuration, onAccept: onAccept)
            return
        }
        // The check may block, so it runs off the event loop; reading waits until it decides.
        state = .processing(request.head)
        connection.pauseReading()
        Task { [self] in
            let refusal = check(request)
            connection.execute { [self] _ in
                guard !closed, case .processing = state else { return }
                if let refusal {
                    refuse(request.head, with: refusal)
                } else {
                    connection.resumeReading()
                    accept(request, response: response, configuration: configuration, onAccept: onAccept)
                }
            }
        }
    }

    private func accept(
        _ request: HTTPRequest, response: HTTPResponseHead, configuration: WebSocketConfiguration,
        onAccept: WebSocketAcceptHandler
    ) {
        guard let connection else { return }
        connection.write(response.encoded())
        let webSocket = WebSocket(
            connection: connection, role: .server, configuration: configuration, inbound: parser.takeUnconsumedBytes())
        webSocket.onClosed = { [self] in connectionDidClose(connection, error: nil) }
        state = .upgraded(webSocket)
        stopTimer()
        if draining { webSocket.close(code: .goingAway, reason: "server is shutting down") }
        onAccept(webSocket, request)
    }

    /// Sends the upgrade check's refusal and closes: the client may already be sending WebSocket frames.
    private func refuse(_ head: HTTPRequestHead, with response: HTTPResponse) {
        clearTimeout()
        guard let connection, !closed else { return }
        state = .closing
        write(response, method: .get, version: head.version, keepAlive: false)
        connection.close()
    }

    // MARK: Responses

    /// Writes an async handler's response and resumes reading when the connection stays open.
    private func respond(with response: HTTPResponse) {
        guard writeResponse(response), let connection else { return }
        connection.resumeReading()
        processParts()
    }

    /// Writes the response to the request being processed. Returns true when the connection stays open
    /// and waits for the next request, false when it closes or already closed.
    private func writeResponse(_ response: HTTPResponse) -> Bool {
        guard case .processing(let head) = state, let connection, !closed else { return false }
        let keepAlive = head.keepAlive && !draining && !closeAfterResponse
            && !response.headers.containsToken("close", name: "Connection")
        write(response, method: head.method, version: head.version, keepAlive: keepAlive)
        guard keepAlive else {
            state = .closing
            connection.close()
            return false
        }
        state = .idle
        setTimeout(.idle)
        return true
    }

    /// Responds to an error and closes, because after most errors the rest of the byte stream cannot be trusted.
    /// Sends a request that no route takes to the router's `missResponder` and every other error to its
    /// `errorResponder`, when the router has them. `head` is nil when the error came before a whole head.
    func respond(to error: HTTPError, head: HTTPRequestHead? = nil) {
        clearTimeout()
        guard let connection, !closed else { return }
        state = .closing
        let response: HTTPResponse
        if let head, let miss = HTTPRouteMiss(error), let responder = server.router.missResponder {
            response = responder(head, miss)
        } else if let responder = server.router.errorResponder {
            response = responder(error, head)
        } else {
            response = HTTPResponse(error: error)
        }
        write(response, method: head?.method ?? .get, version: head?.version ?? .http1_1, keepAlive: false)
        connection.close()
    }

    /// Writes the head and the body in one piece, so they leave in one TLS record and one send.
    private func write(_ response: HTTPResponse, method: HTTPMethod, version: HTTPVersion, keepAlive: Bool) {
        let code = response.status.code
        var connectionField: String?
        if !keepAlive {
            connectionField = "close"
        } else if version == .http1_0 {
            connectionField = "keep-alive"
        }
        let bytes = HTTPSerialization.encodeResponse(
            response, date: HTTPSerialization.httpDate(),
            contentLength: response.status.isInformational || code == 204 || code == 304 ? nil : response.body.count,
            connection: connectionField, includeBody: method != .head)
        connection?.write(bytes)
    }

    func closeQuietly() {
        clearTimeout()
        state = .closing
        connection?.close()
    }
}
