import EACPProtocol
import EACPTransport
import Foundation
import Synchronization

/// A small agent that speaks the protocol over HTTPS and the push channel: enough to drive the
/// server's paths, with no journal of its own.
final class TestAgent: @unchecked Sendable {
    // @unchecked: `sequence` is only touched by the one test task that drives this agent.
    let agentID: String
    let version: String
    let identity: (certificatePEM: String, keyPEM: String)
    let client: HTTPClient
    private let endpoint: ServerEndpoint
    private var sequence: UInt64 = 0

    init(agentID: String, version: String, identity: (certificatePEM: String, keyPEM: String), endpoint: ServerEndpoint)
        throws
    {
        self.agentID = agentID
        self.version = version
        self.identity = identity
        self.endpoint = endpoint
        client = try endpoint.client(identity: identity)
    }

    /// The same agent talking to another server process on the same data folder.
    func reconnected(to endpoint: ServerEndpoint) throws -> TestAgent {
        let agent = try TestAgent(agentID: agentID, version: version, identity: identity, endpoint: endpoint)
        agent.sequence = sequence
        return agent
    }

    func post(_ path: String, _ message: some WireMessage) async throws -> HTTPResponse {
        try await client.post(path, body: message.wireBytes())
    }

    func heartbeat(content: ContentVersion? = nil) async throws -> HeartbeatReply {
        sequence += 1
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = version
        heartbeat.sequenceNumber = sequence
        heartbeat.agentTimeUnixMs = Int64(Date().timeIntervalSince1970 * 1000)
        heartbeat.contentVersion = content
        let response = try await post("/eacp/v1/heartbeat", heartbeat)
        guard response.status.code == 200 else { throw TestFailure("heartbeat answered \(response.status.code)") }
        return try HeartbeatReply(wireBytes: response.body)
    }

    func ack(_ actionID: String) async throws -> Int {
        var ack = ActionAck()
        ack.actionId = actionID
        return try await post("/eacp/v1/actions/ack", ack).status.code
    }

    func get(_ path: String, range: String? = nil) async throws -> HTTPResponse {
        var headers: HTTPHeaders = [:]
        if let range { headers.add(name: "Range", value: range) }
        return try await client.send(HTTPRequestHead(method: .get, target: path, headers: headers))
    }

    /// Opens the push channel with this agent's client certificate.
    func openPushChannel() async throws -> TestPushChannel {
        let socket = try await WebSocketClient.connect(
            try endpoint.connector(identity: identity), path: "/eacp/v1/push", group: endpoint.group)
        return TestPushChannel(socket: socket)
    }
}

/// The agent side of a push channel. A background task collects what the server pushes, so a test
/// can wait for the next message without holding the stream's iterator.
final class TestPushChannel: Sendable {
    let socket: WebSocket
    private let inbox = Mutex<[PushMessage.ServerPush.Payload]>([])
    private let undecodable = Mutex<Int>(0)

    init(socket: WebSocket) {
        self.socket = socket
        Task { [self] in
            for await bytes in socket.messages {
                guard let message = try? PushMessage(wireBytes: bytes), case .serverPush(let push)? = message.direction,
                    let payload = push.payload
                else {
                    undecodable.withLock { $0 += 1 }
                    continue
                }
                inbox.withLock { $0.append(payload) }
            }
        }
    }

    /// Waits for the next server push and removes it from the inbox.
    func next() async throws -> PushMessage.ServerPush.Payload {
        var received: PushMessage.ServerPush.Payload?
        try await waitUntil("a server push arrives") {
            received = inbox.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            return received != nil
        }
        return received!
    }

    /// Waits for the next server push, which must be an action.
    func nextAction() async throws -> ActionEnvelope {
        let payload = try await next()
        guard case .action(let envelope) = payload else { throw TestFailure("expected an action, got \(payload)") }
        return envelope
    }

    /// The pushes received and not yet taken, without waiting.
    var pending: [PushMessage.ServerPush.Payload] { inbox.withLock { $0 } }

    func send(_ payload: PushMessage.AgentPush.Payload) {
        var push = PushMessage.AgentPush()
        push.payload = payload
        var message = PushMessage()
        message.direction = .agentPush(push)
        socket.send(message.wireBytes())
    }

    func ack(_ actionID: String) {
        var ack = ActionAck()
        ack.actionId = actionID
        send(.actionAck(ack))
    }

    /// Waits until the server closed the channel and returns the close code.
    func closed() async throws -> UInt16 {
        try await waitUntil("the push channel closes") { socket.closeResult != nil }
        return socket.closeResult!.code.rawValue
    }
}
