import EACPProtocol
import EACPTransport
import Foundation

/// The EACP server the runner plays for an agent under test, on the transport's HTTPS server.
///
/// It enrolls the agent, answers every agent path as the running case's script says, and records
/// every message, decoded, in the case's transcript and in the observations the cases check.
final class HarnessServer: Sendable {
    let handlers: HarnessHandlers
    private let server: HTTPServer
    private let group: EventLoopGroup

    init(authority: CertificateAuthority, serverCertificatePEM: String, serverKeyPEM: String, token: String) throws {
        handlers = HarnessHandlers(authority: authority, enrollmentToken: token)
        let context = try TLSContext(configuration: .server(
            certificateChainPEM: serverCertificatePEM, privateKeyPEM: serverKeyPEM,
            trustedCAPEM: try authority.certificate.pem(), clientCertificatePolicy: .optional))
        group = try EventLoopGroup(loopCount: 1)
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        server = HTTPServer(configuration: configuration, router: handlers.makeRouter(), group: group) {
            try TLSSession(context: context)
        }
    }

    /// Starts listening on a loopback port and returns it.
    func start() async throws -> UInt16 {
        try await server.start().port
    }

    func stop() async {
        handlers.pushChannel.value?.close(code: .goingAway)
        await server.shutdown(gracePeriod: .seconds(1))
        group.shutdown()
    }
}

/// The state and request handlers of the harness server.
final class HarnessHandlers: Sendable {
    let authority: CertificateAuthority
    let enrollmentToken: String
    let script = LockedValue(HarnessScript())
    let observations = LockedValue(HarnessObservations())
    /// The transcript of the running case; each case installs its own.
    let transcript = LockedValue(Transcript())
    let pushChannel = LockedValue<WebSocket?>(nil)
    /// Bytes received per upload id.
    let uploads = LockedValue<[String: [UInt8]]>([:])
    static let mediaType = "application/x-protobuf"
    /// The Location header of the redirects that cases return. A request to it means the agent followed one.
    static let redirectTarget = "/eacp/v1/conformance-redirect-target"

    init(authority: CertificateAuthority, enrollmentToken: String) {
        self.authority = authority
        self.enrollmentToken = enrollmentToken
    }

    func log(_ direction: String, _ summary: String, _ detail: String = "") {
        transcript.value.record(direction, summary, detail)
    }

    func makeRouter() -> HTTPRouter {
        var router = HTTPRouter()
        post(&router, "/eacp/v1/enroll", EnrollmentRequest.self) { try self.enroll($0) }
        post(&router, "/eacp/v1/heartbeat", Heartbeat.self) { self.heartbeat($0) }
        post(&router, "/eacp/v1/events", SecurityEventBatch.self) { self.events($0) }
        post(&router, "/eacp/v1/status", StatusReport.self) { report in
            self.observations.update { $0.statusReports.append(.init(at: .now, value: report)) }
            var ack = StatusReportAck()
            ack.storedSequenceNumber = report.sequenceNumber
            return .reply(ack)
        }
        post(&router, "/eacp/v1/logs", AgentLogBatch.self) { batch in
            self.observations.update { $0.logBatches.append(.init(at: .now, value: batch)) }
            var ack = AgentLogAck()
            ack.storedSequenceNumber = batch.records.map(\.sequenceNumber).max() ?? 0
            if let limit = self.script.value.logAckLimit { ack.storedSequenceNumber = min(ack.storedSequenceNumber, limit) }
            return .reply(ack)
        }
        post(&router, "/eacp/v1/actions/ack", ActionAck.self) { ack in
            self.recordAck(ack.actionId, path: "http")
            return .reply(Self.receipt(ack.actionId, .ack))
        }
        post(&router, "/eacp/v1/actions/result", ActionResult.self) { result in
            let failing = self.script.update { script -> Bool in
                guard script.failedResultPosts > 0 else { return false }
                script.failedResultPosts -= 1
                return true
            }
            if failing { return .error(HTTPStatus(code: 503), .unavailable, "the harness is not storing results now") }
            self.recordResult(result, path: "http")
            return .reply(Self.receipt(result.actionId, .result))
        }
        post(&router, "/eacp/v1/uploads/chunk", UploadChunk.self) { self.uploadChunk($0) }
        router.add(.get, "/eacp/v1/content/{revision}") { request in self.content(request) }
        router.add(.get, "/eacp/v1/upgrades/{version}") { request in self.upgradePackage(request) }
        for method in [HTTPMethod.get, .post] {
            router.add(method, Self.redirectTarget) { request in
                self.observations.update { $0.requests.append(.init(at: .now, value: (Self.redirectTarget, request.peerCertificate != nil))) }
                self.log("agent->server", "\(method) \(Self.redirectTarget)", "the agent followed a redirect")
                return HTTPResponse(status: .notFound)
            }
        }
        var socketConfiguration = WebSocketConfiguration()
        socketConfiguration.pingInterval = .seconds(3_600)
        router.addWebSocket("/eacp/v1/push", configuration: socketConfiguration) { socket, request in
            self.acceptPush(socket, request)
        }
        return router
    }

