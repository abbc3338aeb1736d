import EACPProtocol
import EACPTransport
import Foundation

extension HarnessHandlers {
    func acceptPush(_ socket: WebSocket, _ request: HTTPRequest) {
        observations.update { $0.pushAttempts.append(.init(at: .now, value: request.peerCertificate != nil)) }
        guard script.value.acceptPushChannels, request.peerCertificate != nil else {
            log("server->agent", "push channel refused", request.peerCertificate == nil ? "no client certificate" : "script")
            socket.close(code: WebSocketCloseCode(rawValue: 1013), reason: "push channel unavailable")
            return
        }
        observations.update { $0.pushConnections.append(.now) }
        let previous = pushChannel.update { channel -> WebSocket? in
            defer { channel = socket }
            return channel
        }
        previous?.close(code: .normalClosure, reason: "replaced by a newer connection")
        log("agent->server", "push channel open")
        Task {
            for await bytes in socket.messages { self.handlePush(bytes, socket) }
            self.log("agent->server", "push channel closed", socket.closeResult.map { "code \($0.code.rawValue)" } ?? "")
            self.pushChannel.update { if $0 === socket { $0 = nil } }
        }
    }

    private func handlePush(_ bytes: [UInt8], _ socket: WebSocket) {
        guard let message = try? PushMessage(wireBytes: bytes), case .agentPush(let push)? = message.direction,
            let payload = push.payload
        else {
            log("agent->server", "push message that is not an AgentPush", "\(bytes.count) bytes")
            return
        }
        log("agent->server", "push", "\(payload)")
        switch payload {
        case .actionAck(let ack):
            recordAck(ack.actionId, path: "push")
        case .actionResult(let result):
            recordResult(result, path: "push")
            send(.actionReceipt(Self.receipt(result.actionId, .result)), on: socket)
        case .terminalOpen, .terminalData, .terminalClose:
            observations.update { $0.terminalFrames.append(.init(at: .now, value: payload)) }
        case .error:
            break
        }
    }

    /// Pushes `payload` on the open push channel. Returns false when none is open.
    @discardableResult
    func push(_ payload: PushMessage.ServerPush.Payload) -> Bool {
        guard let socket = pushChannel.value else { return false }
        send(payload, on: socket)
        return true
    }

    private func send(_ payload: PushMessage.ServerPush.Payload, on socket: WebSocket) {
        var push = PushMessage.ServerPush()
        push.payload = payload
        var message = PushMessage()
        message.direction = .serverPush(push)
        log("server->agent", "push", "\(payload)")
        socket.send(message.wireBytes())
    }
}
