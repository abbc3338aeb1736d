import EACPSQLite
import Foundation
import ReferenceAgent
import Testing

@Suite struct StorageJournalTests {
    let folder: StorageTestFolder
    let store: AgentStore

    init() throws {
        folder = try StorageTestFolder()
        store = try AgentStore(path: folder.storePath)
    }

    @Test func firstReceiptIsNewAndSecondIsKnown() throws {
        let first = try store.recordActionReceived(actionID: "x1", kind: 3, envelope: [1, 2], receivedUnixMs: 10)
        guard case .new(let entry) = first else {
            Issue.record("expected a new entry, got \(first)")
            return
        }
        #expect(entry.state == .received)
        #expect(entry.envelope == [1, 2])

        let second = try store.recordActionReceived(actionID: "x1", kind: 3, envelope: [1, 2], receivedUnixMs: 20)
        #expect(second == .known(entry))
    }

    @Test func actionStartsOnce() throws {
        _ = try store.recordActionReceived(actionID: "x1", kind: 3, envelope: [], receivedUnixMs: 10)
        #expect(try store.recordActionStarted(actionID: "x1", startedUnixMs: 11) == true)
        #expect(try store.recordActionStarted(actionID: "x1", startedUnixMs: 12) == false)
        #expect(try store.journalEntry(actionID: "x1")?.startedUnixMs == 11)
        #expect(try store.recordActionStarted(actionID: "unknown", startedUnixMs: 1) == false)
    }

    @Test func firstResultIsKept() throws {
        _ = try store.recordActionReceived(actionID: "x1", kind: 3, envelope: [], receivedUnixMs: 10)
        _ = try store.recordActionStarted(actionID: "x1", startedUnixMs: 11)
        #expect(try store.recordActionResult(actionID: "x1", terminalState: 1, result: [7], finishedUnixMs: 12) == true)
        #expect(try store.recordActionResult(actionID: "x1", terminalState: 2, result: [8], finishedUnixMs: 13) == false)

        let entry = try #require(try store.journalEntry(actionID: "x1"))
        #expect(entry.state == .finished)
        #expect(entry.terminalState == 1)
        #expect(entry.result == [7])
        #expect(entry.finishedUnixMs == 12)
    }

    @Test func redeliveredFinishedActionReturnsStoredResult() throws {
        _ = try store.recordActionReceived(actionID: "x1", kind: 12, envelope: [], receivedUnixMs: 10)
        _ = try store.recordActionResult(actionID: "x1", terminalState: 1, result: [5, 5], finishedUnixMs: 11)

        let again = try store.recordActionReceived(actionID: "x1", kind: 12, envelope: [], receivedUnixMs: 30)
        guard case .known(let entry) = again else {
            Issue.record("expected the journaled entry, got \(again)")
            return
        }
        #expect(entry.result == [5, 5])
    }

    @Test func startedActionsAreInterruptedOnReopen() throws {
        _ = try store.recordActionReceived(actionID: "running", kind: 3, envelope: [], receivedUnixMs: 10)
        _ = try store.recordActionStarted(actionID: "running", startedUnixMs: 11)
        _ = try store.recordActionReceived(actionID: "waiting", kind: 3, envelope: [], receivedUnixMs: 12)

        let reopened = try AgentStore(path: folder.storePath)
        #expect(reopened.interruptedActions.map(\.actionID) == ["running"])
        #expect(reopened.interruptedActions.first?.state == .interrupted)
        #expect(try reopened.journalEntry(actionID: "running")?.state == .interrupted)
        #expect(try reopened.journalEntry(actionID: "waiting")?.state == .received)
        #expect(try reopened.recordActionStarted(actionID: "running", startedUnixMs: 20) == false)
        #expect(try reopened.recordActionResult(actionID: "running", terminalState: 2, result: [], finishedUnixMs: 21) == true)
    }

    @Test func unacknowledgedResultsAreListedUntilAcknowledged() throws {
        for (index, actionID) in ["x1", "x2"].enumerated() {
            _ = try store.recordActionReceived(actionID: actionID, kind: 3, envelope: [], receivedUnixMs: 10)
            _ = try store.recordActionResult(actionID: actionID, terminalState: 1, result: [], finishedUnixMs: Int64(20 + index))
        }
        #expect(try store.unacknowledgedResults().map(\.actionID) == ["x1", "x2"])
        #expect(try store.markResultAcknowledged(actionID: "x1") == true)
        #expect(try store.markResultAcknowledged(actionID: "x1") == false)
        #expect(try store.unacknowledgedResults().map(\.actionID) == ["x2"])
    }

