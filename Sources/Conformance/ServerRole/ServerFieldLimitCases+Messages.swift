import EACPProtocol
import EACPTransport

/// The parts of `server.limits.field-too-long` for heartbeats, enrollment requests, status report
/// platforms and push-channel terminal frames.
extension ServerFieldLimitCases {
    /// The sizes of the heartbeat fields with a count or length limit.
    struct HeartbeatSizes {
        var features = 64
        var featureBytes = 64
        var lastErrorBytes = 512
        var proxyHostBytes = 255
        var upgradeDetailBytes = 1_024
    }

    /// Builds a heartbeat numbered `sequence` whose limited fields have `sizes`.
    static func heartbeat(_ agent: SimulatedAgent, sequence: UInt64, _ sizes: HeartbeatSizes) -> Heartbeat {
        var heartbeat = agent.nextHeartbeat()
        heartbeat.sequenceNumber = sequence
        heartbeat.capabilities?.features = (0..<sizes.features).map { index in
            let name = "conformance-\(index)-"
            return name + String(repeating: "f", count: max(0, sizes.featureBytes - name.utf8.count))
        }
        var pushChannel = Heartbeat.PushChannelState()
        pushChannel.status = .disconnected
        pushChannel.lastError = String(repeating: "e", count: sizes.lastErrorBytes)
        heartbeat.pushChannel = pushChannel
        var proxy = Heartbeat.ProxyState()
        proxy.mode = .proxyConfirmed
        proxy.host = String(repeating: "h", count: sizes.proxyHostBytes)
        proxy.port = 3_128
        heartbeat.proxy = proxy
        var upgrade = Heartbeat.UpgradeRecord()
        upgrade.fromVersion = "1.3"
        upgrade.toVersion = agent.version
        upgrade.outcome = .failed
        upgrade.finishedUnixMs = 1
        upgrade.detail = String(repeating: "d", count: sizes.upgradeDetailBytes)
        heartbeat.lastUpgrade = upgrade
        return heartbeat
    }

    /// Sends heartbeats with one field past its limit, numbered above the recorded one. Each must get
    /// 400 and leave the recorded heartbeat unchanged. A heartbeat with every field at its limit must
    /// then be recorded.
    static func checkHeartbeatFields(_ kit: ServerCaseKit, _ agent: SimulatedAgent) async throws {
        let before = try await ServerHeartbeatStateCases.recordedState(kit, agent.agentID)
        var pastLimit: [(String, HeartbeatSizes)] = []
        var sizes = HeartbeatSizes()
        sizes.features = 65
        pastLimit.append(("65 features", sizes))
        sizes = HeartbeatSizes()
        sizes.featureBytes = 65
        pastLimit.append(("features of 65 bytes", sizes))
        sizes = HeartbeatSizes()
        sizes.lastErrorBytes = 513
        pastLimit.append(("a push_channel.last_error of 513 bytes", sizes))
        sizes = HeartbeatSizes()
        sizes.proxyHostBytes = 256
        pastLimit.append(("a proxy.host of 256 bytes", sizes))
        sizes = HeartbeatSizes()
        sizes.upgradeDetailBytes = 1_025
        pastLimit.append(("a last_upgrade.detail of 1025 bytes", sizes))

        let rejectedSequence = UInt64(before.sequence) + 100
        for (what, sizes) in pastLimit {
            try kit.expectError(try await agent.post("/eacp/v1/heartbeat", heartbeat(agent, sequence: rejectedSequence, sizes)),
                                status: 400, code: .badRequest, "heartbeat \(rejectedSequence) with \(what)")
        }
        let after = try await ServerHeartbeatStateCases.recordedState(kit, agent.agentID)
        try kit.context.require(after.sequence == before.sequence,
                                "the recorded heartbeat is \(after.sequence), not \(before.sequence), after heartbeats past a field limit")

        let accepted = UInt64(before.sequence) + 1
        let answer = try await agent.post("/eacp/v1/heartbeat", heartbeat(agent, sequence: accepted, HeartbeatSizes()))
        try kit.context.require(answer.status == 200, "heartbeat \(accepted) with every field at its limit got status \(answer.status)")
        let recorded = try await ServerHeartbeatStateCases.recordedState(kit, agent.agentID)
        try kit.context.require(recorded.sequence == Int(accepted),
                                "heartbeat \(accepted) with every field at its limit was not recorded: the server shows \(recorded.sequence)")
    }

