import EACPProtocol
import EACPTransport

/// The server's side of a live terminal: it relays an administrator's input to the agent, numbered
/// from 1, and ignores terminal frames for sessions it does not have.
enum ServerTerminalCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [relay(target)]
    }

    static func data(_ sessionID: String, _ sequence: UInt64, _ text: String) -> TerminalData {
        var data = TerminalData()
        data.sessionId = sessionID
        data.sequenceNumber = sequence
        data.chunk = Array(text.utf8)
        return data
    }

    static func relay(_ target: ServerTarget) -> ConformanceCase {
        .server("server.terminal.relay",
                "Terminal input reaches the agent numbered from 1, frames for unknown or ended sessions are ignored, "
                    + "and nothing follows the agent's TerminalClose",
                ["EACP-TERMINAL-002", "EACP-TERMINAL-004", "EACP-TERMINAL-008"], target, profile: .liveTerminal,
                timeout: .seconds(20)) { kit in
            let agent = try await kit.enrolledAgent()
            let channel = try await agent.openPushChannel()
            defer { channel.close() }
            try await Task.sleep(for: .milliseconds(300))
            channel.send(.terminalData(data("conf-no-such-session", 1, "unknown")))
            try await Task.sleep(for: .milliseconds(500))
            if let closed = channel.socket.closeResult {
                throw CaseStop.failed("the server closed the push channel with \(closed.code.rawValue) after a frame for an unknown session")
            }

            let administrator = try await AdministratorTerminal.open(kit, agentID: agent.agentID)
            defer { administrator.close() }
            let (actionID, sessionID) = try await startSession(kit, channel)
            guard try await waitFor(timeout: .seconds(5), { administrator.received(\.isTerminalOpen) ? true : nil }) != nil else {
                throw CaseStop.failed("the administrator's socket got no terminal_open within 5 s of the agent's TerminalOpen")
            }
            kit.context.transcript.note("session \(sessionID) of action \(actionID) is open")

            // The administrator's own numbers are wrong on purpose: the server numbers what it sends.
            for (sequence, text) in [(UInt64(7), "ab"), (7, "cd"), (3, "ef")] {
                administrator.send(.terminalData(data(sessionID, sequence, text)))
            }
            let input = try await waitFor(timeout: .seconds(5)) { () -> [TerminalData]? in
                let frames = terminalData(channel, sessionID)
                return frames.count >= 3 ? frames : nil
            }
            guard let input else { throw CaseStop.failed("the agent got \(terminalData(channel, sessionID).count) of 3 TerminalData frames") }
            try kit.context.require(input.map(\.sequenceNumber) == [1, 2, 3],
                                    "the server numbered its TerminalData \(input.map(\.sequenceNumber)), expected [1, 2, 3]")
            try kit.context.require(input.map { String(decoding: $0.chunk, as: UTF8.self) } == ["ab", "cd", "ef"],
                                    "the agent got the input \(input.map { String(decoding: $0.chunk, as: UTF8.self) }), expected ab, cd, ef")

            var close = TerminalClose()
            close.sessionId = sessionID
            close.reason = .exited
            channel.send(.terminalClose(close))
            // Once the administrator's socket has the close, the server has handled it.
            guard try await waitFor(timeout: .seconds(5), { administrator.received(\.isTerminalClose) ? true : nil }) != nil else {
                throw CaseStop.failed("the administrator's socket got no terminal_close within 5 s of the agent's TerminalClose")
            }
            let framesAtClose = channel.payloads.count
            administrator.send(.terminalData(data(sessionID, 4, "late")))
            channel.send(.terminalData(data(sessionID, 1, "after the close")))
            try await Task.sleep(for: .milliseconds(1_000))
            let late = channel.payloads.dropFirst(framesAtClose).filter { $0.terminalSessionID == sessionID }
            try kit.context.require(late.isEmpty, "the server sent \(late.count) terminal frames after the agent's TerminalClose")
            if let closed = channel.socket.closeResult {
                throw CaseStop.failed("the server closed the push channel with \(closed.code.rawValue) after frames for unknown or ended sessions")
            }
        }
    }

    /// Waits for the START_LIVE_TERMINAL push, acknowledges it and opens its session. Returns the action
    /// and session ids.
    static func startSession(_ kit: ServerCaseKit, _ channel: PushChannelClient) async throws -> (String, String) {
        let pushed = try await waitFor(timeout: .seconds(5)) { () -> (String, StartLiveTerminalParameters)? in
            for envelope in channel.actions {
                if case .startLiveTerminal(let parameters)? = envelope.parameters { return (envelope.actionId, parameters) }
            }
            return nil
        }
        guard let (actionID, parameters) = pushed else {
            throw CaseStop.failed("no START_LIVE_TERMINAL action was pushed within 5 s of the administrator's terminal request")
        }
        var ack = ActionAck()
        ack.actionId = actionID
        channel.send(.actionAck(ack))
        var open = TerminalOpen()
        open.sessionId = parameters.sessionId
        open.actionId = actionID
        open.rows = parameters.rows
        open.columns = parameters.columns
        channel.send(.terminalOpen(open))
        return (actionID, parameters.sessionId)
    }

    /// Returns the TerminalData frames the agent received for `sessionID`, in arrival order.
    static func terminalData(_ channel: PushChannelClient, _ sessionID: String) -> [TerminalData] {
        channel.payloads.compactMap { if case .terminalData(let data) = $0, data.sessionId == sessionID { data } else { nil } }
    }
}

