import EACPProtocol
import EACPTransport

/// The HTTP routes of the server: the agent protocol under /eacp/v1, the administrator API under
/// /admin/v1, /metrics and /health.
struct ServerRoutes {
    let context: ServerContext
    let delivery: ActionDelivery
    let terminals: TerminalRelay

    func makeRouter() -> HTTPRouter {
        var router = HTTPRouter()
        let limiter = AgentRequestLimiter(
            perSecond: context.settings.agentRequestsPerSecond, burst: context.settings.agentRequestBurst)
        addAgentRoutes(to: &router, limiter: limiter)
        addAdminRoutes(to: &router)
        router.missResponder = { [context] head, miss in
            context.log.debug("request.unrouted", ["method": head.method.name, "path": String(head.path)])
            return Self.missResponse(head, miss)
        }
        if !BrokenVariant.isActive(.plainTextTransportErrors) {
            router.errorResponder = { [context] error, head in
                context.log.debug("request.rejected", ["path": head.map { String($0.path) } ?? "", "error": error.message])
                return TransportErrorReplies.response(error, head)
            }
        }
        return router
    }

    /// Builds the response to a request that no route takes. Under /eacp/v1/ it is an `ErrorReply`, because
    /// the protocol requires one with every error status (EACP-TRANSPORT-005 and EACP-TRANSPORT-007).
    /// Under /admin/v1/ it is a JSON error like the rest of the administrator API, and elsewhere the
    /// transport's plain text. A 405 keeps its Allow header.
    static func missResponse(_ head: HTTPRequestHead, _ miss: HTTPRouteMiss) -> HTTPResponse {
        var response: HTTPResponse
        if head.path.hasPrefix("/eacp/v1/") {
            let code: ErrorCode = miss.kind == .notFound ? .notFound : .methodNotAllowed
            response = ProtocolFailure(code, miss.error.message).response.httpResponse
        } else if head.path.hasPrefix("/admin/v1/") {
            response = AdminAPI.json(["error": miss.error.message], status: miss.error.status.code).httpResponse
        } else {
            return HTTPResponse(error: miss.error)
        }
        if !miss.allowedMethods.isEmpty && !BrokenVariant.isActive(.omitsAllowHeader) {
            response.headers.replaceOrAdd(name: "Allow", value: miss.allowedMethods.map(\.name).joined(separator: ", "))
        }
        return response
    }

    private func addAgentRoutes(to router: inout HTTPRouter, limiter: AgentRequestLimiter) {
        let packages = UpgradePackages(context: context)
        let telemetry = TelemetryHandlers(context: context)
        let replies = ActionReplyHandlers(context: context, delivery: delivery)
        let downloads = DownloadHandlers(context: context, packages: packages)
        let heartbeat = HeartbeatHandler(context: context, delivery: delivery, packages: packages)
        let enrollment = EnrollmentHandler(context: context)
        let uploads = UploadHandler(context: context, delivery: delivery)

        agent(&router, limiter, .post, "/eacp/v1/enroll", enrollment.handle)
        agent(&router, limiter, .post, "/eacp/v1/heartbeat", heartbeat.handle)
        agent(&router, limiter, .post, "/eacp/v1/events", telemetry.events)
        agent(&router, limiter, .post, "/eacp/v1/status", telemetry.status)
        agent(&router, limiter, .post, "/eacp/v1/logs", telemetry.logs)
        agent(&router, limiter, .post, "/eacp/v1/actions/ack", replies.ack)
        agent(&router, limiter, .post, "/eacp/v1/actions/result", replies.result)
        agent(&router, limiter, .post, "/eacp/v1/uploads/chunk", uploads.handle)
        agent(&router, limiter, .get, "/eacp/v1/content/{revision}", downloads.content)
        agent(&router, limiter, .get, "/eacp/v1/upgrades/{version}", downloads.upgrade)

        var socketConfiguration = WebSocketConfiguration()
        socketConfiguration.pingInterval = .milliseconds(Int(context.settings.pushPingIntervalMs))
        socketConfiguration.missedPongLimit = Int(context.settings.pushMissedPongLimit)
        if BrokenVariant.isActive(.acceptsOversizedPushMessage) { socketConfiguration.maxMessageBytes = 4 * 1_048_576 }
        BrokenVariant.applyPushFaults(to: &socketConfiguration)
        // A revoked or unknown agent gets its ErrorReply (403 or 401) instead of 101.
        let authorize: WebSocketUpgradeCheck = { [context] request in
            let serverRequest = ServerRequest(head: request.head, peer: request.peerCertificate)
            do throws(ProtocolFailure) {
                _ = try context.authenticate(serverRequest)
                return nil
            } catch {
                context.log.debug("push.rejected", ["code": "\(error.code)", "error": error.message])
                return error.response.httpResponse
            }
        }
        router.addWebSocket("/eacp/v1/push", configuration: socketConfiguration, authorize: authorize) {
            [context, delivery, terminals] socket, request in
            let serverRequest = ServerRequest(head: request.head, peer: request.peerCertificate)
            // A second guard: the agent may have been revoked between the check and the accept.
            guard let agent = try? context.authenticate(serverRequest) else {
                socket.close(code: .policyViolation, reason: "no valid client certificate for an enrolled agent")
                return
            }
            let session = PushChannelSession(
                socket: socket, agentID: agent.agentID, context: context, delivery: delivery, terminals: terminals)
            session.register()
            Task { await session.run() }
        }
    }