    /// Sends an enrollment request whose platform.os_version is 257 bytes with a one-use token and
    /// requires 400. The same request at 256 bytes must then enroll, so the token was not used up.
    static func checkEnrollmentPlatform(_ kit: ServerCaseKit) async throws {
        let token = try await kit.admin.enrollmentToken(uses: 1)
        let agent = try SimulatedAgent(target: kit.target, version: "1.4", transcript: kit.context.transcript, group: kit.group)
        var request = EnrollmentRequest()
        request.enrollmentToken = token
        let key = try PrivateKey.generateP256()
        request.certificateSigningRequest = .csrPem(try CertificateSigningRequest(agentID: "conformance", key: key).pem())
        request.agentVersion = "1.4"
        request.hostName = "conformance-host"
        var platform = Platform()
        platform.osFamily = .linux
        platform.osVersion = String(repeating: "o", count: 257)
        platform.architecture = "x86_64"
        request.platform = platform
        try kit.expectError(try await agent.post("/eacp/v1/enroll", request), status: 400, code: .badRequest,
                            "an enrollment request with a platform.os_version of 257 bytes")

        request.platform?.osVersion = String(repeating: "o", count: 256)
        let answer = try await agent.post("/eacp/v1/enroll", request)
        try kit.context.require(answer.status == 200,
                                "the same one-use token with a platform.os_version of 256 bytes got status \(answer.status), "
                                    + "so the rejected request used it up or the limit is wrong")
    }

    /// Sends status report 6 with a platform.architecture of 33 bytes and requires 400. Reports 2 and
    /// 3, the second at 32 bytes, must then be acknowledged as stored.
    static func checkStatusPlatform(_ kit: ServerCaseKit, _ agent: SimulatedAgent) async throws {
        var report = StatusReport()
        report.sequenceNumber = 6
        report.generatedUnixMs = 1
        var platform = Platform()
        platform.osFamily = .linux
        platform.architecture = String(repeating: "a", count: 33)
        report.platform = platform
        try kit.expectError(try await agent.post("/eacp/v1/status", report), status: 400, code: .badRequest,
                            "status report 6 with a platform.architecture of 33 bytes")

        for (sequence, bytes) in [(UInt64(2), 6), (3, 32)] {
            report.sequenceNumber = sequence
            report.platform?.architecture = String(repeating: "a", count: bytes)
            let ack = try agent.decode(StatusReportAck.self, try await agent.post("/eacp/v1/status", report).body, from: "status")
            try kit.context.require(ack.storedSequenceNumber == sequence,
                                    "status report \(sequence) with an architecture of \(bytes) bytes after the rejected report 6 "
                                        + "was acknowledged with \(ack.storedSequenceNumber)")
        }
    }

    /// Sends terminal output of 65537 bytes on a new push channel and requires close code 1008.
    static func checkTerminalDataOnPush(_ kit: ServerCaseKit, _ agent: SimulatedAgent) async throws {
        let channel = try await agent.openPushChannel()
        defer { channel.close() }
        var data = TerminalData()
        data.sessionId = "conformance-session"
        data.sequenceNumber = 1
        data.chunk = Array(repeating: 0x61, count: 65_537)
        channel.send(.terminalData(data))
        let closed = try await waitFor(timeout: .seconds(5)) { channel.socket.closeResult }
        guard let closed else {
            throw CaseStop.failed("the push channel is still open 5 s after terminal_data with a chunk of 65537 bytes")
        }
        try kit.context.require(closed.code.rawValue == 1008,
                                "the server closed the push channel with \(closed.code.rawValue), not 1008, after a chunk of 65537 bytes")
    }
}
