import EACPProtocol
import EACPTransport

/// The agent end of a push channel: collects the server's messages and sends agent messages.
public final class PushChannelClient: Sendable {
    let socket: WebSocket
    let transcript: Transcript
    private let received = LockedValue<[PushMessage.ServerPush.Payload]>([])
    private let reader = LockedValue<Task<Void, Never>?>(nil)

    init(socket: WebSocket, transcript: Transcript) {
        self.socket = socket
        self.transcript = transcript
        let task = Task { [socket, received, transcript] in
            for await bytes in socket.messages {
                guard let message = try? PushMessage(wireBytes: bytes), case .serverPush(let push)? = message.direction,
                    let payload = push.payload
                else {
                    transcript.record("server->agent", "push message that is not a ServerPush", "\(bytes.count) bytes")
                    continue
                }
                transcript.record("server->agent", "push", "\(payload)")
                received.update { $0.append(payload) }
            }
        }
        reader.update { $0 = task }
    }

    /// The server pushes so far, in arrival order.
    var payloads: [PushMessage.ServerPush.Payload] { received.value }

    /// The action envelopes pushed so far.
    var actions: [ActionEnvelope] {
        payloads.compactMap { if case .action(let envelope) = $0 { envelope } else { nil } }
    }

    func send(_ payload: PushMessage.AgentPush.Payload) {
        var push = PushMessage.AgentPush()
        push.payload = payload
        var message = PushMessage()
        message.direction = .agentPush(push)
        transcript.record("agent->server", "push", "\(payload)")
        socket.send(message.wireBytes())
    }

    func close() {
        socket.close()
        reader.value?.cancel()
    }
}
