import Foundation
import EACPProtocol
import EACPTransport

/// One HTTP request as a handler sees it: the head, the whole body, and the client certificate of
/// its TLS connection when there was one.
public struct ServerRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]
    public var peer: PeerCertificate?
    /// The values of the route's `{name}` segments.
    public var pathParameters: [String: String]

    public init(head: HTTPRequestHead, body: [UInt8] = [], peer: PeerCertificate? = nil, pathParameters: [String: String] = [:]) {
        self.head = head
        self.body = body
        self.peer = peer
        self.pathParameters = pathParameters
    }

    public var path: String { String(head.path) }
}

/// One HTTP response: status, header fields and the whole body.
public struct ServerResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A 200 response carrying one encoded message.
    public static func message(_ message: some WireMessage, status: HTTPStatus = .ok) -> ServerResponse {
        let headers: HTTPHeaders = BrokenVariant.isActive(.omitsSuccessContentType) && status == .ok
            ? [:] : ["Content-Type": ProtocolFailure.mediaType]
        return ServerResponse(status: status, headers: headers, body: BrokenVariant.framed(message.wireBytes()))
    }
}

/// A request the server does not carry out, as the protocol's error class and a message for a
/// person. `response` turns it into the HTTP status and `ErrorReply` body the protocol assigns.
public struct ProtocolFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public static let mediaType = "application/x-protobuf"

    public let code: ErrorCode
    public let message: String
    public var retryAfterMs: UInt32 = 0

    public init(_ code: ErrorCode, _ message: String, retryAfterMs: UInt32 = 0) {
        self.code = code
        self.message = message
        self.retryAfterMs = retryAfterMs
    }

    public var description: String { "\(code): \(message)" }

    /// The HTTP status of each error class, from the `ErrorCode` comments of the schema.
    public static func status(for code: ErrorCode) -> HTTPStatus {
        switch code {
        case .badRequest, .malformedMessage, .unspecified, .unrecognized: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: BrokenVariant.isActive(.notFoundAsBadRequest) ? .badRequest : .notFound
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .rateLimited: .tooManyRequests
        case .unavailable: .serviceUnavailable
        // Policy violations are a push channel close code; over HTTP they are a forbidden request.
        case .policyViolation: .forbidden
        case .internal: .internalServerError
        case .methodNotAllowed: .methodNotAllowed
        case .rangeNotSatisfiable: .rangeNotSatisfiable
        case .hashMismatch: HTTPStatus(code: 422)
        }
    }

    public var response: ServerResponse {
        var reply = ErrorReply()
        reply.code = code
        reply.message = BrokenVariant.isActive(.emptyErrorMessage) ? "" : String(decoding: Array(message.utf8.prefix(1024)), as: UTF8.self)
        reply.retryAfterMs = retryAfterMs
        var response = ServerResponse.message(reply, status: Self.status(for: code))
        if retryAfterMs > 0 && !BrokenVariant.isActive(.omitsRetryAfter) {
            response.headers.replaceOrAdd(name: "Retry-After", value: String((retryAfterMs + 999) / 1000))
        }
        return response
    }

    static func storage(_ error: ServerStoreError) -> ProtocolFailure {
        if error.code == .unavailable || error.code == .storageFull {
            return ProtocolFailure(.unavailable, "storage is unavailable: \(error.code)", retryAfterMs: 5_000)
        }
        return ProtocolFailure(.internal, "storage failed: \(error.code)")
    }
}

extension ServerRequest {
    /// Decodes the body as `Message` after checking the Content-Type, mapping a decoding error to
    /// 400 MALFORMED_MESSAGE.
    func decodeBody<Message: WireMessage>(_ type: Message.Type) throws(ProtocolFailure) -> Message {
        let mediaType = head.headers.first(name: "Content-Type")?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard mediaType == ProtocolFailure.mediaType || BrokenVariant.isActive(.acceptsAnyMediaType) else {
            throw ProtocolFailure(
                .unsupportedMediaType, "\(path) takes Content-Type \(ProtocolFailure.mediaType), not \(mediaType ?? "none")")
        }
        if body.isEmpty, BrokenVariant.isActive(.rejectsEmptyBody) {
            throw ProtocolFailure(.malformedMessage, "the body is empty")
        }
        do {
            let message = try Message(wireBytes: body)
            try BrokenVariant.checkCanonical(message, body: body)
            return message
        } catch {
            let code: ErrorCode = BrokenVariant.isActive(.answersMalformedAsBadRequest) ? .badRequest : .malformedMessage
            throw ProtocolFailure(code, "the body is not a valid \(Message.protoName): \(error)")
        }
    }
}
