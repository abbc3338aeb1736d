import Dispatch
import EACPProtocol
import EACPTransport
import Synchronization

/// Relays live terminals between administrators and agents.
///
/// An administrator opens a WebSocket under /admin/v1; the server queues a START_LIVE_TERMINAL
/// action for the agent, records who opened the session, and forwards frames both ways once the
/// agent's `TerminalOpen` arrives. A session ends when either side closes it, when the
/// administrator sends nothing for `terminalIdleTimeoutSeconds`, after
/// `terminalMaximumDurationSeconds` in any case, or when the agent's push channel closes.
public final class TerminalRelay: Sendable {
    let context: ServerContext
    let delivery: ActionDelivery
    private let sessions = Mutex<[String: TerminalSession]>([:])

    init(context: ServerContext, delivery: ActionDelivery) {
        self.context = context
        self.delivery = delivery
    }

    var openSessionCount: Int { sessions.withLock { $0.count } }

    /// Starts a session for an administrator whose socket is open and authorized, and serves it until
    /// it ends. `openedBy` names the administrator in the audit record.
    func serve(administrator: WebSocket, agentID: String, rows: UInt32, columns: UInt32, openedBy: String) async {
        guard context.pushChannels.connection(agentID: agentID) != nil else {
            administrator.close(code: WebSocketCloseCode(rawValue: 1013), reason: "agent \(agentID) has no open push channel")
            return
        }
        guard let session = start(administrator: administrator, agentID: agentID, rows: rows, columns: columns, openedBy: openedBy)
        else { return }
        armTimers(for: session)

        for await bytes in administrator.messages {
            handleAdministratorMessage(bytes, session: session)
        }
        let close = TerminalSession.close(
            sessionID: session.sessionID, reason: .closedByServer, detail: "the administrator disconnected")
        end(session, auditReason: "administrator disconnected", agentClose: close, administratorClose: nil)
    }

    /// Queues the action and writes the audit record. Returns nil after closing the administrator's
    /// socket when either fails.
    private func start(administrator: WebSocket, agentID: String, rows: UInt32, columns: UInt32, openedBy: String)
        -> TerminalSession?
    {
        let sessionID = "term-" + ServerTokens.randomToken().prefix(24)
        var parameters = StartLiveTerminalParameters()
        parameters.sessionId = sessionID
        parameters.rows = rows
        parameters.columns = columns
        parameters.idleTimeoutMs = context.settings.terminalIdleTimeoutSeconds * 1_000
        let now = context.now
        let lifetimeMs = Int64(context.settings.terminalMaximumDurationSeconds) * 1_000
        do throws(ProtocolFailure) {
            // The session is registered before the action goes out, so a fast TerminalOpen finds it.
            let session = TerminalSession(
                sessionID: sessionID, agentID: agentID, administrator: administrator, nowUnixMs: now)
            sessions.withLock { $0[sessionID] = session }
            let record = try delivery.queue(ActionDelivery.Order(
                agentID: agentID, kind: .startLiveTerminal, parameters: parameters.wireBytes(), expiresUnixMs: now + lifetimeMs))
            let audit = TerminalSessionRecord(
                sessionID: sessionID, agentID: agentID, actionID: record.action.actionID, openedBy: openedBy, openedUnixMs: now)
            try context.stored("open terminal session") { () throws(ServerStoreError) in
                try context.store.openTerminalSession(audit)
            }
            context.log.info("terminal.opened", ["session": sessionID, "agent": agentID, "opened_by": openedBy])
            return session
        } catch {
            sessions.withLock { $0[sessionID] = nil }
            context.log.warning("terminal.open_failed", ["agent": agentID, "error": error.message])
            administrator.close(code: .policyViolation, reason: String(error.message.prefix(120)))
            return nil
        }
    }

    private func armTimers(for session: TerminalSession) {
        let maximum = DispatchTimeInterval.seconds(Int(context.settings.terminalMaximumDurationSeconds))
        DispatchQueue.global().asyncAfter(deadline: .now() + maximum) { [self] in
            let close = TerminalSession.close(
                sessionID: session.sessionID, reason: .closedByServer, detail: "the maximum session duration passed")
            end(session, auditReason: "maximum duration reached", agentClose: close, administratorClose: close)
        }
        scheduleIdleCheck(for: session, afterMs: Int64(context.settings.terminalIdleTimeoutSeconds) * 1_000)
    }

