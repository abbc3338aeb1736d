import EACPProtocol
import EACPTransport
import Synchronization

/// The push channel: one WebSocket to `/eacp/v1/push`, opened after the first heartbeat, kept open,
/// and reopened with backoff and jitter whenever it closes.
final class PushChannel: Sendable {
    private let link: ServerLink
    private let log: AgentLog
    private let socket = Mutex<WebSocket?>(nil)
    /// Counts `reconnect` calls, so a connection that was still opening with older settings when one
    /// came is closed as soon as it opens.
    private let settingsGeneration = Mutex(0)
    private let loop = Mutex<Task<Void, Never>?>(nil)
    private let weakAgent = Mutex<WeakAgent>(WeakAgent())
    /// Shells of live terminal sessions, which end with the channel that carried them.
    let terminals: TerminalSessions

    var agent: Agent? {
        get { weakAgent.withLock { $0.value } }
        set { weakAgent.withLock { $0.value = newValue } }
    }

    init(link: ServerLink, log: AgentLog) {
        self.link = link
        self.log = log
        terminals = TerminalSessions(log: log)
    }

    var isConnected: Bool { socket.withLock { $0?.closeResult == nil && $0 != nil } }

    /// Returns the channel's state for a heartbeat. A channel that is open but missed a pong since
    /// the last one arrived counts as disconnected, because the server may no longer reach the agent
    /// through it.
    func heartbeatState(_ runtime: Heartbeat.PushChannelState) -> Heartbeat.PushChannelState {
        let missedPongs = socket.withLock { $0?.liveness.missedPongs ?? 0 }
        guard runtime.status == .connected, missedPongs > 0, !BrokenVariant.isActive(.reportsHalfOpenConnected) else {
            return runtime
        }
        var state = runtime
        state.status = .disconnected
        state.connectedSinceUnixMs = 0
        return state
    }

    /// Starts the connect loop once; later calls do nothing.
    func start(agent: Agent) {
        loop.withLock { task in
            guard task == nil else { return }
            task = Task { await self.run(agent: agent) }
        }
    }

    func stop() {
        loop.withLock { $0?.cancel() }
        socket.withLock { $0?.close(code: .goingAway, reason: "agent is stopping") }
    }

    /// Closes the current channel so that the loop opens a new one, for example through a new proxy.
    func reconnect() {
        settingsGeneration.withLock { $0 += 1 }
        socket.withLock { $0?.close(code: .goingAway, reason: "connection settings changed") }
    }

    /// Sends one agent message; returns false when the channel is not open.
    func send(_ payload: PushMessage.AgentPush.Payload) -> Bool {
        var push = PushMessage.AgentPush()
        push.payload = payload
        var message = PushMessage()
        message.direction = .agentPush(push)
        return socket.withLock { socket in
            guard let socket, socket.closeResult == nil else { return false }
            socket.send(message.wireBytes())
            return true
        }
    }

    private func run(agent: Agent) async {
        var failures = 0
        while !Task.isCancelled {
            let settings = agent.localState.current.settings
            setState(agent, "connecting")
            do {
                var configuration = WebSocketConfiguration()
                configuration.pingInterval = .milliseconds(settings.pushPingIntervalMs)
                // The WebSocket closes with 1001 once this many pings in a row get no pong before the
                // next ping is due, so no separate pong deadline is set.
                configuration.missedPongLimit = Int(settings.pushMissedPongLimit)
                if BrokenVariant.isActive(.ignoresMissedPongs) { configuration.missedPongLimit = Int.max }
                BrokenVariant.applyPushFaults(to: &configuration)
                configuration.pongTimeout = nil
                let generation = settingsGeneration.withLock { $0 }
                let connector = BrokenVariant.isActive(.pushWithoutClientCertificate)
                    ? try agent.connectorWithoutCredentials() : try link.connector(bypassingProxy: BrokenVariant.isActive(.pushBypassesProxy))
                let opened = try await WebSocketClient.connect(
                    connector, path: "/eacp/v1/push", group: link.group, configuration: configuration)
                failures = 0
                socket.withLock { $0 = opened }
                if settingsGeneration.withLock({ $0 }) != generation {
                    opened.close(code: .goingAway, reason: "connection settings changed")
                }
                agent.runtime.withLock {
                    $0.push.state = "connected"
                    $0.push.connectedSinceUnixMs = AgentClock.nowUnixMs()
                    $0.push.disconnectedSinceUnixMs = nil
                    $0.push.connectCount += 1
                    $0.push.pingIntervalMs = settings.pushPingIntervalMs
                    $0.push.nextAttemptUnixMs = nil
                }
                log.info("push", "push.connected", ["server": link.serverURL])
                agent.actions.flushReplies()
                let retryAfterMs = await serve(opened, agent: agent)
                recordLiveness(agent)
                socket.withLock { $0 = nil }
                terminals.endAll(reason: "the push channel closed")
                let result = opened.closeResult
                let reason = result.map { "closed with \($0.code.rawValue)\($0.reason.isEmpty ? "" : ": \($0.reason)")" } ?? "closed"
                markDisconnected(agent, error: reason)
                log.info("push", "push.closed", ["reason": reason])
                failures = 1
                if BrokenVariant.isActive(.leavesPushClosed) { return }
                let serverDelayMs = BrokenVariant.isActive(.ignoresPushRetryAfter) ? 0 : retryAfterMs
                let delay = max(Backoff.pushReconnect(failures: failures, fraction: Double.random(in: 0...1)), serverDelayMs)
                await pause(agent, milliseconds: delay)
            } catch {
                failures += 1
                markDisconnected(agent, error: "\(error)")
                let delay = Backoff.pushReconnect(failures: failures, fraction: Double.random(in: 0...1))
                log.warning("push", "push.connect_failed", ["error": error, "retry_in_ms": delay])
                await pause(agent, milliseconds: delay)
            }
        }
    }

