import EACPProtocol
import EACPTransport

/// Broken variants of enrollment, heartbeats, content, versions and upgrades. Each changes one
/// behaviour at the spot named in its comment.
extension BrokenVariant {
    /// Records every heartbeat's state, even one whose sequence_number is not above the highest
    /// recorded one (breaks EACP-HEARTBEAT-007). Switched in `HeartbeatHandler`.
    static let recordsOlderHeartbeats = BrokenVariant("records-older-heartbeats")
    /// Leaves out the content and upgrade offers of a heartbeat reply that carries pending actions
    /// (breaks EACP-HEARTBEAT-008). Switched in `HeartbeatHandler`.
    static let dropsOffersWithActions = BrokenVariant("drops-offers-with-actions")
    /// Records a heartbeat under the agent that its reserved field 15 (`agent_id`) names, instead of
    /// the agent of the client certificate (breaks EACP-ENROLL-008). Switched in `HeartbeatHandler`.
    static let trustsHeartbeatAgentID = BrokenVariant("trusts-heartbeat-agent-id")
    /// Compares the reported and the assigned agent version as text, so `2.5.0` differs from `2.5`
    /// (breaks EACP-VERSION-004). Switched in `UpgradePackages.offer`.
    static let comparesVersionsAsText = BrokenVariant("compares-versions-as-text")
    /// Puts the SHA-256 of the uploaded build in the upgrade offer instead of that of the package
    /// the agent downloads (breaks EACP-UPGRADE-001). Switched in `UpgradePackages.offer`.
    static let offersBuildDigest = BrokenVariant("offers-build-digest")
    /// Serves the agent's upgrade package under any version in the download path (breaks
    /// EACP-UPGRADE-002). Switched in `DownloadHandlers.upgrade`.
    static let servesAnyUpgradeVersion = BrokenVariant("serves-any-upgrade-version")
    /// Publishes a new content package under a revision below the highest one published (breaks
    /// EACP-CONTENT-001). Switched in `SQLiteServerStore.publishContentRevision`.
    static let publishesLowerRevision = BrokenVariant("publishes-lower-revision")

    /// Returns the agent named in field 15 of `heartbeat` while `trusts-heartbeat-agent-id` is
    /// active, and nil otherwise or when the field names no agent.
    static func claimedAgent(in heartbeat: Heartbeat, context: ServerContext) -> AgentRecord? {
        guard isActive(.trustsHeartbeatAgentID) else { return nil }
        // Tag 0x7A is field 15 with wire type 2. Only the one-byte length form is read, which covers
        // every agent id the reference server issues.
        let fields = heartbeat.unknownFields
        guard fields.count >= 2, fields[0] == 0x7A, fields[1] < 0x80, fields.count >= 2 + Int(fields[1]) else { return nil }
        let agentID = String(decoding: fields[2..<(2 + Int(fields[1]))], as: UTF8.self)
        return try? context.store.agent(id: agentID)
    }
}

extension BrokenVariant {
    /// Leaves `server_time_unix_ms` of every heartbeat reply at 0 (breaks EACP-HEARTBEAT-006).
    /// Switched in `HeartbeatHandler`.
    static let omitsServerTime = BrokenVariant("omits-server-time")
    /// Sets `downgrade` in every content offer, also one of a higher revision (breaks
    /// EACP-CONTENT-003). Switched in `HeartbeatHandler.contentOffer`.
    static let marksEveryOfferDowngrade = BrokenVariant("marks-every-offer-downgrade")
    /// Serves requests from agents that an administrator revoked (breaks EACP-ENROLL-009).
    /// Switched in `ServerContext.authenticate`.
    static let servesRevokedAgents = BrokenVariant("serves-revoked-agents")
    /// Enrolls an agent whose request has an empty `host_name` (breaks EACP-ENROLL-005). Switched
    /// in `EnrollmentHandler`.
    static let acceptsEmptyHostName = BrokenVariant("accepts-empty-host-name")
    /// Names the issued certificate after the common name of the CSR instead of the new agent id
    /// (breaks EACP-ENROLL-003). Switched in `EnrollmentHandler`.
    static let copiesCSRSubject = BrokenVariant("copies-csr-subject")
    /// Enrolls agents with a token whose uses are all spent (breaks EACP-ENROLL-004). Switched in
    /// `EnrollmentHandler.checkToken` and `SQLiteServerStore.enrollAgent`.
    static let acceptsUsedUpToken = BrokenVariant("accepts-used-up-token")
    /// Trims whitespace around an agent version before parsing it, so `" 8.5"` and `"8.5\n"` pass
    /// (breaks EACP-VERSION-002). Switched in `validateVersion`.
    static let trimsVersionWhitespace = BrokenVariant("trims-version-whitespace")

