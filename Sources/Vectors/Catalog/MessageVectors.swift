import EACPProtocol

/// Valid vectors for the messages of enrollment, heartbeats, security events, status reports and agent
/// logs: at least one for each message type, with every field set in the richest one.
enum MessageVectors {
    static let description = """
        Valid encodings of the enrollment, heartbeat, security event, status report and agent log messages, \
        including each nested message on its own.
        """

    static var definitions: [VectorDefinition] {
        enrollment + heartbeat + heartbeatReply + securityEvents + statusAndLogs
    }

    static let enrollment: [VectorDefinition] = [
        VectorDefinition("enrollment-request-csr-pem", EnrollmentRequest.with {
            $0.enrollmentToken = "enr-7Gk2pQ9xVt4mZ8rL"
            $0.certificateSigningRequest = .csrPem(
                "-----BEGIN CERTIFICATE REQUEST-----\nMIIBVTCB/QIBADAb\n-----END CERTIFICATE REQUEST-----\n")
            $0.agentVersion = "2.4.1"
            $0.hostName = "build-07.corp.example"
            $0.platform = Samples.platform
        }),
        VectorDefinition("enrollment-request-csr-der", EnrollmentRequest.with {
            $0.enrollmentToken = "enr-7Gk2pQ9xVt4mZ8rL"
            $0.certificateSigningRequest = .csrDer([0x30, 0x82, 0x01, 0x55, 0x30, 0x81, 0xFD, 0x02, 0x01, 0x00])
            $0.agentVersion = "2.4.1"
            $0.hostName = "build-07.corp.example"
        }),
        VectorDefinition("enrollment-reply", EnrollmentReply.with {
            $0.agentId = "agt-5f1c2e"
            $0.clientCertificatePem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
            $0.caChainPem = ["-----BEGIN CERTIFICATE-----\nMIIBjTCCATOgAwIBAgIU\n-----END CERTIFICATE-----\n"]
            $0.certificateNotAfterUnixMs = Samples.baseTime + 31_536_000_000
        }),
        VectorDefinition("platform", Samples.platform),
        VectorDefinition("error-reply-rate-limited", ErrorReply.with {
            $0.code = .rateLimited
            $0.message = "too many heartbeats: at most 1 per second"
            $0.retryAfterMs = 1500
        }),
    ]

    static let heartbeat: [VectorDefinition] = [
        VectorDefinition("heartbeat-empty", Heartbeat()),
        VectorDefinition("heartbeat-minimal", Heartbeat.with {
            $0.agentVersion = "2.4.1"
            $0.sequenceNumber = 1
            $0.agentTimeUnixMs = Samples.baseTime
        }),
        VectorDefinition("heartbeat-full", Samples.heartbeat),
        VectorDefinition("content-version", Samples.contentVersion),
        VectorDefinition("heartbeat-capabilities", Samples.capabilities),
        VectorDefinition("heartbeat-push-channel-state", Samples.pushChannel),
        VectorDefinition("heartbeat-isolation-state", Samples.isolation),
        VectorDefinition("heartbeat-proxy-state", Samples.proxy),
        VectorDefinition("heartbeat-queue-depths", Samples.queueDepths),
        VectorDefinition("heartbeat-upgrade-record", Samples.lastUpgrade),
    ]

    static let heartbeatReply: [VectorDefinition] = [
        VectorDefinition("heartbeat-reply-minimal", HeartbeatReply.with {
            $0.serverTimeUnixMs = Samples.baseTime + 120
        }),
        VectorDefinition("heartbeat-reply-three-pending-actions", HeartbeatReply.with {
            $0.serverTimeUnixMs = Samples.baseTime + 120
            $0.nextHeartbeatIntervalMs = 300_000
            $0.heartbeatJitterMs = 30_000
            $0.pendingActions = ActionVectors.pendingActions
        }),
        VectorDefinition("heartbeat-reply-offers-and-settings", HeartbeatReply.with {
            $0.serverTimeUnixMs = Samples.baseTime + 120
            $0.nextHeartbeatIntervalMs = 60_000
            $0.contentOffer = Samples.contentOffer
            $0.upgradeOffer = Samples.upgradeOffer
            $0.settings = Samples.settings
        }),
        VectorDefinition("agent-settings", Samples.settings),
        VectorDefinition("content-offer-downgrade", ContentOffer.with {
            $0.version = ContentVersion.with {
                $0.revision = 400
                $0.sha256 = Samples.digest(0x40)
            }
            $0.sizeBytes = 18_000_000
            $0.downgrade = true
        }),
        VectorDefinition("upgrade-offer", Samples.upgradeOffer),
    ]

    static let securityEvents: [VectorDefinition] = [
        VectorDefinition("security-event", Samples.securityEvent(0)),
        VectorDefinition("security-event-batch-three", SecurityEventBatch.with {
            $0.events = (1...3).map(Samples.securityEvent)
        }),
        VectorDefinition("security-event-batch-64", SecurityEventBatch.with {
            $0.events = (1...64).map(Samples.securityEvent)
        }),
        VectorDefinition("rejected-security-event", rejectedEvent),
        VectorDefinition("security-event-ack", SecurityEventAck.with {
            $0.storedEventIds = ["evt-100001", "evt-100003"]
            $0.rejected = [rejectedEvent]
        }),
    ]

    private static let rejectedEvent = RejectedSecurityEvent.with {
        $0.eventId = "evt-100002"
        $0.code = .payloadTooLarge
        $0.message = "body of 70000 bytes exceeds 65536"
    }

    static let statusAndLogs: [VectorDefinition] = [
        VectorDefinition("status-report", StatusReport.with {
            $0.sequenceNumber = 37
            $0.generatedUnixMs = Samples.baseTime
            $0.platform = Samples.platform
            $0.uptimeSeconds = 1_209_600
            $0.components = [componentStatus, StatusReport.ComponentStatus.with {
                $0.name = "updater"
                $0.health = .healthy
            }]
            $0.properties = [property, StatusReport.Property.with {
                $0.name = "kernel"
                $0.value = "6.1.0-18-amd64"
            }]
        }),
        VectorDefinition("status-report-component-status", componentStatus),
        VectorDefinition("status-report-property", property),
        VectorDefinition("status-report-ack", StatusReportAck.with { $0.storedSequenceNumber = 37 }),
        VectorDefinition("agent-log-record", logRecord(1)),
        VectorDefinition("agent-log-batch", AgentLogBatch.with {
            $0.records = (1...3).map(logRecord)
            $0.droppedCount = 12
        }),
        VectorDefinition("agent-log-ack", AgentLogAck.with { $0.storedSequenceNumber = 3 }),
    ]

    private static let componentStatus = StatusReport.ComponentStatus.with {
        $0.name = "scanner"
        $0.health = .degraded
        $0.detail = "signature database 2 revisions behind"
    }

    private static let property = StatusReport.Property.with {
        $0.name = "locale"
        $0.value = "de_DE.UTF-8"
    }

    private static func logRecord(_ sequence: Int) -> AgentLogRecord {
        AgentLogRecord.with {
            $0.sequenceNumber = UInt64(sequence)
            $0.timeUnixMs = Samples.baseTime + Int64(sequence) * 1000
            $0.level = sequence == 2 ? .warning : .info
            $0.component = "push"
            $0.message = "push channel reconnect \(sequence) of 3"
        }
    }
}