    /// Ends the session once the administrator has sent nothing for the idle timeout, checking again
    /// at the new deadline whenever input arrived meanwhile.
    private func scheduleIdleCheck(for session: TerminalSession, afterMs delay: Int64) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(max(1, delay)))) { [self] in
            let idleTimeoutMs = Int64(context.settings.terminalIdleTimeoutSeconds) * 1_000
            let remaining = session.lastAdministratorInputUnixMs + idleTimeoutMs - context.now
            guard remaining <= 0 else {
                scheduleIdleCheck(for: session, afterMs: remaining)
                return
            }
            let close = TerminalSession.close(
                sessionID: session.sessionID, reason: .idleTimeout, detail: "no input from the administrator")
            end(session, auditReason: "idle timeout", agentClose: close, administratorClose: close)
        }
    }

    /// Forwards one administrator frame to the agent. Frames before the agent's `TerminalOpen`, and
    /// frames that are not terminal frames, are dropped and logged.
    private func handleAdministratorMessage(_ bytes: [UInt8], session: TerminalSession) {
        guard let message = try? PushMessage(wireBytes: bytes), case .serverPush(let push)? = message.direction,
            let payload = push.payload
        else {
            session.administrator.close(code: .policyViolation, reason: "each message must be a server_push PushMessage")
            return
        }
        guard session.isOpened else {
            context.log.debug("terminal.frame_before_open", ["session": session.sessionID])
            return
        }
        switch payload {
        case .terminalData(let data):
            session.recordAdministratorInput(nowUnixMs: context.now)
            forwardInput(data, session: session)
        case .terminalResize(var resize):
            resize.sessionId = session.sessionID
            _ = context.pushChannels.send(.terminalResize(resize), to: session.agentID)
        case .terminalClose(var close):
            close.sessionId = session.sessionID
            end(session, auditReason: "closed by the administrator", agentClose: close, administratorClose: nil)
        case .action, .actionReceipt, .error:
            context.log.debug("terminal.frame_ignored", ["session": session.sessionID])
        }
    }

    /// Sends the administrator's bytes to the agent as frames of 1 to 65536 bytes, numbered by the
    /// server from 1 in the session, whatever numbers the administrator sent. Empty input sends nothing.
    private func forwardInput(_ input: TerminalData, session: TerminalSession) {
        for start in stride(from: 0, to: input.chunk.count, by: Self.maximumChunkBytes) {
            var data = TerminalData()
            data.sessionId = session.sessionID
            data.chunk = Array(input.chunk[start..<min(start + Self.maximumChunkBytes, input.chunk.count)])
            data.sequenceNumber = BrokenVariant.isActive(.keepsAdministratorSequence)
                ? input.sequenceNumber : session.nextInputSequence()
            _ = context.pushChannels.send(.terminalData(data), to: session.agentID)
        }
    }

    /// The largest `TerminalData.chunk`, from the schema.
    static let maximumChunkBytes = 65_536

    /// Forwards one terminal frame from the agent's push channel. A frame for a session this server
    /// does not know, or for another agent's session, is logged and ignored.
    func agentFrame(_ payload: PushMessage.AgentPush.Payload, agentID: String) {
        let sessionID: String
        switch payload {
        case .terminalOpen(let open): sessionID = open.sessionId
        case .terminalData(let data): sessionID = data.sessionId
        case .terminalClose(let close): sessionID = close.sessionId
        case .actionAck, .actionResult, .error: return
        }
        guard let session = sessions.withLock({ $0[sessionID] }), session.agentID == agentID else {
            context.log.info("terminal.unknown_session", ["session": sessionID, "agent": agentID])
            if BrokenVariant.isActive(.closesOnUnknownTerminalSession) {
                context.pushChannels.connection(agentID: agentID)?.close(code: 1008, reason: "unknown terminal session")
            }
            return
        }
        if case .terminalOpen = payload { session.markOpened() }
        session.forwardToAdministrator(payload)
        if case .terminalClose(let close) = payload, !BrokenVariant.isActive(.forwardsAfterAgentClose) {
            end(session, auditReason: "closed by the agent: \(close.reason)", agentClose: nil, administratorClose: nil)
        }
    }

    /// Ends every session of the agent after its push channel closed.
    func pushChannelClosed(agentID: String) {
        let ended = sessions.withLock { $0.values.filter { $0.agentID == agentID } }
        for session in ended {
            let close = TerminalSession.close(
                sessionID: session.sessionID, reason: .closedByServer, detail: "the agent's push channel closed")
            end(session, auditReason: "push channel closed", agentClose: nil, administratorClose: close)
        }
    }

    /// Ends a session once: sends `TerminalClose` to the sides that still need it, closes the
    /// administrator's socket and completes the audit record.
    private func end(
        _ session: TerminalSession, auditReason: String, agentClose: TerminalClose?, administratorClose: TerminalClose?
    ) {
        guard session.markEnded() else { return }
        sessions.withLock { $0[session.sessionID] = nil }
        if let agentClose { _ = context.pushChannels.send(.terminalClose(agentClose), to: session.agentID) }
        if let administratorClose { session.forwardToAdministrator(.terminalClose(administratorClose)) }
        session.administrator.close(code: .normalClosure, reason: auditReason)
        let now = context.now
        _ = try? context.stored("close terminal session") { () throws(ServerStoreError) in
            try context.store.closeTerminalSession(sessionID: session.sessionID, closedUnixMs: now, reason: auditReason)
        }
        context.log.info("terminal.closed", ["session": session.sessionID, "agent": session.agentID, "reason": auditReason])
    }
}
