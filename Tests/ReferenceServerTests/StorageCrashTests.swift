import EACPSQLite
import Foundation
import ReferenceServer
import Testing

@Suite struct StorageCrashTests {
    @Test func killedServerKeepsEveryAcknowledgedEvent() throws {
        let folder = try StorageTestFolder()
        let path = folder.file("server.sqlite")
        let run = try runCrashChild(mode: "server-events", databasePath: path, killAfter: 200)

        #expect(run.terminationReason == .uncaughtSignal)
        #expect(run.terminationStatus == SIGKILL)
        // The last read may bring a few more numbers than asked for, all acknowledged before the kill.
        #expect(run.acknowledged.count >= 200)
        #expect(run.acknowledged == Array(1...run.acknowledged.count))

        let store = try SQLiteServerStore(path: path)
        let stored = try store.securityEvents(agentID: "crash-agent", afterSequence: 0, limit: 100_000).map(\.event.eventID)
        #expect(stored.count >= run.acknowledged.count)
        #expect(Array(stored.prefix(run.acknowledged.count)) == run.acknowledged.map { "event-\($0)" })
        try Database(path: path).checkIntegrity()
    }
}