    /// Returns the common name of the CSR in `csrPEM` while `copies-csr-subject` is active, and nil
    /// otherwise or when the CSR has none.
    static func certificateName(csrPEM: String) -> String? {
        guard isActive(.copiesCSRSubject) else { return nil }
        return (try? CertificateSigningRequest(pem: csrPEM))?.commonName
    }
}

extension BrokenVariant {
    /// Serves content downloads to clients without a certificate (breaks EACP-ENROLL-007).
    /// Switched in `DownloadHandlers.content`.
    static let servesContentWithoutCertificate = BrokenVariant("serves-content-without-certificate")
    /// Serves every published content revision, not only the current one that heartbeat replies
    /// offer (breaks EACP-CONTENT-007). Switched in `DownloadHandlers.content`.
    static let servesEarlierContent = BrokenVariant("serves-earlier-content")
}

extension BrokenVariant {
    /// Responds to an empty body with 400 MALFORMED_MESSAGE instead of decoding it as the
    /// default message (breaks EACP-ENCODING-008). Switched in `ServerRequest.decodeBody`.
    static let rejectsEmptyBody = BrokenVariant("rejects-empty-body")
    /// Responds to a body that does not decode with 400 BAD_REQUEST instead of MALFORMED_MESSAGE
    /// (breaks EACP-ENCODING-007). Switched in `ServerRequest.decodeBody`.
    static let answersMalformedAsBadRequest = BrokenVariant("answers-malformed-as-bad-request")
    /// Rejects a heartbeat that carries fields the schema does not define (breaks
    /// EACP-ENCODING-002). Switched in `HeartbeatHandler` through `checkStrictDecoding`.
    static let rejectsUnknownFields = BrokenVariant("rejects-unknown-fields")
    /// Rejects a heartbeat whose push channel status is not a declared value (breaks
    /// EACP-ENCODING-003). Switched in `HeartbeatHandler` through `checkStrictDecoding`.
    static let rejectsUnknownEnumValues = BrokenVariant("rejects-unknown-enum-values")

    /// Throws 400 MALFORMED_MESSAGE for unknown fields or enum values in `heartbeat` while
    /// `rejects-unknown-fields` or `rejects-unknown-enum-values` is active.
    static func checkStrictDecoding(_ heartbeat: Heartbeat) throws(ProtocolFailure) {
        if isActive(.rejectsUnknownFields), !heartbeat.unknownFields.isEmpty {
            throw ProtocolFailure(.malformedMessage, "the heartbeat has fields the schema does not define")
        }
        if isActive(.rejectsUnknownEnumValues), case .unrecognized? = heartbeat.pushChannel?.status {
            throw ProtocolFailure(.malformedMessage, "the heartbeat's push channel status is not a declared value")
        }
    }
}

extension BrokenVariant {
    /// Accepts CBC suites next to the AEAD ones (breaks EACP-TLS-005). Switched in
    /// `applyTLSFaults`.
    static let acceptsCBCSuites = BrokenVariant("accepts-cbc-suites")
    /// Negotiates TLS 1.0 and 1.1, with the CBC suites those versions need (breaks EACP-TLS-001 and
    /// EACP-TLS-002). Switched in `applyTLSFaults`.
    static let acceptsTLS11 = BrokenVariant("accepts-tls11")
    /// Takes part in a renegotiation that the client starts (breaks EACP-TLS-007). Switched in
    /// `applyTLSFaults`.
    static let allowsRenegotiation = BrokenVariant("allows-renegotiation")
    /// Sends no CertificateRequest, so agents cannot present their client certificates (breaks
    /// EACP-TLS-012). Switched in `applyTLSFaults`.
    static let skipsCertificateRequest = BrokenVariant("skips-certificate-request")

