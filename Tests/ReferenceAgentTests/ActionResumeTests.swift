import EACPProtocol
import Testing

@testable import ReferenceAgent

/// What the agent needs to start actions again after a restart, and to wake up for the next
/// not-before time.
struct ActionResumeTests {
    private func envelope(_ sequenceNumber: UInt64, notBefore: Int64) -> ActionEnvelope {
        var envelope = ActionEnvelope()
        envelope.actionId = "action-\(sequenceNumber)"
        envelope.sequenceNumber = sequenceNumber
        envelope.notBeforeUnixMs = notBefore
        return envelope
    }

    @Test func earliestNotBeforeFollowsQueue() {
        var queue = ActionStartQueue()
        #expect(queue.earliestNotBeforeUnixMs == nil)

        queue.add(envelope(1, notBefore: 5_000))
        queue.add(envelope(2, notBefore: 3_000))
        queue.add(envelope(3, notBefore: 0))
        #expect(queue.earliestNotBeforeUnixMs == 0)

        #expect(queue.takeNextDue(nowUnixMs: 1_000)?.sequenceNumber == 3)
        #expect(queue.earliestNotBeforeUnixMs == 3_000)
        #expect(queue.takeNextDue(nowUnixMs: 1_000) == nil)
    }

    @Test func unstartedActionsListsReceivedOnly() throws {
        let folder = try StorageTestFolder()
        let store = try AgentStore(path: folder.storePath)
        _ = try store.recordActionReceived(actionID: "waiting-b", kind: 1, envelope: [2], receivedUnixMs: 20)
        _ = try store.recordActionReceived(actionID: "waiting-a", kind: 1, envelope: [1], receivedUnixMs: 10)
        _ = try store.recordActionReceived(actionID: "running", kind: 1, envelope: [3], receivedUnixMs: 5)
        _ = try store.recordActionStarted(actionID: "running", startedUnixMs: 6)

        let unstarted = try store.unstartedActions()
        #expect(unstarted.map(\.actionID) == ["waiting-a", "waiting-b"])
        #expect(unstarted.map(\.envelope) == [[1], [2]])
    }
}
