import EACPProtocol

/// Field values shared by the vector definitions, so that related messages tell one consistent story: one
/// agent on one Linux endpoint, its content, and the actions the server sends it.
enum Samples {
    /// 2026-01-01T00:00:00Z in milliseconds since the Unix epoch.
    static let baseTime: Int64 = 1_767_225_600_000

    /// A stand-in for a SHA-256 digest: 32 bytes that differ for each `seed`, not the hash of anything.
    static func digest(_ seed: UInt8) -> [UInt8] {
        (0..<32).map { index in seed &+ UInt8(index) &* 7 }
    }

    static let contentVersion = ContentVersion.with {
        $0.revision = 412
        $0.sha256 = digest(0x10)
    }

    static let platform = Platform.with {
        $0.osFamily = .linux
        $0.osVersion = "Debian GNU/Linux 12"
        $0.architecture = "x86_64"
    }

    static let capabilities = Heartbeat.Capabilities.with {
        $0.actionKinds = ActionKind.knownCases.filter { $0 != .unspecified }
        $0.features = ["upload.resume", "terminal.resize"]
    }

    static let pushChannel = Heartbeat.PushChannelState.with {
        $0.status = .connected
        $0.connectedSinceUnixMs = baseTime - 3_600_000
        $0.connectCount = 3
        $0.lastError = "ping timed out after 3 missed pongs"
    }

    static let isolation = Heartbeat.IsolationState.with {
        $0.status = .isolated
        $0.actionId = "act-0001"
        $0.sinceUnixMs = baseTime - 600_000
    }

    static let proxy = Heartbeat.ProxyState.with {
        $0.mode = .proxyPending
        $0.host = "proxy.example.net"
        $0.port = 3128
        $0.actionId = "act-0002"
    }

    static let queueDepths = Heartbeat.QueueDepths.with {
        $0.securityEvents = 17
        $0.statusReports = 1
        $0.agentLogRecords = 250
        $0.actionReplies = 2
        $0.uploadBytes = 5_242_880
        $0.oldestSecurityEventUnixMs = baseTime - 90_000
        $0.droppedSecurityEvents = 4
    }

    static let lastUpgrade = Heartbeat.UpgradeRecord.with {
        $0.fromVersion = "2.3.9"
        $0.toVersion = "2.4.0"
        $0.outcome = .rolledBack
        $0.finishedUnixMs = baseTime - 86_400_000
        $0.detail = "self-check failed: scanner did not start"
    }

    /// A heartbeat with every field set.
    static let heartbeat = Heartbeat.with {
        $0.agentVersion = "2.4.1"
        $0.contentVersion = contentVersion
        $0.capabilities = capabilities
        $0.pushChannel = pushChannel
        $0.isolation = isolation
        $0.proxy = proxy
        $0.queueDepths = queueDepths
        $0.lastUpgrade = lastUpgrade
        $0.sequenceNumber = 1042
        $0.agentTimeUnixMs = baseTime
    }

    static let settings = AgentSettings.with {
        $0.logCollection = .enabled
        $0.logLevel = .info
        $0.statusReportIntervalMs = 3_600_000
        $0.pushPingIntervalMs = 30_000
        $0.pushMissedPongLimit = 3
        $0.pushAckTimeoutMs = 10_000
    }

    static let contentOffer = ContentOffer.with {
        $0.version = ContentVersion.with {
            $0.revision = 413
            $0.sha256 = digest(0x20)
        }
        $0.sizeBytes = 18_874_368
    }

    static let upgradeOffer = UpgradeOffer.with {
        $0.version = "2.5.0"
        $0.sizeBytes = 41_943_040
        $0.sha256 = digest(0x30)
    }

    /// An action envelope of `kind` with `parameters`, numbered `sequence` for the sample agent.
    static func action(
        _ sequence: UInt64, _ kind: ActionKind, _ parameters: ActionEnvelope.Parameters
    ) -> ActionEnvelope {
        ActionEnvelope.with {
            $0.actionId = "act-\(1000 + sequence)"
            $0.kind = kind
            $0.sequenceNumber = sequence
            $0.createdUnixMs = baseTime - 60_000
            $0.expiresUnixMs = baseTime + 86_400_000
            $0.parameters = parameters
        }
    }

    /// A security event numbered `index`, with a JSON body.
    static func securityEvent(_ index: Int) -> SecurityEvent {
        let severities: [SecurityEventSeverity] = [.informational, .low, .medium, .high, .critical]
        return SecurityEvent.with {
            $0.eventId = "evt-\(String(100_000 + index))"
            $0.observedUnixMs = baseTime + Int64(index) * 250
            $0.eventType = index % 2 == 0 ? "malware.detected" : "process.blocked"
            $0.severity = severities[index % severities.count]
            $0.bodyMediaType = "application/json"
            $0.body = Array(#"{"path":"/tmp/sample-\#(index).bin","rule":"R-\#(700 + index)"}"#.utf8)
        }
    }
}
