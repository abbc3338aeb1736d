import ReferenceServer
import Testing

@Suite struct StorageTelemetryTests {
    let folder: StorageTestFolder

    init() throws {
        folder = try StorageTestFolder()
    }

    private func event(_ agentID: String, _ eventID: String, received: Int64 = 100) -> SecurityEventRecord {
        SecurityEventRecord(
            agentID: agentID, eventID: eventID, observedUnixMs: 50, receivedUnixMs: received,
            eventType: "malware.detected", severity: 4, encoded: Array(eventID.utf8))
    }

    @Test func storeEventsSeparatesNewFromDuplicates() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        let first = try store.storeEvents([event("a", "e1"), event("a", "e2")])
        #expect(first == StoredEventsOutcome(newEventIDs: ["e1", "e2"]))

        let second = try store.storeEvents([event("a", "e2"), event("a", "e3"), event("a", "e1")])
        #expect(second == StoredEventsOutcome(newEventIDs: ["e3"], duplicateEventIDs: ["e2", "e1"]))
        let stored = try store.securityEvents(agentID: "a", afterSequence: 0, limit: 10)
        #expect(stored.map(\.event.eventID) == ["e1", "e2", "e3"])
    }

    @Test func repeatedIdWithinOneCallIsADuplicate() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        let outcome = try store.storeEvents([event("a", "e1"), event("a", "e1", received: 999)])
        #expect(outcome == StoredEventsOutcome(newEventIDs: ["e1"], duplicateEventIDs: ["e1"]))
        #expect(try store.securityEvents(agentID: "a", afterSequence: 0, limit: 10).map(\.event.receivedUnixMs) == [100])
    }

    @Test func sameEventIdFromTwoAgentsIsTwoEvents() throws {
        let store = try makeServerStore(in: folder, agents: ["a", "b"])
        let outcome = try store.storeEvents([event("a", "e1"), event("b", "e1")])
        #expect(outcome.newEventIDs == ["e1", "e1"])
        #expect(outcome.duplicateEventIDs == [])
    }

    @Test func eventOfUnknownAgentIsNotFoundAndStoresNothing() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        let error = try #require(throws: ServerStoreError.self) {
            try store.storeEvents([event("a", "e1"), event("ghost", "e2")])
        }
        #expect(error.code == .notFound)
        #expect(try store.securityEvents(agentID: "a", afterSequence: 0, limit: 10) == [])
    }

    @Test func eventsPageInArrivalOrder() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        _ = try store.storeEvents((1...5).map { event("a", "e\($0)") })

        let firstPage = try store.securityEvents(agentID: "a", afterSequence: 0, limit: 2)
        let secondPage = try store.securityEvents(agentID: "a", afterSequence: firstPage[1].sequence, limit: 10)
        #expect(firstPage.map(\.event.eventID) == ["e1", "e2"])
        #expect(secondPage.map(\.event.eventID) == ["e3", "e4", "e5"])
        #expect(secondPage[0].event == event("a", "e3"))
    }

    @Test func storedEventsSurviveReopen() throws {
        do {
            let store = try makeServerStore(in: folder, agents: ["a"])
            _ = try store.storeEvents([event("a", "e1")])
        }
        let reopened = try SQLiteServerStore(path: folder.file("server.sqlite"))
        #expect(try reopened.storeEvents([event("a", "e1")]) == StoredEventsOutcome(duplicateEventIDs: ["e1"]))
    }

    @Test func latestStatusReportWins() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        try store.storeStatusReport(StatusReportRecord(agentID: "a", receivedUnixMs: 1, encoded: [1]))
        try store.storeStatusReport(StatusReportRecord(agentID: "a", receivedUnixMs: 2, encoded: [2]))
        #expect(try store.latestStatusReport(agentID: "a") == StatusReportRecord(agentID: "a", receivedUnixMs: 2, encoded: [2]))
        #expect(try store.latestStatusReport(agentID: "other") == nil)
    }

    @Test func statusHistoryIsBounded() throws {
        let limits = ServerStoreLimits(statusReportHistoryPerAgent: 3)
        let store = try makeServerStore(in: folder, agents: ["a", "b"], limits: limits)
        for time in Int64(1)...5 {
            try store.storeStatusReport(StatusReportRecord(agentID: "a", receivedUnixMs: time, encoded: [UInt8(time)]))
        }
        try store.storeStatusReport(StatusReportRecord(agentID: "b", receivedUnixMs: 9, encoded: [9]))

        #expect(try store.statusReportHistory(agentID: "a").map(\.receivedUnixMs) == [5, 4, 3])
        #expect(try store.statusReportHistory(agentID: "b").map(\.receivedUnixMs) == [9])
    }

    private func logEntries(_ numbers: ClosedRange<Int64>) -> [AgentLogEntry] {
        numbers.map { AgentLogEntry(sequenceNumber: $0, timeUnixMs: $0 * 10, level: 3, component: "push", message: "m\($0)") }
    }

    @Test func agentLogsSkipResentRecords() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        #expect(try store.storeAgentLogs(agentID: "a", entries: logEntries(1...3), droppedByAgent: 2, receivedUnixMs: 1) == 3)
        #expect(try store.storeAgentLogs(agentID: "a", entries: logEntries(2...5), droppedByAgent: 1, receivedUnixMs: 2) == 5)
        #expect(try store.storeAgentLogs(agentID: "a", entries: logEntries(1...5), droppedByAgent: 7, receivedUnixMs: 3) == 5)

        let page = try store.agentLogs(agentID: "a", limit: 100)
        #expect(page.entries == logEntries(1...5))
        #expect(page.storedSequenceNumber == 5)
        #expect(page.droppedByAgent == 3)
        #expect(page.droppedByServer == 0)
    }

    @Test func agentLogsAreBoundedPerAgent() throws {
        let store = try makeServerStore(in: folder, agents: ["a"], limits: ServerStoreLimits(agentLogRecordsPerAgent: 4))
        _ = try store.storeAgentLogs(agentID: "a", entries: logEntries(1...3), droppedByAgent: 0, receivedUnixMs: 1)
        _ = try store.storeAgentLogs(agentID: "a", entries: logEntries(4...7), droppedByAgent: 0, receivedUnixMs: 2)

        let page = try store.agentLogs(agentID: "a", limit: 100)
        #expect(page.entries.map(\.sequenceNumber) == [4, 5, 6, 7])
        #expect(page.droppedByServer == 3)
        #expect(page.storedSequenceNumber == 7)
        #expect(try store.agentLogs(agentID: "a", limit: 2).entries.map(\.sequenceNumber) == [6, 7])
    }

    @Test func agentLogsOfUnknownAgentAreNotFound() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        let error = try #require(throws: ServerStoreError.self) { try store.agentLogs(agentID: "ghost", limit: 1) }
        #expect(error.code == .notFound)
    }
}
