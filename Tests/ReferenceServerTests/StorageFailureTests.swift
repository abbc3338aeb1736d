import EACPSQLite
import Foundation
import ReferenceServer
import Testing

@Suite struct StorageFailureTests {
    let folder: StorageTestFolder

    init() throws {
        folder = try StorageTestFolder()
    }

    @Test func fullDiskIsStorageFullAndKeepsAcknowledgedEvents() throws {
        let path = folder.file("small.sqlite")
        let database = try Database(path: path)
        let store = try SQLiteServerStore(database: database)
        try store.insertEnrollmentToken(
            EnrollmentTokenRecord(tokenDigest: tokenDigest(1), label: "", createdUnixMs: 0, expiresUnixMs: 9, maximumUses: 1))
        _ = try store.enrollAgent(sampleAgent("a"), tokenDigest: tokenDigest(1), nowUnixMs: 1)
        // Caps the file a few pages above its current size, like a nearly full disk.
        let pages = try database.queryFirst("PRAGMA page_count") { row in try row.column(0, as: Int.self) } ?? 0
        try database.execute(script: "PRAGMA max_page_count = \(pages + 4)")

        var acknowledged: [String] = []
        var failure: ServerStoreError?
        for index in 0..<1_000 where failure == nil {
            let event = SecurityEventRecord(
                agentID: "a", eventID: "e\(index)", observedUnixMs: 1, receivedUnixMs: 2, eventType: "t", severity: 1,
                encoded: [UInt8](repeating: 0x42, count: 2_000))
            do {
                acknowledged += try store.storeEvents([event]).newEventIDs
            } catch {
                failure = error
            }
        }

        let error = try #require(failure)
        #expect(error.code == .storageFull)
        #expect(error.message.hasPrefix("storing 1 security events failed"))
        #expect(acknowledged.isEmpty == false)
        let stored = try store.securityEvents(agentID: "a", afterSequence: 0, limit: 10_000)
        #expect(stored.map(\.event.eventID) == acknowledged)
    }

    @Test func garbageFileIsCorrupt() throws {
        let path = folder.file("garbage.sqlite")
        try Data(repeating: 0x77, count: 4_096).write(to: URL(fileURLWithPath: path))

        let error = try #require(throws: ServerStoreError.self) { try SQLiteServerStore(path: path) }
        #expect(error.code == .corrupt)
        #expect(error.message == "opening the server store at \(path) failed")
    }

    @Test func readOnlyDatabaseRejectsWrites() throws {
        let path = folder.file("server.sqlite")
        _ = try SQLiteServerStore(path: path)
        let store = try SQLiteServerStore(database: try Database(path: path, options: .init(mode: .readOnly)))

        let error = try #require(throws: ServerStoreError.self) {
            try store.insertEnrollmentToken(
                EnrollmentTokenRecord(tokenDigest: tokenDigest(1), label: "", createdUnixMs: 0, expiresUnixMs: 9, maximumUses: 1))
        }
        #expect(error.code == .readOnly)
    }

    @Test func newerSchemaIsRejected() throws {
        let path = folder.file("server.sqlite")
        try Database(path: path).execute(script: "PRAGMA user_version = 99")

        let error = try #require(throws: ServerStoreError.self) { try SQLiteServerStore(path: path) }
        #expect(error.code == .failed)
        #expect(error.underlying?.hasPrefix("database schema version 99 is newer than version 1") == true)
    }
}
