import EACPProtocol

/// Valid vectors at the edges of each value type: extreme integers, negative numbers, long and non-ASCII
/// strings, empty oneof members and nested messages, and enum values the schema does not declare.
enum EdgeValueVectors {
    static let description = """
        Valid encodings at the edges of each value type: extreme and negative integers, multi-byte length \
        prefixes, non-ASCII text, oneof members and nested messages that are present but empty, and enum \
        values the schema does not declare, which proto3 JSON writes as numbers.
        """

    static var definitions: [VectorDefinition] {
        integers + text + presence + enums
    }

    static let integers: [VectorDefinition] = [
        VectorDefinition("int64-minimum", Heartbeat.with { $0.agentTimeUnixMs = .min }),
        VectorDefinition("int64-maximum", Heartbeat.with { $0.agentTimeUnixMs = .max }),
        VectorDefinition("int64-minus-one", Heartbeat.with { $0.agentTimeUnixMs = -1 }),
        VectorDefinition("uint64-maximum", Heartbeat.QueueDepths.with { $0.uploadBytes = .max }),
        VectorDefinition("uint32-maximum", AgentSettings.with { $0.statusReportIntervalMs = .max }),
        VectorDefinition("int32-minus-one", TerminalClose.with {
            $0.sessionId = "term-9a41"
            $0.reason = .failed
            $0.exitStatus = -1
        }),
        VectorDefinition("int32-minimum", TerminalClose.with { $0.exitStatus = .min }),
        VectorDefinition("varint-boundaries", Heartbeat.QueueDepths.with {
            $0.securityEvents = 127
            $0.statusReports = 128
            $0.agentLogRecords = 16_383
            $0.actionReplies = 16_384
            $0.uploadBytes = 1 << 63
        }),
    ]

    static let text: [VectorDefinition] = [
        VectorDefinition("string-multibyte-utf8", Platform.with {
            $0.osFamily = .macos
            $0.osVersion = "macOS 15.2 – Zürich Büro 東京 🛡"
            $0.architecture = "arm64"
        }),
        VectorDefinition("string-with-nul", AgentLogRecord.with {
            $0.sequenceNumber = 9
            $0.message = "path contained a NUL: /tmp/a\u{0}b"
        }),
        VectorDefinition("length-prefix-two-bytes", SecurityEvent.with {
            $0.eventId = "evt-200000"
            $0.body = (0..<300).map { UInt8($0 % 251) }
        }),
        VectorDefinition("length-prefix-three-bytes", TerminalData.with {
            $0.sessionId = "term-9a41"
            $0.sequenceNumber = 1
            $0.chunk = (0..<16_384).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        }),
    ]

    static let presence: [VectorDefinition] = [
        VectorDefinition("oneof-empty-string-member", EnrollmentRequest.with {
            $0.certificateSigningRequest = .csrPem("")
        }),
        VectorDefinition("oneof-empty-bytes-member", EnrollmentRequest.with {
            $0.certificateSigningRequest = .csrDer([])
        }),
        VectorDefinition("oneof-empty-message-member", ActionEnvelope.with {
            $0.actionId = "act-1005"
            $0.kind = .cancelIsolation
            $0.parameters = .cancelIsolation(CancelIsolationParameters())
        }),
        VectorDefinition("nested-message-present-but-empty", Heartbeat.with {
            $0.agentVersion = "2.4.1"
            $0.contentVersion = ContentVersion()
        }),
        VectorDefinition("push-server-push-without-payload", PushMessage.with {
            $0.direction = .serverPush(PushMessage.ServerPush())
        }),
        VectorDefinition("repeated-empty-strings", IsolateEndpointParameters.with {
            $0.allowedHosts = ["", "10.0.0.1", ""]
        }),
        VectorDefinition("action-kind-and-parameters-disagree", ActionEnvelope.with {
            $0.actionId = "act-1099"
            $0.kind = .restoreFile
            $0.parameters = .performHeartbeat(PerformHeartbeatParameters())
        }),
    ]

    static let enums: [VectorDefinition] = [
        VectorDefinition("enum-undeclared-value", ErrorReply.with {
            $0.code = .unrecognized(1000)
            $0.message = "an error code from a newer server"
        }),
        VectorDefinition("enum-negative-value", ActionResult.with {
            $0.actionId = "act-1010"
            $0.state = .unrecognized(-5)
        }),
        VectorDefinition("repeated-enum-with-undeclared-values", Heartbeat.Capabilities.with {
            $0.actionKinds = [.quarantineFile, .unrecognized(99), .performHeartbeat, .unrecognized(4096)]
        }),
    ]
}
