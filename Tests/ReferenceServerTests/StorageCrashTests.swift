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
        #expect(run.acknowledged == Array(1...200))

        let store = try SQLiteServerStore(path: path)
        let stored = try store.securityEvents(agentID: "crash-agent", afterSequence: 0, limit: 100_000).map(\.event.eventID)
        #expect(stored.count >= 200)
        #expect(Array(stored.prefix(200)) == run.acknowledged.map { "event-\($0)" })
        try Database(path: path).checkIntegrity()
    }
}
