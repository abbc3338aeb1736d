import EACPSQLite
import Foundation
import ReferenceAgent
import Testing

/// A fresh folder under the system's temporary directory, removed with everything in it in `deinit`.
final class StorageTestFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("eacp-agent-store-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    var storePath: String { path + "/agent.sqlite" }
}

@Suite struct StorageEventQueueTests {
    let folder: StorageTestFolder
    let store: AgentStore

    init() throws {
        folder = try StorageTestFolder()
        store = try AgentStore(path: folder.storePath, limits: AgentStoreLimits(securityEventQueueCapacity: 3))
    }

    @Test func queueIsFirstInFirstOut() throws {
        #expect(try store.enqueueEvent(eventID: "e1", encoded: [1], recordedUnixMs: 10) == .queued(sequence: 1))
        #expect(try store.enqueueEvent(eventID: "e2", encoded: [2], recordedUnixMs: 20) == .queued(sequence: 2))
        #expect(try store.enqueueEvent(eventID: "e3", encoded: [3], recordedUnixMs: 30) == .queued(sequence: 3))

        let batch = try store.peekEvents(limit: 2)
        #expect(batch == [
            QueuedSecurityEvent(sequence: 1, eventID: "e1", recordedUnixMs: 10, encoded: [1]),
            QueuedSecurityEvent(sequence: 2, eventID: "e2", recordedUnixMs: 20, encoded: [2]),
        ])
        #expect(try store.eventQueueDepth() == 3)
        #expect(try store.oldestQueuedEventUnixMs() == 10)
    }

    @Test func removingAcknowledgedEventsKeepsTheRest() throws {
        for index in 1...3 {
            _ = try store.enqueueEvent(eventID: "e\(index)", encoded: [], recordedUnixMs: Int64(index))
        }
        #expect(try store.removeEvents(eventIDs: ["e1", "e3", "unknown"]) == 2)
        #expect(try store.peekEvents(limit: 10).map(\.eventID) == ["e2"])
        #expect(try store.eventQueueDepth() == 1)
    }

    @Test func sameEventIdIsQueuedOnce() throws {
        _ = try store.enqueueEvent(eventID: "e1", encoded: [1], recordedUnixMs: 1)
        #expect(try store.enqueueEvent(eventID: "e1", encoded: [9], recordedUnixMs: 2) == .alreadyQueued)
        #expect(try store.peekEvents(limit: 10).map(\.encoded) == [[1]])
    }

    @Test func fullQueueDropsNewEventsAndCountsThem() throws {
        for index in 1...5 {
            _ = try store.enqueueEvent(eventID: "e\(index)", encoded: [], recordedUnixMs: Int64(index))
        }
        #expect(try store.peekEvents(limit: 10).map(\.eventID) == ["e1", "e2", "e3"])
        #expect(try store.droppedEventCount() == 2)
        #expect(try store.enqueueEvent(eventID: "e6", encoded: [], recordedUnixMs: 6) == .dropped)
    }

    @Test func emptyQueueHasNoOldestEvent() throws {
        #expect(try store.oldestQueuedEventUnixMs() == nil)
        #expect(try store.eventQueueDepth() == 0)
    }

    @Test func queueSurvivesReopen() throws {
        let path = folder.path + "/reopen.sqlite"
        do {
            let first = try AgentStore(path: path)
            _ = try first.enqueueEvent(eventID: "e1", encoded: [7], recordedUnixMs: 1)
            _ = try first.enqueueEvent(eventID: "e2", encoded: [8], recordedUnixMs: 2)
            try first.removeEvents(eventIDs: ["e1"])
        }
        let reopened = try AgentStore(path: path)
        #expect(try reopened.peekEvents(limit: 10).map(\.eventID) == ["e2"])
        #expect(try reopened.enqueueEvent(eventID: "e3", encoded: [], recordedUnixMs: 3) == .queued(sequence: 3))
    }

    @Test func fullDiskIsFullAndKeepsQueuedEvents() throws {
        let database = try Database(path: folder.path + "/small.sqlite")
        let small = try AgentStore(database: database)
        let pages = try database.queryFirst("PRAGMA page_count") { row in try row.column(0, as: Int.self) } ?? 0
        try database.execute(script: "PRAGMA max_page_count = \(pages + 4)")

        var queued: [String] = []
        var failure: SQLiteError?
        for index in 0..<1_000 where failure == nil {
            do {
                _ = try small.enqueueEvent(
                    eventID: "e\(index)", encoded: [UInt8](repeating: 1, count: 2_000), recordedUnixMs: 1)
                queued.append("e\(index)")
            } catch let error as SQLiteError {
                failure = error
            }
        }
        #expect(failure?.code == .full)
        #expect(queued.isEmpty == false)
        #expect(try small.peekEvents(limit: 10_000).map(\.eventID) == queued)
    }
}

