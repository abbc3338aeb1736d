import EACPProtocol

/// Valid vectors for actions: an envelope for every action kind with its parameters, each parameters message
/// on its own, and the agent's acknowledgements, results and uploads.
enum ActionVectors {
    static let description = """
        Valid encodings of action envelopes, one for every action kind with its parameters member set, each \
        parameters message on its own, and action acknowledgements, results, receipts and upload chunks.
        """

    static var definitions: [VectorDefinition] {
        envelopes + parameterMessages + replies + uploads
    }

    /// One parameters value for each action kind, in action-kind order.
    static let parameters: [(name: String, kind: ActionKind, value: ActionEnvelope.Parameters)] = [
        ("quarantine-file", .quarantineFile, .quarantineFile(QuarantineFileParameters.with {
            $0.path = "/home/ana/Downloads/invoice.pdf.exe"
            $0.sha256 = Samples.digest(0x50)
        })),
        ("restore-file", .restoreFile, .restoreFile(RestoreFileParameters.with {
            $0.quarantineActionId = "act-1001"
            $0.restorePath = "/home/ana/restored/invoice.pdf.exe"
        })),
        ("terminate-process", .terminateProcess, .terminateProcess(TerminateProcessParameters.with {
            $0.pid = 48213
            $0.processStartUnixMs = Samples.baseTime - 7_200_000
            $0.executablePath = "/usr/bin/python3.11"
            $0.includeDescendants = true
        })),
        ("isolate-endpoint", .isolateEndpoint, .isolateEndpoint(IsolateEndpointParameters.with {
            $0.allowedHosts = ["updates.example.com", "10.20.0.0/16", "2001:db8::/32"]
        })),
        ("cancel-isolation", .cancelIsolation, .cancelIsolation(CancelIsolationParameters())),
        ("start-live-terminal", .startLiveTerminal, .startLiveTerminal(StartLiveTerminalParameters.with {
            $0.sessionId = "term-9a41"
            $0.rows = 40
            $0.columns = 132
            $0.idleTimeoutMs = 600_000
        })),
        ("set-endpoint-proxy", .setEndpointProxy, .setEndpointProxy(SetEndpointProxyParameters.with {
            $0.host = "proxy.example.net"
            $0.port = 3128
            $0.confirmTimeoutMs = 120_000
        })),
        ("disable-endpoint-proxy", .disableEndpointProxy, .disableEndpointProxy(DisableEndpointProxyParameters.with {
            $0.confirmTimeoutMs = 60_000
        })),
        ("retrieve-endpoint-files", .retrieveEndpointFiles, .retrieveEndpointFiles(
            RetrieveEndpointFilesParameters.with {
                $0.paths = ["/var/log/auth.log", "/etc/crontab"]
                $0.maxTotalBytes = 104_857_600
            })),
        ("retrieve-security-event-data", .retrieveSecurityEventData, .retrieveSecurityEventData(
            RetrieveSecurityEventDataParameters.with { $0.eventIds = ["evt-100001", "evt-100003"] })),
        ("retrieve-support-file", .retrieveSupportFile, .retrieveSupportFile(RetrieveSupportFileParameters.with {
            $0.includeLogs = true
        })),
        ("perform-heartbeat", .performHeartbeat, .performHeartbeat(PerformHeartbeatParameters())),
    ]

    /// An envelope for every action kind; the isolate-endpoint one also sets not-before and a minimum version.
    static var envelopes: [VectorDefinition] {
        parameters.enumerated().map { index, entry in
            var envelope = Samples.action(UInt64(index + 1), entry.kind, entry.value)
            if entry.kind == .isolateEndpoint {
                envelope.notBeforeUnixMs = Samples.baseTime + 5_000
                envelope.minimumAgentVersion = "2.2"
            }
            return VectorDefinition("action-envelope-\(entry.name)", envelope)
        }
    }