extension PushMessage.ServerPush.Payload {
    /// The session id of a terminal frame, or nil for other payloads.
    var terminalSessionID: String? {
        switch self {
        case .terminalData(let data): data.sessionId
        case .terminalResize(let resize): resize.sessionId
        case .terminalClose(let close): close.sessionId
        case .action, .actionReceipt, .error: nil
        }
    }
}

/// The administrator's end of a live terminal, a WebSocket under /admin/v1 that carries one
/// `PushMessage` per message: `server_push` payloads out, the agent's `agent_push` payloads in.
final class AdministratorTerminal: Sendable {
    let socket: WebSocket
    private let inbound = LockedValue<[PushMessage.AgentPush.Payload]>([])
    private let transcript: Transcript

    private init(socket: WebSocket, transcript: Transcript) {
        self.socket = socket
        self.transcript = transcript
        Task { [socket, inbound, transcript] in
            for await bytes in socket.messages {
                guard let message = try? PushMessage(wireBytes: bytes), case .agentPush(let push)? = message.direction,
                    let payload = push.payload
                else { continue }
                transcript.record("server->administrator", "terminal", "\(payload)")
                inbound.update { $0.append(payload) }
            }
        }
    }

    /// Opens the terminal socket for `agentID` and sends the administrator token as its first message.
    static func open(_ kit: ServerCaseKit, agentID: String) async throws -> AdministratorTerminal {
        let context = try TLSContext(configuration: .client(trustedCAPEM: kit.target.caPEM, expectedHostName: kit.target.host))
        let socket = try await WebSocketClient.connect(
            .tls(host: kit.target.host, port: kit.target.port, context: context),
            path: "/admin/v1/agents/\(agentID)/terminal?rows=24&columns=80&opened_by=conformance", group: kit.group)
        socket.send(Array(kit.target.adminToken.utf8))
        kit.context.transcript.note("administrator terminal socket open")
        return AdministratorTerminal(socket: socket, transcript: kit.context.transcript)
    }

    func received(_ matches: (PushMessage.AgentPush.Payload) -> Bool) -> Bool { inbound.value.contains(where: matches) }

    func send(_ payload: PushMessage.ServerPush.Payload) {
        var push = PushMessage.ServerPush()
        push.payload = payload
        var message = PushMessage()
        message.direction = .serverPush(push)
        transcript.record("administrator->server", "terminal", "\(payload)")
        socket.send(message.wireBytes())
    }

    func close() { socket.close() }
}

extension PushMessage.AgentPush.Payload {
    var isTerminalOpen: Bool { if case .terminalOpen = self { true } else { false } }
    var isTerminalClose: Bool { if case .terminalClose = self { true } else { false } }
}
