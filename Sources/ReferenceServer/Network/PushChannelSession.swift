import EACPProtocol
import EACPTransport

/// One agent's push channel: registers the WebSocket, records its presence in the store, pushes the
/// queued actions, and handles what the agent sends, terminal frames included, until the socket closes.
final class PushChannelSession: PushConnection, @unchecked Sendable {
    // @unchecked: `socket` is itself thread-safe and the other properties never change after init.
    private let socket: WebSocket
    private let agentID: String
    private let context: ServerContext
    private let delivery: ActionDelivery
    private let terminals: TerminalRelay

    init(socket: WebSocket, agentID: String, context: ServerContext, delivery: ActionDelivery, terminals: TerminalRelay) {
        self.socket = socket
        self.agentID = agentID
        self.context = context
        self.delivery = delivery
        self.terminals = terminals
    }

    func send(_ message: [UInt8]) -> Bool {
        guard socket.closeResult == nil else { return false }
        socket.send(message)
        return true
    }

    func close(code: UInt16, reason: String) {
        socket.close(code: WebSocketCloseCode(rawValue: code), reason: reason)
    }

    /// Registers the channel in place of the agent's older one, which it closes. Called as soon as the
    /// upgrade completes, before `run` is scheduled, so that channels register in the order they opened.
    func register() {
        let older = context.pushChannels.register(agentID: agentID, connection: self)
        if !BrokenVariant.isActive(.keepsOlderPushChannel) { older?.close(code: 1000, reason: "replaced by a newer connection") }
    }

    /// Records the channel, pushes what waits for it, and handles the agent's messages until it closes.
    func run() async {
        let presence = PushChannelPresence(replicaID: context.replicaID, connectedUnixMs: context.now)
        _ = try? context.stored("record push channel") { () throws(ServerStoreError) in
            try context.store.setPushChannel(agentID: agentID, presence: presence)
        }
        context.log.info("push.connected", ["agent": agentID])
        delivery.pushQueued(agentID: agentID)

        for await bytes in socket.messages {
            guard handle(bytes) else { break }
        }

        if context.pushChannels.remove(agentID: agentID, connection: self) {
            _ = try? context.stored("clear push channel") { () throws(ServerStoreError) in
                try context.store.clearPushChannel(agentID: agentID, replicaID: context.replicaID)
            }
            delivery.pushChannelClosed(agentID: agentID)
            terminals.pushChannelClosed(agentID: agentID)
        }
        context.log.info("push.disconnected", ["agent": agentID, "close": socket.closeResult.map { "\($0.code)" } ?? "none"])
    }

    /// Rejects an ack or result the server cannot accept. An unknown action first gets a
    /// `ServerPush.error` that names its id. Every rejection closes the channel with 1008, and the agent
    /// then sends the message again over HTTP. A storage failure keeps the channel open.
    private func reject(_ failure: ProtocolFailure) -> Bool {
        context.log.warning("push.message_rejected", ["agent": agentID, "code": "\(failure.code)", "error": failure.message])
        switch failure.code {
        case .notFound:
            var reply = ErrorReply()
            reply.code = .notFound
            reply.message = failure.message
            _ = context.pushChannels.send(.error(reply), to: agentID)
            close(code: 1008, reason: "unknown action")
            return false
        case .badRequest:
            close(code: 1008, reason: "invalid action result")
            return false
        default:
            return true
        }
    }

    /// Closes the channel with 1008 for a message without a known direction or payload, as the
    /// `closes-on-unknown-push-message` variant does. Always returns false.
    private func rejectUnknown() -> Bool {
        close(code: 1008, reason: "the message has no direction or payload this server knows")
        return false
    }

    /// Handles one agent message. Returns false after closing the channel for a message that breaks a rule.
    private func handle(_ bytes: [UInt8]) -> Bool {
        guard let message = try? PushMessage(wireBytes: bytes) else {
            close(code: BrokenVariant.isActive(.closesUndecodableWith1008) ? 1008 : 1007, reason: "the message is not a valid PushMessage")
            return false
        }
        // A direction or payload this revision of the schema does not know may come from a newer agent.
        guard let direction = message.direction else {
            context.log.info("push.unknown_message", ["agent": agentID, "bytes": bytes.count, "missing": "direction"])
            return !BrokenVariant.isActive(.closesOnUnknownPushMessage) || rejectUnknown()
        }
        guard case .agentPush(let push) = direction else {
            close(code: 1008, reason: "an agent sends only agent_push messages")
            return false
        }
        guard let payload = push.payload else {
            context.log.info("push.unknown_message", ["agent": agentID, "bytes": bytes.count, "missing": "payload"])
            return !BrokenVariant.isActive(.closesOnUnknownPushMessage) || rejectUnknown()
        }
        if let violation = FieldLimits.violation(in: payload) {
            context.log.warning("push.message_rejected", ["agent": agentID, "error": violation.message])
            close(code: 1008, reason: "\(violation.field) is not \(violation.limit)")
            return false
        }
        do throws(ProtocolFailure) {
            switch payload {
            case .actionAck(let ack):
                try delivery.acknowledge(ack, agentID: agentID, overPush: true)
            case .actionResult(let result):
                try delivery.recordResult(result, agentID: agentID)
                let receipt = ActionReplyHandlers.receipt(actionID: result.actionId, subject: .result)
                _ = context.pushChannels.send(.actionReceipt(receipt), to: agentID)
            case .terminalOpen, .terminalData, .terminalClose:
                terminals.agentFrame(payload, agentID: agentID)
            case .error(let reply):
                context.log.warning("push.agent_error", ["agent": agentID, "code": reply.code, "message": reply.message])
            }
        } catch {
            return reject(error)
        }
        return true
    }
}
