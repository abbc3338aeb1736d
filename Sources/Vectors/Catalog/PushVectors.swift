import EACPProtocol

/// Valid vectors for the push channel: a PushMessage for every payload in both directions, and the live
/// terminal frames on their own.
enum PushVectors {
    static let description = """
        Valid encodings of PushMessage, the one message type on the push channel: every server push and every \
        agent push payload, and the live terminal frames on their own.
        """

    static var definitions: [VectorDefinition] {
        serverPushes + agentPushes + terminalFrames
    }

    static let terminalData = TerminalData.with {
        $0.sessionId = "term-9a41"
        $0.sequenceNumber = 7
        $0.chunk = Array("ls -la /tmp\r".utf8)
    }

    static let terminalOutput = TerminalData.with {
        $0.sessionId = "term-9a41"
        $0.sequenceNumber = 12
        $0.chunk = Array("total 8\r\n\u{1B}[01;34mdrwxrwxrwt\u{1B}[0m  2 root root 4096 .\r\n".utf8)
    }

    static let terminalOpen = TerminalOpen.with {
        $0.sessionId = "term-9a41"
        $0.actionId = "act-1006"
        $0.rows = 40
        $0.columns = 132
    }

    static let terminalResize = TerminalResize.with {
        $0.sessionId = "term-9a41"
        $0.rows = 50
        $0.columns = 160
    }

    static let terminalClose = TerminalClose.with {
        $0.sessionId = "term-9a41"
        $0.reason = .exited
        $0.exitStatus = 130
        $0.detail = "shell exited after SIGINT"
    }

    static let serverError = ErrorReply.with {
        $0.code = .unavailable
        $0.message = "server is shutting down for maintenance"
        $0.retryAfterMs = 30_000
    }

    static var serverPushes: [VectorDefinition] {
        let payloads: [(String, PushMessage.ServerPush.Payload)] = [
            ("action", .action(Samples.action(1, .quarantineFile, ActionVectors.parameters[0].value))),
            ("action-receipt", .actionReceipt(ActionVectors.receipt)),
            ("terminal-data", .terminalData(terminalData)),
            ("terminal-resize", .terminalResize(terminalResize)),
            ("terminal-close", .terminalClose(TerminalClose.with {
                $0.sessionId = "term-9a41"
                $0.reason = .closedByServer
                $0.detail = "closed by administrator"
            })),
            ("error", .error(serverError)),
        ]
        let pushes = payloads.map { name, payload in
            VectorDefinition("push-server-\(name)", PushMessage.with {
                $0.direction = .serverPush(PushMessage.ServerPush.with { $0.payload = payload })
            })
        }
        let serverPushAlone = PushMessage.ServerPush.with { $0.payload = .terminalResize(terminalResize) }
        return pushes + [VectorDefinition("server-push-terminal-resize", serverPushAlone)]
    }

    static var agentPushes: [VectorDefinition] {
        let payloads: [(String, PushMessage.AgentPush.Payload)] = [
            ("action-ack", .actionAck(ActionVectors.actionAck)),
            ("action-result", .actionResult(ActionVectors.succeededResult)),
            ("terminal-open", .terminalOpen(terminalOpen)),
            ("terminal-data", .terminalData(terminalOutput)),
            ("terminal-close", .terminalClose(terminalClose)),
            ("error", .error(ErrorReply.with {
                $0.code = .policyViolation
                $0.message = "server push received from the agent side"
            })),
        ]
        let pushes = payloads.map { name, payload in
            VectorDefinition("push-agent-\(name)", PushMessage.with {
                $0.direction = .agentPush(PushMessage.AgentPush.with { $0.payload = payload })
            })
        }
        let agentPushAlone = PushMessage.AgentPush.with { $0.payload = .actionAck(ActionVectors.actionAck) }
        return pushes + [VectorDefinition("agent-push-action-ack", agentPushAlone)]
    }

    static let terminalFrames: [VectorDefinition] = [
        VectorDefinition("terminal-open", terminalOpen),
        VectorDefinition("terminal-data", terminalData),
        VectorDefinition("terminal-resize", terminalResize),
        VectorDefinition("terminal-close", terminalClose),
    ]
}