    /// Applies the active TLS variant, if any, to the server's TLS configuration.
    static func applyTLSFaults(to configuration: inout TLSConfiguration) {
        if isActive(.acceptsCBCSuites) {
            let cbcSuites = ["ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA"]
            configuration.cipherListForTesting = (TLSContext.cipherSuites + cbcSuites).joined(separator: ":")
        }
        if isActive(.acceptsTLS11) {
            // TLS 1.0 and 1.1 sign the key exchange with SHA-1, which OpenSSL 3 allows only at security level 0.
            let legacySuites = ["ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "@SECLEVEL=0"]
            configuration.cipherListForTesting = (TLSContext.cipherSuites + legacySuites).joined(separator: ":")
            configuration.acceptsTLS10And11ForTesting = true
        }
        if isActive(.allowsRenegotiation) {
            configuration.allowsRenegotiationForTesting = true
        }
        if isActive(.skipsCertificateRequest) {
            configuration.clientCertificatePolicy = .none
        }
    }
}

extension BrokenVariant {
    /// Puts a 4-byte big-endian length in front of every protobuf response body (breaks
    /// EACP-ENCODING-001). Switched in `ServerResponse.message` through `framed`.
    static let framesReplies = BrokenVariant("frames-replies")
    /// Rejects an agent version with a leading zero in a component, such as `08.05` (breaks
    /// EACP-VERSION-001). Switched in `validateVersion`.
    static let rejectsLeadingZeros = BrokenVariant("rejects-leading-zeros")

    /// Returns the agent version text to parse: `text` itself, trimmed while `trims-version-whitespace`
    /// is active. Throws 400 BAD_REQUEST for a leading zero while `rejects-leading-zeros` is active.
    static func versionText(_ text: String) throws(ProtocolFailure) -> String {
        if isActive(.rejectsLeadingZeros), text.split(separator: ".").contains(where: { $0.count > 1 && $0.first == "0" }) {
            throw ProtocolFailure(.badRequest, "agent_version \"\(text)\" has a component with a leading zero")
        }
        return isActive(.trimsVersionWhitespace) ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text
    }

    /// Returns `body`, with its length in front while `frames-replies` is active.
    static func framed(_ body: [UInt8]) -> [UInt8] {
        guard isActive(.framesReplies) else { return body }
        let length = UInt32(body.count)
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) } + body
    }
}

extension BrokenVariant {
    /// Queues and delivers actions whatever their `minimum_agent_version` (breaks EACP-VERSION-008).
    /// Switched in `ActionDelivery.decision`.
    static let ignoresActionMinimum = BrokenVariant("ignores-action-minimum")
    /// Compares the agent's version with an action's minimum as text, so `1.10` counts as below
    /// `1.9` (breaks EACP-VERSION-003). Switched in `ActionDelivery.decision`.
    static let comparesMinimumAsText = BrokenVariant("compares-minimum-as-text")

    /// Returns a rejection while `compares-minimum-as-text` is active and `agentVersion` sorts
    /// before the text of `minimum`, and nil otherwise.
    static func textualMinimumRejection(agentVersion: String, minimum: AgentVersion?) -> ActionGate.UnsupportedReason? {
        guard isActive(.comparesMinimumAsText), let minimum, agentVersion < minimum.description else { return nil }
        return .belowActionMinimum(minimum)
    }
}

extension BrokenVariant {
    /// Rejects a body that is not in the canonical layout this package's encoder writes: fields out
    /// of order, repeated or split fields, unpacked repeated scalars or unknown fields first (breaks
    /// EACP-ENCODING-005 and EACP-ENCODING-002). Switched in `ServerRequest.decodeBody`.
    static let requiresCanonicalEncoding = BrokenVariant("requires-canonical-encoding")

    /// Throws while `requires-canonical-encoding` is active and `body` differs from the encoding of
    /// `message`.
    static func checkCanonical(_ message: some WireMessage, body: [UInt8]) throws(ProtocolFailure) {
        guard isActive(.requiresCanonicalEncoding), message.wireBytes() != body else { return }
        throw ProtocolFailure(.malformedMessage, "the body is not in canonical field order")
    }
}
