import Synchronization

/// The client side of one HTTP/1.1 connection: one request at a time, responses parsed incrementally.
final class HTTPClientConnection: ConnectionHandler, @unchecked Sendable {
    // @unchecked: `pending`, `parser` and the timer are touched only on the connection's loop thread.
    // `usable` is behind a mutex because `HTTPClient` reads it from other threads.

    struct Exchange: Sendable {
        var response: HTTPResponse
        /// Whether the connection may carry another request.
        var reusable: Bool
    }

    private struct Pending {
        var continuation: CheckedContinuation<Exchange, any Error>
        var requestKeepAlive: Bool
        var head: HTTPResponseHead?
        var body: [UInt8] = []
    }

    private let connection: Connection
    private let configuration: HTTPClientConfiguration
    private var parser: HTTPResponseParser
    private var pending: Pending?
    private var timer: TimerID?
    private let usable = Mutex(true)

    /// Takes over a connected connection. Call on its loop thread.
    init(connection: Connection, configuration: HTTPClientConfiguration) {
        self.connection = connection
        self.configuration = configuration
        parser = HTTPResponseParser(limits: configuration.limits)
        connection.handler = self
        connection.resumeReading()
    }

    /// Whether the connection is open and between requests.
    var isUsable: Bool { usable.withLock { $0 } }

    func send(head: HTTPRequestHead, body: [UInt8]) async throws -> Exchange {
        try await withCheckedThrowingContinuation { continuation in
            connection.execute { [self] connection in
                guard pending == nil, !connection.isClosed else {
                    continuation.resume(throwing: HTTPError(.connectionClosed, "connection is closed or busy"))
                    return
                }
                usable.withLock { $0 = false }
                pending = Pending(continuation: continuation, requestKeepAlive: head.keepAlive)
                parser.expectResponse(to: head.method)
                timer = connection.loop.scheduleTimer(after: configuration.responseTimeout) { [weak self] in
                    self?.fail(HTTPError(.responseTimeout, "no complete response within the response timeout"))
                }
                connection.write(head.encoded() + body)
            }
        }
    }

    /// Closes the connection unless a request is running on it.
    func closeWhenIdle() {
        connection.execute { [self] connection in
            if pending == nil { connection.close() }
        }
    }

    // MARK: ConnectionHandler

    func connectionDidBecomeActive(_ connection: Connection) {}

    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        parser.append(bytes)
        do {
            while let part = try parser.nextPart() {
                switch part {
                case .head(let head): pending?.head = head
                case .body(let bytes): pending?.body += bytes
                case .end: complete()
                }
            }
        } catch {
            fail(error)
        }
    }

    func connectionDidReadEndOfStream(_ connection: Connection) {
        do {
            if try parser.finish() == .end { complete() }
        } catch {
            fail(error)
            return
        }
        fail(HTTPError(.connectionClosed, "server closed the connection before a complete response"))
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        usable.withLock { $0 = false }
        let reason = error.map { "connection failed: \($0)" } ?? "connection closed before a complete response"
        fail(HTTPError(.connectionClosed, reason))
    }

    // MARK: Completion

    private func complete() {
        guard let pending, let head = pending.head else { return }
        self.pending = nil
        cancelTimer()
        let reusable = pending.requestKeepAlive && head.keepAlive && !connection.isClosed
        usable.withLock { $0 = reusable }
        if !reusable { connection.close() }
        pending.continuation.resume(returning: Exchange(response: HTTPResponse(status: head.status, headers: head.headers, body: pending.body), reusable: reusable))
    }

    /// Fails the request in flight, if any, and closes the connection.
    private func fail(_ error: any Error) {
        cancelTimer()
        usable.withLock { $0 = false }
        if let pending {
            self.pending = nil
            pending.continuation.resume(throwing: error)
        }
        connection.close()
    }

    private func cancelTimer() {
        if let timer { connection.loop.cancelTimer(timer) }
        timer = nil
    }
}
