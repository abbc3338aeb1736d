import EACPProtocol
import EACPTransport
import Foundation

/// Enrollment tokens that are spent or expired, and the client certificate every path but `enroll`
/// requires.
enum ServerCredentialCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [spentTokens(target), certificateOnEveryPath(target)]
    }

    /// Builds a valid enrollment request that uses `token`.
    static func enrollmentRequest(token: String) throws -> EnrollmentRequest {
        var request = EnrollmentRequest()
        request.enrollmentToken = token
        request.certificateSigningRequest = .csrPem(
            try CertificateSigningRequest(agentID: "conformance", key: try PrivateKey.generateP256()).pem())
        request.agentVersion = "1.4"
        request.hostName = "conformance-host"
        return request
    }

    static func spentTokens(_ target: ServerTarget) -> ConformanceCase {
        .server("server.enroll.rejects-spent-token",
                "A token whose uses are spent, or whose lifetime ended, gets 403 FORBIDDEN and creates no agent",
                ["EACP-ENROLL-004"], target, timeout: .seconds(15)) { kit in
            let singleUse = try await kit.admin.enrollmentToken(uses: 1)
            let shortLived = try await kit.admin.call(
                .post, "/admin/v1/enrollment-tokens", json: ["label": "conformance", "maximum_uses": 5, "expires_in_seconds": 1])
            guard shortLived.status == 201, let expiring = shortLived.json["token"]?.string else {
                throw CaseStop.notChecked("the administrator API did not create a token that expires in 1 s (status \(shortLived.status))")
            }
            let first = try SimulatedAgent(target: target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
            _ = try await first.enroll(token: singleUse)

            let agentsBefore = try await ServerAccessCases.agentCount(kit)
            let agent = try SimulatedAgent(target: target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
            try kit.expectError(
                try await agent.post("/eacp/v1/enroll", try enrollmentRequest(token: singleUse)), status: 403, code: .forbidden,
                "a second enrollment with a single-use token")
            // The token's lifetime is 1 s; waiting 1.5 s leaves room for clocks that round to whole seconds.
            try await Task.sleep(for: .milliseconds(1_500))
            try kit.expectError(
                try await agent.post("/eacp/v1/enroll", try enrollmentRequest(token: expiring)), status: 403, code: .forbidden,
                "an enrollment with an expired token")
            let agentsAfter = try await ServerAccessCases.agentCount(kit)
            try kit.context.require(
                agentsAfter == agentsBefore,
                "the server lists \(agentsAfter) agents after the rejected enrollments, \(agentsBefore) before")
        }
    }

    static func certificateOnEveryPath(_ target: ServerTarget) -> ConformanceCase {
        .server("server.auth.certificate-on-every-path",
                "Every agent path but enroll gets 401 without a client certificate, and a certificate from another CA is rejected",
                ["EACP-ENROLL-007", "EACP-TLS-012"], target) { kit in
            let agent = try SimulatedAgent(target: target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
            let posts: [(String, any WireMessage)] = [
                ("/eacp/v1/heartbeat", agent.nextHeartbeat()), ("/eacp/v1/events", SecurityEventBatch()),
                ("/eacp/v1/status", StatusReport()), ("/eacp/v1/logs", AgentLogBatch()), ("/eacp/v1/actions/ack", ActionAck()),
                ("/eacp/v1/actions/result", ActionResult()), ("/eacp/v1/uploads/chunk", UploadChunk()),
            ]
            for (path, message) in posts {
                try kit.expectError(try await agent.post(path, message), status: 401, code: .unauthenticated,
                                    "POST \(path) without a client certificate")
            }
            for path in ["/eacp/v1/content/1", "/eacp/v1/upgrades/1.4"] {
                let answer = try await agent.get(path)
                try kit.expectError((answer.status.code, answer.body), status: 401, code: .unauthenticated,
                                    "GET \(path) without a client certificate")
            }
            let upgrade = try await agent.get("/eacp/v1/push", headers: ServerRevocationCases.pushUpgradeHeaders)
            try kit.expectError((upgrade.status.code, upgrade.body), status: 401, code: .unauthenticated,
                                "push-channel upgrade without a client certificate")
            try await requireForeignCertificateRejected(kit)
        }
    }

    /// Sends a heartbeat with a certificate that names an enrolled agent but comes from another CA, and
    /// requires a failed handshake or 401.
    static func requireForeignCertificateRejected(_ kit: ServerCaseKit) async throws {
        let enrolled = try await kit.enrolledAgent()
        let foreignCA = try CertificateAuthority.create(commonName: "Conformance foreign CA")
        let key = try PrivateKey.generateP256()
        let certificate = try foreignCA.signClientCertificate(
            request: try CertificateSigningRequest(agentID: "conformance", key: key), agentID: enrolled.agentID)
        let client = try SimulatedAgent.makeClient(kit.target, identity: (try certificate.pem(), try key.pem()), group: kit.group)

        let what = "a heartbeat with a certificate for \(enrolled.agentID) from another CA"
        kit.context.transcript.record("agent->server", "POST /eacp/v1/heartbeat", what)
        let response: HTTPResponse
        do {
            response = try await client.post("/eacp/v1/heartbeat", body: enrolled.nextHeartbeat().wireBytes())
        } catch let error as TLSError {
            kit.context.transcript.note("the handshake failed: \(error)")
            return
        }
        try kit.expectError((response.status.code, response.body), status: 401, code: .unauthenticated, what)
    }
}
