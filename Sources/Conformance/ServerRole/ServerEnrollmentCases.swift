import EACPProtocol
import EACPTransport

/// Enrollment, authentication, heartbeat validation and the HTTP error mapping of a server.
enum ServerEnrollmentCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [
            .server("server.enroll.issues-certificate", "A valid token and CSR get a certificate naming a new agent id",
                    ["EACP-ENROLL-003"], target) { kit in
                let agent = try SimulatedAgent(target: target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
                let reply = try await agent.enroll(token: try await kit.admin.enrollmentToken())
                try kit.context.require(!reply.agentId.isEmpty, "the EnrollmentReply has no agent_id")
                let certificate = try Certificate(pem: reply.clientCertificatePem)
                try kit.context.require(
                    certificate.commonName?.hasSuffix(reply.agentId) == true,
                    "the certificate's common name \(certificate.commonName ?? "none") does not name agent \(reply.agentId)")
                try kit.context.require(!reply.caChainPem.isEmpty, "the EnrollmentReply has no ca_chain_pem")
                _ = try await agent.heartbeat()
            },
            .server("server.enroll.rejects-unknown-token", "An unknown enrollment token gets 403 FORBIDDEN",
                    ["EACP-ENROLL-004"], target) { kit in
                var request = EnrollmentRequest()
                request.enrollmentToken = "conformance-unknown-token-0000000000"
                request.certificateSigningRequest = .csrPem(
                    try CertificateSigningRequest(agentID: "conformance", key: try PrivateKey.generateP256()).pem())
                request.agentVersion = "1.4"
                request.hostName = "conformance-host"
                let agent = try SimulatedAgent(target: target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
                try kit.expectError(try await agent.post("/eacp/v1/enroll", request), status: 403, code: .forbidden, "enroll")
            },
            .server("server.auth.requires-client-certificate",
                    "A heartbeat without a client certificate gets 401, and one with the issued certificate gets 200",
                    ["EACP-ENROLL-007", "EACP-TLS-012"], target) { kit in
                let agent = try SimulatedAgent(target: target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
                try kit.expectError(
                    try await agent.post("/eacp/v1/heartbeat", agent.nextHeartbeat()), status: 401, code: .unauthenticated,
                    "heartbeat without a certificate")
                // Enrollment runs over a handshake without a certificate. The heartbeat that follows presents the
                // issued one, which only a server that sent a CertificateRequest receives.
                _ = try await agent.enroll(token: try await kit.admin.enrollmentToken())
                let answer = try await agent.post("/eacp/v1/heartbeat", agent.nextHeartbeat())
                try kit.context.require(
                    answer.status == 200, "a heartbeat with the issued client certificate got status \(answer.status), expected 200")
            },
            .server("server.heartbeat.reply-carries-server-time", "A valid heartbeat gets 200 with server_time_unix_ms",
                    ["EACP-HEARTBEAT-006", "EACP-TRANSPORT-004"], target) { kit in
                let agent = try await kit.enrolledAgent()
                let reply = try await agent.heartbeat()
                try kit.context.require(reply.serverTimeUnixMs > 0, "server_time_unix_ms is not set")
            },
            malformedVersions(target),
            transportErrors(target),
        ]
    }

    /// Agent versions that break EACP-VERSION-001, from spec/versions.md.
    static let malformedVersions = ["", "8..5", ".8", "8.", "+8", "8.5-beta", "v8.5", " 8.5", "8.5\n", "1.2.3.4.5", "4294967296", "٨.5"]

    static func malformedVersions(_ target: ServerTarget) -> ConformanceCase {
        .server("server.heartbeat.rejects-malformed-version",
                "Heartbeats with a malformed agent version or sequence number 0 get 400 BAD_REQUEST",
                ["EACP-HEARTBEAT-005", "EACP-VERSION-001", "EACP-VERSION-002"], target) { kit in
            let agent = try await kit.enrolledAgent()
            for version in malformedVersions {
                var heartbeat = agent.nextHeartbeat()
                heartbeat.agentVersion = version
                try kit.expectError(try await agent.post("/eacp/v1/heartbeat", heartbeat), status: 400, code: .badRequest,
                                    "heartbeat with agent_version \"\(version)\"")
            }
            var heartbeat = agent.nextHeartbeat()
            heartbeat.sequenceNumber = 0
            try kit.expectError(try await agent.post("/eacp/v1/heartbeat", heartbeat), status: 400, code: .badRequest,
                                "heartbeat with sequence_number 0")
        }
    }

    static func transportErrors(_ target: ServerTarget) -> ConformanceCase {
        .server("server.transport.error-statuses",
                "Malformed bodies, wrong media types and unknown paths get their status and ErrorReply",
                ["EACP-ENCODING-007", "EACP-TRANSPORT-005", "EACP-TRANSPORT-006", "EACP-TRANSPORT-007", "EACP-ERROR-001"],
                target) { kit in
            let agent = try await kit.enrolledAgent()
            // Field 1 (agent_version) as a length-delimited field whose length runs past the end.
            try kit.expectError(
                try await agent.postBytes("/eacp/v1/heartbeat", [0x0A, 0x05, 0x31], describing: "0a 05 31 (truncated)"),
                status: 400, code: .malformedMessage, "truncated heartbeat")
            // A tag with wire type 4 (end group), which EACP never uses.
            try kit.expectError(
                try await agent.postBytes("/eacp/v1/heartbeat", [0x0C], describing: "0c (group end tag)"),
                status: 400, code: .malformedMessage, "heartbeat with a group tag")
            try kit.expectError(
                try await agent.postBytes("/eacp/v1/heartbeat", agent.nextHeartbeat().wireBytes(), describing: "heartbeat",
                                          contentType: "application/json"),
                status: 415, code: .unsupportedMediaType, "heartbeat sent as application/json")
            try kit.expectError(
                try await agent.postBytes("/eacp/v1/no-such-path", [], describing: "empty body"),
                status: 404, code: .notFound, "unknown path")
            let wrongMethod = try await agent.get("/eacp/v1/heartbeat")
            try kit.context.require(wrongMethod.status.code == 405, "GET /eacp/v1/heartbeat: expected 405, got \(wrongMethod.status.code)")
            try kit.context.require(
                wrongMethod.headers.first(name: "Allow")?.uppercased().contains("POST") == true,
                "the 405 answer has no Allow header naming POST")
        }
    }
}
