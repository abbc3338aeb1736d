/// Per-route limits and checks.
public struct HTTPRouteOptions: Sendable {
    /// The largest body this route accepts, or nil for the server's `limits.maxBodyBytes`.
    public var maxBodyBytes: Int?
    /// The media types the route accepts in Content-Type, parameters ignored, or nil to accept any.
    /// A request whose Content-Type is missing or not listed gets 415.
    public var acceptedContentTypes: [String]?

    public init(maxBodyBytes: Int? = nil, acceptedContentTypes: [String]? = nil) {
        self.maxBodyBytes = maxBodyBytes
        self.acceptedContentTypes = acceptedContentTypes
    }
}

/// A request that no route takes: no route's path matches it, or paths match but none takes its method.
public struct HTTPRouteMiss: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// No route's path matches: 404.
        case notFound
        /// A route's path matches but not its method: 405, which must name `allowedMethods` in Allow.
        case methodNotAllowed
    }

    public var kind: Kind
    /// The methods of the routes whose paths match the request, in the order they were added. Empty for
    /// `.notFound`.
    public var allowedMethods: [HTTPMethod]
    /// The error behind the default plain-text response, with a message naming the method and path.
    public var error: HTTPError

    /// Returns the miss that `error` reports, or nil when `error` is not a routing miss.
    init?(_ error: HTTPError) {
        switch error.code {
        case .routeNotFound: kind = .notFound
        case .methodNotAllowed: kind = .methodNotAllowed
        default: return nil
        }
        allowedMethods = error.allowedMethods
        self.error = error
    }
}

/// Builds the response to a request that no route takes. It runs on the event loop thread before the
/// body is read, so it must not block. The connection closes after the response, so the server never
/// reads that request's body.
public typealias HTTPRouteMissResponder = @Sendable (HTTPRequestHead, HTTPRouteMiss) -> HTTPResponse

/// Builds the response to a request that the transport rejects before a handler runs: a body above the
/// route's limit, a head above the parser's limits, a failed WebSocket handshake, a timeout. The head is
/// nil when the error came before a whole head was parsed. It runs on the event loop thread, so it must
/// not block. The connection closes after the response.
public typealias HTTPErrorResponder = @Sendable (HTTPError, HTTPRequestHead?) -> HTTPResponse

/// Decides whether a WebSocket upgrade may go ahead: nil accepts it, a response refuses it. It runs in a
/// task off the event loop, so it may read a database.
public typealias WebSocketUpgradeCheck = @Sendable (HTTPRequest) -> HTTPResponse?

/// Maps a method and a path to a handler. Path patterns are literal segments and `{name}` segments
/// that match any one non-empty segment, such as `/eacp/v1/content/{revision}`.
public struct HTTPRouter: Sendable {
    enum Target: Sendable {
        case http(HTTPHandler)
        case synchronous(HTTPSynchronousHandler)
        case webSocket(WebSocketConfiguration, WebSocketUpgradeCheck?, WebSocketAcceptHandler)
    }

    struct Route: Sendable {
        var method: HTTPMethod
        var segments: [Substring]
        var options: HTTPRouteOptions
        var target: Target
    }

    /// A route that matched, with its path parameters.
    struct Match {
        var route: Route
        var parameters: [String: String]
    }

    private var routes: [Route] = []

    /// Builds the response to requests that no route takes, or nil for the default: 404, or 405 with
    /// Allow, both with the error message as plain text. A responder that returns 405 should copy
    /// `allowedMethods` into an Allow header, because HTTP requires one.
    public var missResponder: HTTPRouteMissResponder?

    /// Builds the response to every other error the transport responds to itself, or nil for the default:
    /// the error's status, its `statusHeaders` and its message as plain text. Route misses go to
    /// `missResponder` when one is set.
    public var errorResponder: HTTPErrorResponder?

    public init() {}

    /// Adds a route. An earlier route wins when two match the same request.
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, options: HTTPRouteOptions = HTTPRouteOptions(),
        handler: @escaping HTTPHandler
    ) {
        routes.append(Route(method: method, segments: Self.segments(pattern), options: options, target: .http(handler)))
    }

    /// Adds a route whose handler runs on the connection's event loop thread, with no task and no thread
    /// switch. Use it only for handlers that build their response from memory at once. A handler that
    /// blocks (on a file, a database or a lock held for long) stalls every connection of that loop.
    public mutating func addSynchronous(
        _ method: HTTPMethod, _ pattern: String, options: HTTPRouteOptions = HTTPRouteOptions(),
        handler: @escaping HTTPSynchronousHandler
    ) {
        let route = Route(method: method, segments: Self.segments(pattern), options: options, target: .synchronous(handler))
        routes.append(route)
    }

    /// Adds a WebSocket endpoint at `pattern`: a GET that must upgrade, or gets 426. When `authorize`
    /// is given, it sees each valid upgrade request before the server answers 101; a response it returns
    /// is sent instead, and the connection closes after it.
    public mutating func addWebSocket(
        _ pattern: String, configuration: WebSocketConfiguration = WebSocketConfiguration(),
        authorize: WebSocketUpgradeCheck? = nil,
        onAccept: @escaping WebSocketAcceptHandler
    ) {
        let route = Route(
            method: .get, segments: Self.segments(pattern), options: HTTPRouteOptions(maxBodyBytes: 0),
            target: .webSocket(configuration, authorize, onAccept))
        routes.append(route)
    }

    /// Finds the route for a request, or throws 404 when no path matches and 405 (with the allowed
    /// methods) when paths match but methods do not.
    func match(method: HTTPMethod, path: Substring) throws(HTTPError) -> Match {
        let requestSegments = Self.segments(path)
        var allowed: [HTTPMethod] = []
        for route in routes {
            guard let parameters = Self.parameters(route.segments, requestSegments) else { continue }
            if route.method == method || (method == .head && route.method == .get) {
                return Match(route: route, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        guard allowed.isEmpty else {
            var error = HTTPError(.methodNotAllowed, "\(method) is not allowed on \(path)")
            error.allowedMethods = allowed
            throw error
        }
        throw HTTPError(.routeNotFound, "no route for \(path)")
    }

    private static func segments(_ path: some StringProtocol) -> [Substring] {
        Substring(path).split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
    }

    private static func parameters(_ pattern: [Substring], _ path: [Substring]) -> [String: String]? {
        guard pattern.count == path.count else { return nil }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(pattern, path) {
            if expected.hasPrefix("{") && expected.hasSuffix("}") {
                guard !actual.isEmpty, let decoded = percentDecoded(actual) else { return nil }
                parameters[String(expected.dropFirst().dropLast())] = decoded
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }

    /// Decodes %XX escapes, or returns nil for a malformed escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
