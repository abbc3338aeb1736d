import EACPProtocol
import EACPTransport

/// One HTTP request written byte for byte on a connection of its own, for what the HTTP client never
/// sends: a body announced above the path's limit, a header section above 16384 bytes, a handshake
/// with a wrong WebSocket version, a request without TLS.
final class RawHTTPExchange: ConnectionHandler, @unchecked Sendable {
    // @unchecked: the event loop writes `inbound` and `ended` behind their locks, and one case task reads them.
    private let inbound = LockedValue<[UInt8]>([])
    private let ended = LockedValue(false)

    /// A parsed response: status, header fields and the whole body.
    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// The result of one exchange: the bytes as received, the response when they hold a whole one, and whether the
    /// server closed the connection.
    struct Outcome {
        var received: [UInt8]
        var response: Response?
        var closed: Bool
    }

    private init() {}

    /// Connects through `connector`, writes each piece of `pieces` in order, and waits up to `timeout`
    /// until a whole response has arrived and, when `untilClosed` is set, the server has closed the
    /// connection.
    static func send(
        _ pieces: [[UInt8]], through connector: ClientConnector, group: EventLoopGroup, timeout: Duration = .seconds(5),
        untilClosed: Bool = false
    ) async throws -> Outcome {
        let loop = group.next()
        let connection = try await connector.connect(on: loop)
        let exchange = RawHTTPExchange()
        loop.execute {
            connection.handler = exchange
            for piece in pieces { connection.write(piece) }
            connection.resumeReading()
        }
        defer { loop.execute { connection.close() } }

        _ = try await waitFor(timeout: timeout) { () -> Bool? in
            let closed = exchange.ended.value
            if closed { return true }
            return !untilClosed && Self.parse(exchange.inbound.value, closed: false) != nil ? true : nil
        }
        let received = exchange.inbound.value
        let closed = exchange.ended.value
        return Outcome(received: received, response: parse(received, closed: closed), closed: closed)
    }

    /// Parses the first response in `bytes`, or returns nil while it is incomplete or when it is not HTTP.
    static func parse(_ bytes: [UInt8], closed: Bool) -> Response? {
        var parser = HTTPResponseParser()
        parser.bodyLimit = 4 * 1_048_576
        parser.expectResponse(to: .post)
        parser.append(bytes)
        var response: Response?
        while true {
            let part: HTTPResponsePart?
            do {
                part = try parser.nextPart() ?? (closed ? parser.finish() : nil)
            } catch {
                return nil
            }
            switch part {
            case nil: return nil
            case .head(let head): response = Response(status: head.status.code, headers: head.headers, body: [])
            case .body(let body): response?.body += body
            case .end: return response
            }
        }
    }

    /// Builds the bytes of a request head with the given fields, Host first.
    static func head(_ method: String, _ path: String, host: String, _ fields: [(String, String)]) -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in fields { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    func connectionDidBecomeActive(_ connection: Connection) {}

    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        inbound.update { $0 += Array(bytes) }
    }

    func connectionDidReadEndOfStream(_ connection: Connection) {
        ended.update { $0 = true }
        connection.close()
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        ended.update { $0 = true }
    }
}