@Suite struct StorageStatusAndLogTests {
    let folder: StorageTestFolder
    let store: AgentStore

    init() throws {
        folder = try StorageTestFolder()
        store = try AgentStore(path: folder.storePath, limits: AgentStoreLimits(logBufferCapacity: 3))
    }

    @Test func latestStatusReportWins() throws {
        try store.storeStatusReport(encoded: [1], recordedUnixMs: 10)
        let second = try store.storeStatusReport(encoded: [2], recordedUnixMs: 20)
        #expect(try store.pendingStatusReport() == PendingStatusReport(generation: second, recordedUnixMs: 20, encoded: [2]))
    }

    @Test func sentStatusReportIsRemovedOnlyIfNotReplaced() throws {
        let sent = try store.storeStatusReport(encoded: [1], recordedUnixMs: 10)
        let newer = try store.storeStatusReport(encoded: [2], recordedUnixMs: 20)
        #expect(try store.removeStatusReport(generation: sent) == false)
        #expect(try store.pendingStatusReport()?.encoded == [2])
        #expect(try store.removeStatusReport(generation: newer) == true)
        #expect(try store.pendingStatusReport() == nil)
    }

    @Test func logSequenceNumbersGrowAcrossReopen() throws {
        #expect(try store.appendLogRecord(timeUnixMs: 1, level: 2, component: "push", message: "a") == 1)
        #expect(try store.appendLogRecord(timeUnixMs: 2, level: 2, component: "push", message: "b") == 2)
        let reopened = try AgentStore(path: folder.storePath)
        #expect(try reopened.appendLogRecord(timeUnixMs: 3, level: 2, component: "push", message: "c") == 3)
    }

    @Test func fullLogBufferDropsOldestAndCounts() throws {
        for index in 1...5 {
            try store.appendLogRecord(timeUnixMs: Int64(index), level: 3, component: "core", message: "m\(index)")
        }
        let batch = try store.peekLogRecords(limit: 10)
        #expect(batch.records.map(\.sequenceNumber) == [3, 4, 5])
        #expect(batch.records.first == BufferedLogRecord(sequenceNumber: 3, timeUnixMs: 3, level: 3, component: "core", message: "m3"))
        #expect(batch.droppedCount == 2)
        #expect(try store.logBufferDepth() == 3)
    }

    @Test func acknowledgedLogsAndDropCountAreRemoved() throws {
        for index in 1...5 {
            try store.appendLogRecord(timeUnixMs: Int64(index), level: 3, component: "core", message: "m\(index)")
        }
        let sent = try store.peekLogRecords(limit: 2)
        try store.appendLogRecord(timeUnixMs: 6, level: 3, component: "core", message: "m6")

        try store.removeLogRecords(throughSequenceNumber: 4, reportedDroppedCount: sent.droppedCount)
        let rest = try store.peekLogRecords(limit: 10)
        #expect(rest.records.map(\.sequenceNumber) == [5, 6])
        #expect(rest.droppedCount == 1)
    }

    @Test func heartbeatSequenceGrowsAcrossReopen() throws {
        #expect(try store.nextHeartbeatSequenceNumber() == 1)
        #expect(try store.nextHeartbeatSequenceNumber() == 2)
        #expect(try AgentStore(path: folder.storePath).nextHeartbeatSequenceNumber() == 3)
    }
}
