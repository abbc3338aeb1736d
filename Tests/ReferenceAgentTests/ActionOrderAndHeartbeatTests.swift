import EACPProtocol
import Testing
@testable import ReferenceAgent

/// The order in which actions start.
struct ActionStartQueueTests {
    private func envelope(_ sequenceNumber: UInt64, notBefore: Int64 = 0) -> ActionEnvelope {
        var envelope = ActionEnvelope()
        envelope.actionId = "action-\(sequenceNumber)"
        envelope.sequenceNumber = sequenceNumber
        envelope.notBeforeUnixMs = notBefore
        return envelope
    }

    private func drain(_ queue: inout ActionStartQueue, nowUnixMs: Int64) -> [UInt64] {
        var started: [UInt64] = []
        while let next = queue.takeNextDue(nowUnixMs: nowUnixMs) { started.append(next.sequenceNumber) }
        return started
    }

    @Test func batchStartsInSequenceOrder() {
        var queue = ActionStartQueue()
        for number: UInt64 in [11, 10, 9] { queue.add(envelope(number)) }

        #expect(drain(&queue, nowUnixMs: 1_000) == [9, 10, 11])
        #expect(queue.isEmpty)
    }

    @Test func laterDeliveryGoesBeforeWaitingHigherNumbers() {
        var queue = ActionStartQueue()
        queue.add(envelope(12))
        queue.add(envelope(14))
        let first = queue.takeNextDue(nowUnixMs: 1_000)
        queue.add(envelope(13))

        #expect(first?.sequenceNumber == 12)
        #expect(drain(&queue, nowUnixMs: 1_000) == [13, 14])
    }

    @Test func futureNotBeforeDoesNotHoldBackDueActions() {
        var queue = ActionStartQueue()
        queue.add(envelope(1, notBefore: 5_000))
        queue.add(envelope(2))
        queue.add(envelope(3, notBefore: 2_000))

        #expect(drain(&queue, nowUnixMs: 1_000) == [2])
        #expect(drain(&queue, nowUnixMs: 5_000) == [1, 3])
    }

    @Test func duplicateActionIdIsAddedOnce() {
        var queue = ActionStartQueue()

        let first = queue.add(envelope(4))
        let second = queue.add(envelope(4))

        #expect(first)
        #expect(!second)
        #expect(queue.count == 1)
    }
}

/// When the next heartbeat is due after an exchange the heartbeat loop did not start.
@Suite(.serialized)
struct HeartbeatScheduleTests {
    @Test func exchangeOutsideLoopSetsNextDueTime() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        // This is the call a PERFORM_HEARTBEAT action makes.
        let before = AgentClock.nowUnixMs()
        let outcome = await harness.agent.heartbeatNow()
        let after = AgentClock.nowUnixMs()

        // The harness server sets a 1000 ms interval with no jitter.
        let interval = harness.agent.localState.current.settings.heartbeatIntervalMs
        let due = harness.agent.runtime.withLock { $0.nextHeartbeatUnixMs } ?? 0
        await harness.stop()

        #expect((try? outcome.get()) != nil)
        #expect(interval == 1_000)
        #expect(due >= before + interval)
        #expect(due <= after + interval)
    }
}
