import EACPProtocol
import EACPTransport
import Foundation
import Testing
@testable import ReferenceAgent
@testable import ReferenceServer

/// A live terminal opened by an administrator through the server and relayed to the agent's shell.
@Suite(.serialized)
struct AgentTerminalTests {
    @Test func terminalEchoesWithControllingTerminal() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        let agentID = try #require(harness.agentID)
        let tokens = try ServerTokens.read(from: DataFolder(path: harness.folder + "/server").tokensPath)

        let administrator = try await WebSocketClient.connect(
            try harness.agent.link.connector(), path: "/admin/v1/agents/\(agentID)/terminal?rows=24&columns=80",
            group: harness.agent.link.group)
        // Only a guard against a hung test: closing the socket ends the reads below.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(20))
            administrator.close(code: .normalClosure, reason: "the test timed out")
        }
        defer {
            watchdog.cancel()
            administrator.close(code: .normalClosure, reason: "test done")
        }
        administrator.send(Array(tokens.adminToken.utf8))
        var frames = administrator.messages.makeAsyncIterator()

        let sessionID = try await Self.nextOpen(&frames)
        // The seventh field of /proc/PID/stat is the controlling terminal's device number: 0 means none.
        let command = "read -r _ _ _ _ _ _ tty _ < /proc/$$/stat; echo \"sum-$((6*7)) ctty-$((tty != 0))\"\n"
        var input = TerminalData()
        input.sessionId = sessionID
        input.sequenceNumber = 1
        input.chunk = Array(command.utf8)
        administrator.send(Self.serverPush(.terminalData(input)))

        let output = try await Self.output(&frames, until: "sum-42 ctty-1")
        #expect(output.contains("sum-42 ctty-1"))
        await harness.stop()
    }

    private static func serverPush(_ payload: PushMessage.ServerPush.Payload) -> [UInt8] {
        var push = PushMessage.ServerPush()
        push.payload = payload
        var message = PushMessage()
        message.direction = .serverPush(push)
        return message.wireBytes()
    }

    private static func agentPayload(_ bytes: [UInt8]) throws -> PushMessage.AgentPush.Payload? {
        guard case .agentPush(let push)? = try PushMessage(wireBytes: bytes).direction else { return nil }
        return push.payload
    }

    /// Reads frames until the agent's `TerminalOpen` and returns its session id.
    private static func nextOpen(_ frames: inout AsyncStream<[UInt8]>.Iterator) async throws -> String {
        while let bytes = await frames.next() {
            if case .terminalOpen(let open)? = try agentPayload(bytes) { return open.sessionId }
        }
        throw TestFailure("the administrator socket closed before the agent opened the terminal")
    }

    /// Collects terminal output until it contains `marker`. The shell's echo of the command line
    /// does not contain the marker, because the command spells the numbers as arithmetic.
    private static func output(_ frames: inout AsyncStream<[UInt8]>.Iterator, until marker: String) async throws -> String {
        var text = ""
        while let bytes = await frames.next() {
            if case .terminalData(let data)? = try agentPayload(bytes) {
                text += String(decoding: data.chunk, as: UTF8.self)
                if text.contains(marker) { return text }
            }
            if case .terminalClose(let close)? = try agentPayload(bytes) {
                throw TestFailure("the terminal closed (\(close.reason)) before \"\(marker)\" appeared; output: \(text)")
            }
        }
        throw TestFailure("the administrator socket closed before \"\(marker)\" appeared; output: \(text)")
    }
}