    /// Copies the open channel's last ping and pong times into the runtime status, where they stay
    /// after the channel closes.
    func recordLiveness(_ agent: Agent) {
        guard let liveness = socket.withLock({ $0?.liveness }) else { return }
        agent.runtime.withLock {
            if let sent = liveness.lastPingSent {
                $0.push.lastPingUnixMs = Int64((sent.timeIntervalSince1970 * 1_000).rounded())
            }
            if let received = liveness.lastPongReceived {
                $0.push.lastPongUnixMs = Int64((received.timeIntervalSince1970 * 1_000).rounded())
            }
        }
    }

    private func pause(_ agent: Agent, milliseconds: Int64) async {
        agent.runtime.withLock { $0.push.nextAttemptUnixMs = AgentClock.nowUnixMs() + milliseconds }
        try? await Task.sleep(for: .milliseconds(milliseconds))
    }

    private func setState(_ agent: Agent, _ state: String) {
        agent.runtime.withLock { $0.push.state = state }
    }

    private func markDisconnected(_ agent: Agent, error: String) {
        agent.runtime.withLock {
            $0.push.state = "disconnected"
            $0.push.connectedSinceUnixMs = nil
            if $0.push.disconnectedSinceUnixMs == nil { $0.push.disconnectedSinceUnixMs = AgentClock.nowUnixMs() }
            $0.push.lastError = error
        }
    }

    /// Handles messages until the channel closes; returns the retry delay an `error` payload asked for.
    private func serve(_ socket: WebSocket, agent: Agent) async -> Int64 {
        var retryAfterMs: Int64 = 0
        // After the agent sends a close frame it ignores the rest, but it keeps reading until the
        // close completes, so that `closeResult` contains the code it sent.
        var closing = false
        for await bytes in socket.messages {
            guard !closing else { continue }
            let message: PushMessage
            do {
                message = try PushMessage(wireBytes: bytes)
            } catch {
                log.warning("push", "push.malformed_message", ["error": error])
                if BrokenVariant.isActive(.ignoresMalformedPush) { continue }
                socket.close(code: .invalidPayload, reason: "the message is not a valid PushMessage")
                closing = true
                continue
            }
            switch message.direction {
            case .agentPush?:
                log.warning("push", "push.wrong_direction")
                socket.close(code: .policyViolation, reason: "a server sends only server_push messages")
                closing = true
            case .serverPush(let push)?:
                if let delay = handle(push, agent: agent) { retryAfterMs = delay }
            case nil:
                log.info("push", "push.unknown_message_ignored", ["bytes": bytes.count])
                if BrokenVariant.isActive(.closesOnUnknownPush) {
                    socket.close(code: .invalidPayload, reason: "the message has no direction")
                    closing = true
                }
            }
        }
        return retryAfterMs
    }

    private func handle(_ push: PushMessage.ServerPush, agent: Agent) -> Int64? {
        switch push.payload {
        case .action(let envelope)?:
            agent.actions.receive(envelope, path: .push)
        case .actionReceipt(let receipt)?:
            agent.actions.receiptArrived(receipt)
        case .terminalData(let data)?:
            terminals.input(data)
        case .terminalResize(let resize)?:
            terminals.resize(resize)
        case .terminalClose(let close)?:
            terminals.closedByServer(close)
        case .error(let reply)?:
            log.warning("push", "push.server_error", ["code": reply.code, "message": reply.message])
            return Int64(reply.retryAfterMs)
        case nil:
            log.info("push", "push.unknown_payload_ignored")
        }
        return nil
    }
}

/// A reference to the agent that does not keep it alive.
struct WeakAgent {
    weak var value: Agent?
}