    @Test func pruningKeepsUnacknowledgedAndRecentEntries() throws {
        for (actionID, received) in [("old", Int64(10)), ("recent", 500), ("pending", 10)] {
            _ = try store.recordActionReceived(actionID: actionID, kind: 3, envelope: [], receivedUnixMs: received)
            _ = try store.recordActionResult(actionID: actionID, terminalState: 1, result: [], finishedUnixMs: received)
        }
        try store.markResultAcknowledged(actionID: "old")
        try store.markResultAcknowledged(actionID: "recent")

        #expect(try store.pruneJournal(receivedBeforeUnixMs: 100) == 1)
        #expect(try store.journalEntry(actionID: "old") == nil)
        #expect(try store.journalEntry(actionID: "recent") != nil)
        #expect(try store.journalEntry(actionID: "pending") != nil)
    }
}

@Suite struct StorageAgentStateTests {
    let folder: StorageTestFolder
    let store: AgentStore

    init() throws {
        folder = try StorageTestFolder()
        store = try AgentStore(path: folder.storePath)
    }

    @Test func identitySurvivesReopen() throws {
        #expect(try store.identity() == nil)
        let identity = AgentIdentityRecord(
            agentID: "agent-1", serverURL: "https://127.0.0.1:8443", certificateFingerprint: "ab12", enrolledUnixMs: 5)
        try store.storeIdentity(identity)
        #expect(try AgentStore(path: folder.storePath).identity() == identity)
    }

    @Test func installedContentIsReplaced() throws {
        try store.storeInstalledContent(InstalledContentRecord(revision: 1, sha256: [1], installedUnixMs: 1))
        try store.storeInstalledContent(InstalledContentRecord(revision: 2, sha256: [2], installedUnixMs: 2))
        #expect(try store.installedContent() == InstalledContentRecord(revision: 2, sha256: [2], installedUnixMs: 2))
    }

    @Test func downloadProgressAdvancesWithinTotalSize() throws {
        let download = DownloadProgress(kind: .upgrade, version: "2.0.0", sha256: [9], totalSize: 100, filePath: "up.part")
        try store.storeDownload(download)
        #expect(try store.advanceDownload(kind: .upgrade, receivedOffset: 40) == true)
        #expect(try store.advanceDownload(kind: .upgrade, receivedOffset: 101) == false)
        #expect(try store.advanceDownload(kind: .content, receivedOffset: 1) == false)
        #expect(try store.download(kind: .upgrade)?.receivedOffset == 40)
        #expect(try store.download(kind: .content) == nil)

        #expect(try store.removeDownload(kind: .upgrade) == true)
        #expect(try store.download(kind: .upgrade) == nil)
    }

    @Test func upgradeStateIsStoredAndCleared() throws {
        let state = UpgradeStateRecord(fromVersion: "1.0", toVersion: "2.0", phase: .verifying, startedUnixMs: 3)
        try store.storeUpgradeState(state)
        #expect(try AgentStore(path: folder.storePath).upgradeState() == state)

        try store.storeUpgradeState(nil)
        #expect(try store.upgradeState() == nil)
        try store.storeLastUpgrade(encoded: [4, 2])
        #expect(try store.lastUpgrade() == [4, 2])
    }
}

@Suite struct StorageAgentCrashTests {
    @Test func killedWriterKeepsEveryAcknowledgedEvent() throws {
        let folder = try StorageTestFolder()
        let run = try runCrashChild(mode: "agent-queue", databasePath: folder.storePath, killAfter: 200)

        #expect(run.terminationReason == .uncaughtSignal)
        #expect(run.terminationStatus == SIGKILL)
        // The last read may bring a few more numbers than asked for, all acknowledged before the kill.
        #expect(run.acknowledged.count >= 200)
        #expect(run.acknowledged == Array(1...run.acknowledged.count))

        let store = try AgentStore(path: folder.storePath)
        let queued = try store.peekEvents(limit: 100_000).map(\.eventID)
        #expect(queued.count >= run.acknowledged.count)
        #expect(Array(queued.prefix(run.acknowledged.count)) == run.acknowledged.map { "event-\($0)" })
        try Database(path: folder.storePath).checkIntegrity()
    }
}