    private func addAdminRoutes(to router: inout HTTPRouter) {
        let admin = AdminAPI(context: context, delivery: delivery)
        let json = HTTPRouteOptions(maxBodyBytes: 1_048_576)
        let files = HTTPRouteOptions(maxBodyBytes: Int(min(context.settings.maximumUploadBytes, 1 << 30)))
        func add(_ method: HTTPMethod, _ path: String, options: HTTPRouteOptions? = nil,
                 _ handler: @escaping @Sendable (ServerRequest) throws(AdminError) -> ServerResponse) {
            router.add(method, path, options: options ?? json) { request in
                let serverRequest = ServerRequest(
                    head: request.head, body: request.body, peer: request.peerCertificate, pathParameters: request.pathParameters)
                return admin.authorized(serverRequest) { () throws(AdminError) in try handler(serverRequest) }.httpResponse
            }
        }
        add(.get, "/admin/v1/agents", admin.listAgents)
        add(.get, "/admin/v1/agents/{agent}", admin.inspectAgent)
        add(.post, "/admin/v1/agents/{agent}/revoke", admin.revokeAgent)
        add(.put, "/admin/v1/agents/{agent}/log-collection", admin.setLogCollection)
        add(.get, "/admin/v1/agents/{agent}/events", admin.events)
        add(.get, "/admin/v1/agents/{agent}/actions", admin.agentActions)
        add(.get, "/admin/v1/agents/{agent}/uploads/{upload}", admin.download)
        add(.post, "/admin/v1/actions", admin.queueActions)
        add(.get, "/admin/v1/actions/{action}", admin.inspectAction)
        add(.post, "/admin/v1/actions/{action}/cancel", admin.cancelAction)
        add(.put, "/admin/v1/content/{revision}", options: files, admin.publishContent)
        add(.put, "/admin/v1/builds/{version}", options: files, admin.uploadBuild)
        add(.put, "/admin/v1/upgrade-assignment", admin.assignUpgrade)
        add(.post, "/admin/v1/enrollment-tokens", admin.createEnrollmentToken)

        var terminalSocket = WebSocketConfiguration()
        terminalSocket.pingInterval = .milliseconds(Int(context.settings.pushPingIntervalMs))
        terminalSocket.missedPongLimit = Int(context.settings.pushMissedPongLimit)
        let terminalEndpoint = AdminTerminalEndpoint(admin: admin, terminals: terminals)
        router.addWebSocket("/admin/v1/agents/{agent}/terminal", configuration: terminalSocket) { socket, request in
            Task { await terminalEndpoint.accept(socket, request) }
        }

        router.add(.get, "/metrics") { _ in admin.metrics().httpResponse }
        router.add(.get, "/health") { _ in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array("{\"status\":\"ok\"}\n".utf8))
        }
    }

    /// The largest POST body the spec allows on `path`: 4 MiB for `uploads/chunk`, which carries one chunk
    /// of up to 4190208 bytes, and 1 MiB elsewhere. The `maximum_body_bytes` setting can only lower either.
    static func bodyLimit(_ method: HTTPMethod, _ path: String, setting: Int) -> Int {
        guard method != .get else { return 0 }
        guard !BrokenVariant.isActive(.acceptsOversizedBody) else { return setting }
        let specLimit = path.hasSuffix("/uploads/chunk") ? 4_194_304 : 1_048_576
        return min(specLimit, setting)
    }

    /// Adds an agent protocol route: protobuf bodies only, and every failure as an `ErrorReply`.
    private func agent(
        _ router: inout HTTPRouter, _ limiter: AgentRequestLimiter, _ method: HTTPMethod, _ path: String,
        _ handler: @escaping @Sendable (ServerRequest) throws(ProtocolFailure) -> ServerResponse
    ) {
        // The handlers check Content-Type themselves (`decodeBody`), so that a 415 carries an
        // ErrorReply. The transport's own check would respond in plain text.
        let options = HTTPRouteOptions(maxBodyBytes: Self.bodyLimit(method, path, setting: context.settings.maximumBodyBytes))
        router.add(method, path, options: options) { [context] request in
            let serverRequest = ServerRequest(
                head: request.head, body: request.body, peer: request.peerCertificate, pathParameters: request.pathParameters)
            do throws(ProtocolFailure) {
                try Self.checkRate(serverRequest, limiter)
                return try handler(serverRequest).httpResponse
            } catch {
                if error.code == .internal || error.code == .unavailable {
                    context.log.error("request.failed", ["path": serverRequest.path, "error": error.message])
                } else {
                    context.log.debug("request.rejected", ["path": serverRequest.path, "code": "\(error.code)", "error": error.message])
                }
                return error.response.httpResponse
            }
        }
    }
}

extension ServerRoutes {
    /// Throws RATE_LIMITED, with the wait until the agent's next request may go ahead, when the
    /// request's client certificate has used up its requests for now.
    static func checkRate(_ request: ServerRequest, _ limiter: AgentRequestLimiter) throws(ProtocolFailure) {
        guard let peer = request.peer, let wait = limiter.admit(peer.sha256Fingerprint) else { return }
        // Retry-After counts whole seconds, so the wait rounds up to at least one.
        let milliseconds = wait.components.seconds * 1_000 + wait.components.attoseconds / 1_000_000_000_000_000
        let seconds = max(1, (milliseconds + 999) / 1_000)
        throw ProtocolFailure(
            .rateLimited, "\(request.path): this agent sent more requests than the server accepts for now",
            retryAfterMs: UInt32(seconds * 1_000))
    }
}

extension ServerResponse {
    var httpResponse: HTTPResponse { HTTPResponse(status: status, headers: headers, body: body) }
}