    /// The three actions a heartbeat reply carries when the push channel could not deliver them.
    static var pendingActions: [ActionEnvelope] {
        [0, 3, 8].map { index in
            let entry = parameters[index]
            return Samples.action(UInt64(20 + index), entry.kind, entry.value)
        }
    }

    static var parameterMessages: [VectorDefinition] {
        parameters.map { entry in
            let message: any WireMessage = switch entry.value {
            case .quarantineFile(let value): value
            case .restoreFile(let value): value
            case .terminateProcess(let value): value
            case .isolateEndpoint(let value): value
            case .cancelIsolation(let value): value
            case .startLiveTerminal(let value): value
            case .setEndpointProxy(let value): value
            case .disableEndpointProxy(let value): value
            case .retrieveEndpointFiles(let value): value
            case .retrieveSecurityEventData(let value): value
            case .retrieveSupportFile(let value): value
            case .performHeartbeat(let value): value
            }
            return VectorDefinition("\(entry.name)-parameters", message)
        }
    }

    static let actionAck = ActionAck.with {
        $0.actionId = "act-1001"
        $0.receivedUnixMs = Samples.baseTime + 40
    }

    static let uploadReference = UploadReference.with {
        $0.uploadId = "upl-3b7e"
        $0.name = "/var/log/auth.log"
        $0.totalSize = 1_048_576
        $0.totalSha256 = Samples.digest(0x60)
    }

    static let succeededResult = ActionResult.with {
        $0.actionId = "act-1009"
        $0.kind = .retrieveEndpointFiles
        $0.state = .succeeded
        $0.startedUnixMs = Samples.baseTime + 100
        $0.finishedUnixMs = Samples.baseTime + 9_100
        $0.uploads = [uploadReference, UploadReference.with {
            $0.uploadId = "upl-3b7f"
            $0.name = "/etc/crontab"
            $0.totalSize = 722
            $0.totalSha256 = Samples.digest(0x70)
        }]
    }

    static let failedResult = ActionResult.with {
        $0.actionId = "act-1003"
        $0.kind = .terminateProcess
        $0.state = .failed
        $0.errorCode = .notFound
        $0.detail = "process 48213 started at another time"
        $0.startedUnixMs = Samples.baseTime + 100
        $0.finishedUnixMs = Samples.baseTime + 130
    }

    static let receipt = ActionReceipt.with {
        $0.actionId = "act-1009"
        $0.subject = .result
    }

    static let replies: [VectorDefinition] = [
        VectorDefinition("action-ack", actionAck),
        VectorDefinition("action-result-succeeded-with-uploads", succeededResult),
        VectorDefinition("action-result-failed", failedResult),
        VectorDefinition("action-result-rejected", ActionResult.with {
            $0.actionId = "act-1006"
            $0.kind = .startLiveTerminal
            $0.state = .rejected
            $0.errorCode = .pushChannelUnavailable
            $0.finishedUnixMs = Samples.baseTime + 10
        }),
        VectorDefinition("action-receipt", receipt),
        VectorDefinition("upload-reference", uploadReference),
    ]

    static let uploads: [VectorDefinition] = [
        VectorDefinition("upload-chunk", UploadChunk.with {
            $0.uploadId = "upl-3b7e"
            $0.actionId = "act-1009"
            $0.offset = 1_048_576
            $0.chunk = Array("Jan  1 00:00:01 build-07 sshd[811]: Accepted publickey for ana\n".utf8)
            $0.chunkSha256 = Samples.digest(0x80)
            $0.totalSize = 2_097_152
            $0.totalSha256 = Samples.digest(0x60)
        }),
        VectorDefinition("upload-chunk-resume-query", UploadChunk.with {
            $0.uploadId = "upl-3b7e"
            $0.actionId = "act-1009"
            $0.totalSize = 2_097_152
            $0.totalSha256 = Samples.digest(0x60)
        }),
        VectorDefinition("upload-receipt", UploadReceipt.with {
            $0.uploadId = "upl-3b7e"
            $0.nextOffset = 2_097_152
            $0.complete = true
        }),
    ]
}
