import EACPProtocol
import EACPTransport

/// Responses to errors that the transport finds before a handler runs: a body above the path's
/// limit, a request line and header section above 16384 bytes, a push-channel GET that is no valid
/// upgrade, a timeout.
///
/// The protocol requires an `ErrorReply` with every error status under /eacp/v1/, so these responses
/// carry one too. A head the transport could not parse has no path yet, and it gets an `ErrorReply`
/// as well, because most clients of this listener are agents.
enum TransportErrorReplies {
    /// Builds the response to `error`. Under /admin/v1/ it is a JSON error, on paths outside both APIs
    /// the transport's plain text, and otherwise an `ErrorReply`.
    static func response(_ error: HTTPError, _ head: HTTPRequestHead?) -> HTTPResponse {
        if let head, head.path.hasPrefix("/admin/v1/") {
            var response = AdminAPI.json(["error": error.message], status: error.status.code).httpResponse
            for field in error.statusHeaders { response.headers.replaceOrAdd(name: field.name, value: field.value) }
            return response
        }
        if let head, !head.path.hasPrefix("/eacp/v1/") {
            return HTTPResponse(error: error)
        }

        let code = errorCode(for: error)
        let place = head.map { "\($0.method.name) \($0.path): " } ?? ""
        var failure = ProtocolFailure(code, place + error.message)
        if code == .rateLimited || code == .unavailable {
            failure.retryAfterMs = UInt32(max(1, error.retryAfterSeconds ?? 1)) * 1_000
        }
        var response = failure.response.httpResponse
        if !error.allowedMethods.isEmpty {
            response.headers.replaceOrAdd(name: "Allow", value: error.allowedMethods.map(\.name).joined(separator: ", "))
        }
        // Sec-WebSocket-Version names the version a client of another WebSocket version should use (RFC 6455,
        // section 4.4). Upgrade and Connection are left out, because the response refuses the upgrade.
        for field in error.responseHeaders where field.name.lowercased() == "sec-websocket-version" {
            response.headers.replaceOrAdd(name: field.name, value: field.value)
        }
        return response
    }

    /// Returns the protocol's error class for a transport error. Errors of the request's framing or
    /// head, a failed WebSocket handshake and a timeout are a bad request (400), because the error
    /// table has no other code for them.
    static func errorCode(for error: HTTPError) -> ErrorCode {
        switch error.code {
        case .bodyTooLarge: .payloadTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .tooManyRequests: .rateLimited
        case .serviceUnavailable: .unavailable
        case .routeNotFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        default: .badRequest
        }
    }
}
