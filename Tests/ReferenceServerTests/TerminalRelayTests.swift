import EACPProtocol
import EACPTransport
import Foundation
import Synchronization
import Testing
@testable import ReferenceServer

/// The administrator's end of a live terminal: a WebSocket that sends `server_push` terminal frames
/// and receives the agent's `agent_push` frames.
final class TestTerminalClient: Sendable {
    let socket: WebSocket
    private let inbox = Mutex<[PushMessage.AgentPush.Payload]>([])

    init(endpoint: ServerEndpoint, agentID: String, query: String, token: String) async throws {
        socket = try await WebSocketClient.connect(
            try endpoint.connector(), path: "/admin/v1/agents/\(agentID)/terminal?\(query)", group: endpoint.group)
        socket.send(Array(token.utf8))
        Task { [self] in
            for await bytes in socket.messages {
                if let message = try? PushMessage(wireBytes: bytes), case .agentPush(let push)? = message.direction,
                    let payload = push.payload
                {
                    inbox.withLock { $0.append(payload) }
                }
            }
        }
    }

    func next() async throws -> PushMessage.AgentPush.Payload {
        var received: PushMessage.AgentPush.Payload?
        try await waitUntil("the administrator receives a terminal frame") {
            received = inbox.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            return received != nil
        }
        return received!
    }

    func send(_ payload: PushMessage.ServerPush.Payload) {
        var push = PushMessage.ServerPush()
        push.payload = payload
        var message = PushMessage()
        message.direction = .serverPush(push)
        socket.send(message.wireBytes())
    }

    func closed() async throws -> WebSocketCloseResult {
        try await waitUntil("the terminal socket closes") { socket.closeResult != nil }
        return socket.closeResult!
    }
}

@Suite(.serialized)
struct TerminalRelayTests {
    private func data(_ sessionID: String, _ sequence: UInt64, _ text: String) -> TerminalData {
        var data = TerminalData()
        data.sessionId = sessionID
        data.sequenceNumber = sequence
        data.chunk = Array(text.utf8)
        return data
    }

    /// Plays the agent up to an open session: takes the pushed action, acks it and sends TerminalOpen.
    private func openSession(_ channel: TestPushChannel) async throws -> (action: ActionEnvelope, parameters: StartLiveTerminalParameters) {
        let action = try await channel.nextAction()
        guard case .startLiveTerminal(let parameters)? = action.parameters else {
            throw TestFailure("expected START_LIVE_TERMINAL, got \(action)")
        }
        channel.ack(action.actionId)
        var open = TerminalOpen()
        open.sessionId = parameters.sessionId
        open.actionId = action.actionId
        open.rows = parameters.rows
        open.columns = parameters.columns
        channel.send(.terminalOpen(open))
        return (action, parameters)
    }

    @Test func relayCarriesFramesBothWaysAndAudits() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)

        let terminal = try await TestTerminalClient(
            endpoint: harness.endpoint, agentID: agent.agentID, query: "rows=30&columns=100&opened_by=alice",
            token: harness.tokens.adminToken)
        let (action, parameters) = try await openSession(channel)
        #expect(parameters.rows == 30)
        #expect(parameters.columns == 100)
        #expect(parameters.idleTimeoutMs == 900_000)
        guard case .terminalOpen(let opened) = try await terminal.next() else { throw TestFailure("expected TerminalOpen") }
        #expect(opened.actionId == action.actionId)

        // The fake agent echoes what it receives.
        terminal.send(.terminalData(data("", 1, "uname\n")))
        guard case .terminalData(let input) = try await channel.next() else { throw TestFailure("expected TerminalData") }
        #expect(input == data(parameters.sessionId, 1, "uname\n"))
        channel.send(.terminalData(data(parameters.sessionId, 1, "uname\n")))
        #expect(try await terminal.next() == .terminalData(data(parameters.sessionId, 1, "uname\n")))

        var resize = TerminalResize()
        resize.rows = 40
        resize.columns = 120
        terminal.send(.terminalResize(resize))
        resize.sessionId = parameters.sessionId
        #expect(try await channel.next() == .terminalResize(resize))

        var close = TerminalClose()
        close.reason = .closedByServer
        terminal.send(.terminalClose(close))
        guard case .terminalClose(let received) = try await channel.next() else { throw TestFailure("expected TerminalClose") }
        #expect(received.sessionId == parameters.sessionId)
        #expect(try await terminal.closed().code == .normalClosure)

        let audit = try harness.server.context.store.terminalSessions(agentID: agent.agentID)
        #expect(audit.count == 1)
        #expect(audit.first?.sessionID == parameters.sessionId)
        #expect(audit.first?.actionID == action.actionId)
        #expect(audit.first?.openedBy.hasPrefix("alice from 127.0.0.1") == true)
        #expect(audit.first?.closedUnixMs != nil)
        #expect(audit.first?.closeReason == "closed by the administrator")
        await harness.stop()
    }

    @Test func idleSessionIsClosedOnBothSides() async throws {
        let harness = try await ServerTestHarness { $0.terminalIdleTimeoutSeconds = 1 }
        let agent = try await harness.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)
        let terminal = try await TestTerminalClient(
            endpoint: harness.endpoint, agentID: agent.agentID, query: "", token: harness.tokens.adminToken)
        let (_, parameters) = try await openSession(channel)
        _ = try await terminal.next()

        guard case .terminalClose(let toAgent) = try await channel.next() else { throw TestFailure("expected TerminalClose") }
        guard case .terminalClose(let toAdministrator) = try await terminal.next() else {
            throw TestFailure("expected TerminalClose")
        }

        #expect(toAgent.sessionId == parameters.sessionId)
        #expect(toAgent.reason == .idleTimeout)
        #expect(toAdministrator.reason == .idleTimeout)
        #expect(try await terminal.closed().code == .normalClosure)
        let audit = try harness.server.context.store.terminalSessions(agentID: agent.agentID)
        #expect(audit.first?.closeReason == "idle timeout")
        #expect(audit.first?.openedBy.hasPrefix("administrator from ") == true)
        await harness.stop()
    }

    @Test func wrongTokenClosesTerminalSocket() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.4")
        _ = try await agent.heartbeat()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)

        let terminal = try await TestTerminalClient(
            endpoint: harness.endpoint, agentID: agent.agentID, query: "", token: "wrong-token")

        #expect(try await terminal.closed().code == .policyViolation)
        #expect(try harness.server.context.store.terminalSessions(agentID: agent.agentID).isEmpty)
        #expect(channel.pending.isEmpty)
        await harness.stop()
    }

    @Test func agentWithoutPushChannelRefused() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent(version: "1.4")

        let terminal = try await TestTerminalClient(
            endpoint: harness.endpoint, agentID: agent.agentID, query: "", token: harness.tokens.adminToken)

        let result = try await terminal.closed()
        #expect(result.code.rawValue == 1013)
        #expect(result.reason == "agent \(agent.agentID) has no open push channel")
        await harness.stop()
    }
}
