import Dispatch
import EACPProtocol
import EACPTransport
import Synchronization

/// One live terminal between an administrator's WebSocket and an agent's push channel.
///
/// The administrator's socket carries one encoded `PushMessage` per binary message, in the shape the
/// push channel uses. The administrator sends `server_push` payloads (`terminal_data`,
/// `terminal_resize`, `terminal_close`), which the server forwards to the agent. It receives the
/// agent's `agent_push` payloads (`terminal_open`, `terminal_data`, `terminal_close`) unchanged.
final class TerminalSession: Sendable {
    let sessionID: String
    let agentID: String
    let administrator: WebSocket
    private let state = Mutex(State())

    private struct State {
        /// Set once the agent's `TerminalOpen` arrived; frames from the administrator wait for it.
        var opened = false
        var ended = false
        var lastAdministratorInputUnixMs: Int64
        /// The `sequence_number` of the last `TerminalData` sent to the agent; the first gets 1.
        var lastInputSequence: UInt64 = 0
        init() { lastAdministratorInputUnixMs = 0 }
    }

    init(sessionID: String, agentID: String, administrator: WebSocket, nowUnixMs: Int64) {
        self.sessionID = sessionID
        self.agentID = agentID
        self.administrator = administrator
        state.withLock { $0.lastAdministratorInputUnixMs = nowUnixMs }
    }

    var isOpened: Bool { state.withLock { $0.opened } }

    func markOpened() { state.withLock { $0.opened = true } }

    func recordAdministratorInput(nowUnixMs: Int64) {
        state.withLock { $0.lastAdministratorInputUnixMs = nowUnixMs }
    }

    var lastAdministratorInputUnixMs: Int64 { state.withLock { $0.lastAdministratorInputUnixMs } }

    /// Returns the `sequence_number` for the next `TerminalData` to the agent: 1, then one more each time.
    func nextInputSequence() -> UInt64 {
        state.withLock { state in
            state.lastInputSequence += 1
            return state.lastInputSequence
        }
    }

    /// Marks the session ended. Returns true only for the first call, so each ending runs once.
    func markEnded() -> Bool {
        state.withLock { state in
            guard !state.ended else { return false }
            state.ended = true
            return true
        }
    }

    /// Sends one agent frame to the administrator.
    func forwardToAdministrator(_ payload: PushMessage.AgentPush.Payload) {
        var push = PushMessage.AgentPush()
        push.payload = payload
        var message = PushMessage()
        message.direction = .agentPush(push)
        administrator.send(message.wireBytes())
    }

    static func close(sessionID: String, reason: TerminalCloseReason, detail: String) -> TerminalClose {
        var close = TerminalClose()
        close.sessionId = sessionID
        close.reason = reason
        close.detail = detail
        return close
    }
}
