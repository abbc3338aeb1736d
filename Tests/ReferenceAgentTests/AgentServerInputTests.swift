import EACPProtocol
import Foundation
import Testing
@testable import ReferenceAgent
@testable import ReferenceServer

/// Bad push messages from the server get the close codes spec/errors.md gives them: 1007 for bytes
/// that do not decode, 1008 for a message in the wrong direction, 1009 for one above 1048576 bytes.
/// An action of a kind the agent does not know is rejected, and the channel stays open.
@Suite(.serialized)
struct AgentServerInputTests {
    @Test func malformedPushMessageClosesWith1007() async throws {
        let reason = try await closeReason(afterSending: [0x0A, 0x05, 0x01])
        #expect(reason.hasPrefix("closed with 1007"))
    }

    @Test func wrongDirectionClosesWith1008() async throws {
        var message = PushMessage()
        message.direction = .agentPush(PushMessage.AgentPush())
        let reason = try await closeReason(afterSending: message.wireBytes())
        #expect(reason.hasPrefix("closed with 1008"))
    }

    @Test func oversizedPushMessageClosesWith1009() async throws {
        let reason = try await closeReason(afterSending: [UInt8](repeating: 0, count: 1_048_577))
        #expect(reason.hasPrefix("closed with 1009"))
    }

    @Test func unknownKindOverPushIsRejected() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        var envelope = ActionEnvelope()
        envelope.actionId = "act-kind-99"
        envelope.kind = .unrecognized(99)
        envelope.sequenceNumber = 1
        envelope.expiresUnixMs = AgentClock.nowUnixMs() + 60_000
        let agentID = try #require(harness.agentID)
        #expect(harness.server.context.pushChannels.send(.action(envelope), to: agentID))
        try await waitUntil("the journal holds a result") {
            try harness.agent.store.journalEntry(actionID: "act-kind-99")?.result != nil
        }

        let entry = try #require(try harness.agent.store.journalEntry(actionID: "act-kind-99"))
        let result = try ActionResult(wireBytes: try #require(entry.result))
        #expect(result.state == .rejected)
        #expect(result.errorCode == .unsupportedKind)
        // The channel's state is not checked: the action was never created on the server, which
        // therefore rejects the agent's ack with an error and closes the channel with 1008.
        await harness.stop()
    }

    /// Sends `bytes` as one push message from the server and returns the reason the agent records
    /// when its channel closes.
    private func closeReason(afterSending bytes: [UInt8]) async throws -> String {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        let agentID = try #require(harness.agentID)
        let connection = try #require(harness.server.context.pushChannels.connection(agentID: agentID))

        #expect(connection.send(bytes))
        try await waitUntil("the agent closed its push channel") {
            harness.agent.runtime.withLock { $0.push.state != "connected" }
        }
        let reason = harness.agent.runtime.withLock { $0.push.lastError }
        await harness.stop()
        return reason
    }
}
