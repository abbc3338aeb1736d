import EACPProtocol
import EACPTransport
import Foundation

extension HarnessHandlers {
    func enroll(_ request: EnrollmentRequest) throws -> Answer {
        guard request.enrollmentToken == enrollmentToken else {
            return .error(.forbidden, .forbidden, "the enrollment token is not known")
        }
        let csrPEM: String
        switch request.certificateSigningRequest {
        case .csrPem(let pem): csrPEM = pem
        case .csrDer, nil: return .error(.badRequest, .badRequest, "the harness takes the CSR as csr_pem")
        }
        let agentID = "conformance-agent-" + UUID().uuidString.prefix(8).lowercased()
        let certificate = try authority.signClientCertificate(csrPEM: csrPEM, agentID: agentID)
        var reply = EnrollmentReply()
        reply.agentId = agentID
        reply.clientCertificatePem = try certificate.pem()
        reply.caChainPem = [try authority.certificate.pem()]
        reply.certificateNotAfterUnixMs = Int64((certificate.notAfter ?? Date()).timeIntervalSince1970 * 1_000)
        return .reply(reply)
    }

    func heartbeat(_ heartbeat: Heartbeat) -> Answer {
        observations.update { $0.heartbeats.append(.init(at: .now, value: heartbeat)) }
        let script = self.script.value
        var reply = HeartbeatReply()
        reply.serverTimeUnixMs = Int64(Date().timeIntervalSince1970 * 1_000)
        reply.nextHeartbeatIntervalMs = script.heartbeatIntervalMs
        reply.pendingActions = script.heartbeatActions
        reply.contentOffer = script.contentOffer
        reply.upgradeOffer = script.upgradeOffer
        var settings = AgentSettings()
        settings.statusReportIntervalMs = script.statusReportIntervalMs
        settings.pushPingIntervalMs = script.pushPingIntervalMs
        settings.pushMissedPongLimit = script.pushMissedPongLimit
        settings.logCollection = script.logCollection
        settings.logLevel = script.logLevel
        reply.settings = settings
        return .reply(reply)
    }

    func events(_ batch: SecurityEventBatch) -> Answer {
        observations.update { state in
            for event in batch.events { state.eventAttempts.append(.init(at: .now, value: event)) }
        }
        guard script.value.acknowledgeEvents else {
            return .error(HTTPStatus(code: 503), .unavailable, "the harness is not storing events now", retryAfterSeconds: 1)
        }
        observations.update { state in
            for event in batch.events { state.events.append(.init(at: .now, value: event)) }
        }
        var ack = SecurityEventAck()
        ack.storedEventIds = batch.events.map(\.eventId)
        return .reply(ack)
    }

    func recordAck(_ actionID: String, path: String) {
        observations.update { $0.acks.append(.init(at: .now, value: (actionID, path))) }
        script.update { $0.heartbeatActions.removeAll { $0.actionId == actionID } }
    }

    func recordResult(_ result: ActionResult, path: String) {
        observations.update { $0.results.append(.init(at: .now, value: (result, path))) }
        script.update { $0.heartbeatActions.removeAll { $0.actionId == result.actionId } }
    }

    func uploadChunk(_ chunk: UploadChunk) -> Answer {
        observations.update { $0.uploadChunks.append(.init(at: .now, value: chunk)) }
        let stored = uploads.update { uploads -> Int in
            var bytes = uploads[chunk.uploadId] ?? []
            if chunk.offset == UInt64(bytes.count), !chunk.chunk.isEmpty, SHA256Digest.of(chunk.chunk) == chunk.chunkSha256 {
                bytes += chunk.chunk
                uploads[chunk.uploadId] = bytes
            }
            return bytes.count
        }
        var receipt = UploadReceipt()
        receipt.uploadId = chunk.uploadId
        receipt.nextOffset = UInt64(stored)
        if UInt64(stored) == chunk.totalSize, SHA256Digest.of(uploads.value[chunk.uploadId] ?? []) == chunk.totalSha256 {
            receipt.complete = true
            observations.update { $0.completedUploads.append(chunk.uploadId) }
        }
        return .reply(receipt)
    }

    func content(_ request: HTTPRequest) -> HTTPResponse {
        let revision = UInt64(request.pathParameters["revision"] ?? "") ?? 0
        observations.update { $0.contentDownloads.append(.init(at: .now, value: revision)) }
        log("agent->server", "GET /eacp/v1/content/\(revision)")
        guard let package = script.value.contentPackages[revision] else {
            var reply = ErrorReply()
            reply.code = .notFound
            reply.message = "no content revision \(revision)"
            return HTTPResponse(status: .notFound, headers: ["Content-Type": Self.mediaType], body: reply.wireBytes())
        }
        log("server->agent", "200 content \(revision)", "\(package.count) bytes")
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: package)
    }
}