    /// What a handler returns: a reply message or an error status with its `ErrorReply`.
    enum Answer {
        case reply(any WireMessage)
        case error(HTTPStatus, ErrorCode, String, retryAfterSeconds: Int? = nil)
    }

    private func post<Message: WireMessage>(
        _ router: inout HTTPRouter, _ path: String, _ type: Message.Type, _ handle: @escaping @Sendable (Message) throws -> Answer
    ) {
        router.add(.post, path, options: HTTPRouteOptions(maxBodyBytes: 4_194_304)) { request in
            self.observations.update { $0.requests.append(.init(at: .now, value: (path, request.peerCertificate != nil))) }
            if Self.containsPrivateKey(request.body) { self.observations.update { $0.privateKeyPaths.append(path) } }
            let head = HarnessObservations.PostHead(
                path: path, contentType: request.head.headers.values(name: "Content-Type"),
                contentLength: request.head.headers.values(name: "Content-Length"), bodyCount: request.body.count)
            self.observations.update { $0.postHeads.append(.init(at: .now, value: head)) }
            if let override = self.takeOverride(path) {
                self.log("agent->server", "POST \(path)", (try? Message(wireBytes: request.body)).map(Self.describe) ?? "")
                let response = await override(request.body)
                self.log("server->agent", "\(response.status.code) \(path) (scripted)", "\(response.body.count) bytes")
                return response
            }
            let answer: Answer
            do {
                let message = try Message(wireBytes: request.body)
                self.log("agent->server", "POST \(path)", Self.describe(message))
                if path != "/eacp/v1/enroll" && request.peerCertificate == nil {
                    answer = .error(.unauthorized, .unauthenticated, "\(path) needs a client certificate")
                } else {
                    answer = try handle(message)
                }
            } catch {
                self.log("agent->server", "POST \(path) with an undecodable body", "\(error)")
                answer = .error(.badRequest, .malformedMessage, "the body is not a valid \(Message.protoName): \(error)")
            }
            return self.respond(path, answer)
        }
    }

    private func respond(_ path: String, _ answer: Answer) -> HTTPResponse {
        switch answer {
        case .reply(let message):
            log("server->agent", "200 \(path)", Self.describe(message))
            return HTTPResponse(status: .ok, headers: ["Content-Type": Self.mediaType], body: message.wireBytes())
        case .error(let status, let code, let message, let retryAfter):
            var reply = ErrorReply()
            reply.code = code
            reply.message = message
            var headers: HTTPHeaders = ["Content-Type": Self.mediaType]
            if let retryAfter {
                reply.retryAfterMs = UInt32(retryAfter * 1_000)
                headers.replaceOrAdd(name: "Retry-After", value: String(retryAfter))
            }
            log("server->agent", "\(status.code) \(path)", Self.describe(reply))
            return HTTPResponse(status: status, headers: headers, body: reply.wireBytes())
        }
    }

    /// Removes and returns the first scripted override of `path`, if any.
    private func takeOverride(_ path: String) -> HarnessOverride? {
        script.update { script -> HarnessOverride? in
            guard var queue = script.overrides[path], !queue.isEmpty else { return nil }
            let first = queue.removeFirst()
            script.overrides[path] = queue
            return first
        }
    }

    static func describe(_ message: any WireMessage) -> String {
        // Printing a chunk's bytes would build a string of megabytes only to cut it to 3000 characters.
        if var chunk = message as? UploadChunk, chunk.chunk.count > 64 {
            let count = chunk.chunk.count
            chunk.chunk = []
            return "UploadChunk of \(count) bytes \(chunk)"
        }
        var text = "\(type(of: message).protoName) \(message)"
        if text.count > 3_000 { text = String(text.prefix(3_000)) + "…" }
        return text
    }

    static func receipt(_ actionID: String, _ subject: ActionReceipt.Subject) -> ActionReceipt {
        var receipt = ActionReceipt()
        receipt.actionId = actionID
        receipt.subject = subject
        return receipt
    }
}
