import ReferenceServer
import Testing

@Suite struct StorageFileTests {
    let folder: StorageTestFolder
    let store: SQLiteServerStore

    init() throws {
        folder = try StorageTestFolder()
        store = try makeServerStore(in: folder, agents: ["a", "b"])
    }

    private func content(_ revision: Int64, hash: UInt8, at time: Int64 = 1, downgrade: Bool = false)
        -> ContentRevisionRecord
    {
        ContentRevisionRecord(
            revision: revision, sha256: [UInt8](repeating: hash, count: 32), filePath: "content/\(revision)",
            sizeBytes: 1_000 + revision, publishedUnixMs: time, downgrade: downgrade)
    }

    @Test func latestPublicationIsCurrent() throws {
        #expect(try store.currentContentRevision() == nil)
        try store.publishContentRevision(content(1, hash: 0x11))
        try store.publishContentRevision(content(2, hash: 0x22, at: 2))
        #expect(try store.currentContentRevision() == content(2, hash: 0x22, at: 2))
        #expect(try store.contentRevision(1) == content(1, hash: 0x11))
        #expect(try store.contentRevision(3) == nil)
    }

    @Test func lowerRevisionNeedsDowngradeFlag() throws {
        try store.publishContentRevision(content(1, hash: 0x11))
        try store.publishContentRevision(content(2, hash: 0x22))

        let error = try #require(throws: ServerStoreError.self) { try store.publishContentRevision(content(1, hash: 0x11)) }
        #expect(error.code == .conflict)
        #expect(error.message == "content revision 1 is lower than current revision 2; publish it with the downgrade flag")

        try store.publishContentRevision(content(1, hash: 0x11, at: 5, downgrade: true))
        #expect(try store.currentContentRevision() == content(1, hash: 0x11, at: 5, downgrade: true))
    }

    @Test func newRevisionMustBeHigherThanAllStored() throws {
        try store.publishContentRevision(content(5, hash: 0x55))
        let error = try #require(throws: ServerStoreError.self) {
            try store.publishContentRevision(content(4, hash: 0x44, downgrade: true))
        }
        #expect(error.code == .conflict)
        #expect(error.message == "content revision 4 is not higher than stored revision 5")
    }

    @Test func storedRevisionCannotChangeHash() throws {
        try store.publishContentRevision(content(1, hash: 0x11))
        let error = try #require(throws: ServerStoreError.self) { try store.publishContentRevision(content(1, hash: 0x99)) }
        #expect(error.code == .conflict)
        #expect(try store.currentContentRevision()?.sha256 == [UInt8](repeating: 0x11, count: 32))
    }

    @Test func agentBuildsAreKeyedByVersionAndPlatform() throws {
        let build = AgentBuildRecord(
            version: "2.0.0", platform: "linux-x86_64", filePath: "builds/2.0.0", sizeBytes: 42,
            sha256: [UInt8](repeating: 1, count: 32), builtUnixMs: 7)
        try store.storeAgentBuild(build)
        try store.storeAgentBuild(build)
        #expect(try store.agentBuild(version: "2.0.0", platform: "linux-x86_64") == build)
        #expect(try store.agentBuild(version: "2.0.0", platform: "linux-aarch64") == nil)

        var changed = build
        changed.sha256 = [UInt8](repeating: 2, count: 32)
        let error = try #require(throws: ServerStoreError.self) { try store.storeAgentBuild(changed) }
        #expect(error.code == .conflict)
    }

    @Test func agentAssignmentWinsOverFleet() throws {
        try store.assignUpgrade(UpgradeAssignmentRecord(target: .fleet, version: "2.0.0", assignedUnixMs: 1))
        try store.assignUpgrade(UpgradeAssignmentRecord(target: .agent("a"), version: "2.1.0", assignedUnixMs: 2))

        #expect(try store.upgradeAssignment(agentID: "a")?.version == "2.1.0")
        #expect(try store.upgradeAssignment(agentID: "b") == UpgradeAssignmentRecord(target: .fleet, version: "2.0.0", assignedUnixMs: 1))

        try store.assignUpgrade(UpgradeAssignmentRecord(target: .fleet, version: "2.2.0", assignedUnixMs: 3))
        #expect(try store.removeUpgradeAssignment(target: .agent("a")) == true)
        #expect(try store.removeUpgradeAssignment(target: .agent("a")) == false)
        #expect(try store.upgradeAssignment(agentID: "a")?.version == "2.2.0")
    }

    @Test func assignmentToUnknownAgentIsNotFound() throws {
        let error = try #require(throws: ServerStoreError.self) {
            try store.assignUpgrade(UpgradeAssignmentRecord(target: .agent("ghost"), version: "2.0", assignedUnixMs: 1))
        }
        #expect(error.code == .notFound)
    }

    private func upload(_ uploadID: String, size: Int64 = 100) throws -> UploadRecord {
        _ = try? store.insertAction(
            NewAction(actionID: "act", agentID: "a", kind: 9, parameters: [], createdUnixMs: 1, expiresUnixMs: 9_000))
        return UploadRecord(
            agentID: "a", uploadID: uploadID, actionID: "act", totalSize: size,
            totalSHA256: [UInt8](repeating: 3, count: 32), filePath: "uploads/\(uploadID)", createdUnixMs: 10)
    }

    @Test func uploadResumesFromStoredOffset() throws {
        let started = try store.beginUpload(try upload("u1"))
        #expect(try store.advanceUpload(agentID: "a", uploadID: "u1", expectedOffset: 0, newOffset: 60, complete: false, nowUnixMs: 20) == true)

        let resumed = try store.beginUpload(try upload("u1"))
        #expect(started.receivedOffset == 0)
        #expect(resumed.receivedOffset == 60)
        #expect(resumed.updatedUnixMs == 20)
    }

    @Test func uploadAdvanceIsCompareAndSet() throws {
        _ = try store.beginUpload(try upload("u1"))
        #expect(try store.advanceUpload(agentID: "a", uploadID: "u1", expectedOffset: 0, newOffset: 60, complete: false, nowUnixMs: 1) == true)
        #expect(try store.advanceUpload(agentID: "a", uploadID: "u1", expectedOffset: 0, newOffset: 60, complete: false, nowUnixMs: 2) == false)
        #expect(try store.advanceUpload(agentID: "a", uploadID: "u1", expectedOffset: 60, newOffset: 100, complete: true, nowUnixMs: 3) == true)
        #expect(try store.advanceUpload(agentID: "a", uploadID: "u1", expectedOffset: 100, newOffset: 100, complete: true, nowUnixMs: 4) == false)
        #expect(try store.upload(agentID: "a", uploadID: "u1")?.complete == true)
    }

    @Test func uploadRejectsOffsetPastTotalSize() throws {
        _ = try store.beginUpload(try upload("u1"))
        let error = try #require(throws: ServerStoreError.self) {
            try store.advanceUpload(agentID: "a", uploadID: "u1", expectedOffset: 0, newOffset: 101, complete: false, nowUnixMs: 1)
        }
        #expect(error.code == .conflict)
        #expect(try store.upload(agentID: "a", uploadID: "u1")?.receivedOffset == 0)
    }

    @Test func uploadWithChangedSizeIsAConflict() throws {
        _ = try store.beginUpload(try upload("u1"))
        let error = try #require(throws: ServerStoreError.self) { try store.beginUpload(try upload("u1", size: 5)) }
        #expect(error.code == .conflict)
    }

    @Test func terminalSessionsAreAudited() throws {
        _ = try store.insertAction(
            NewAction(actionID: "t1", agentID: "a", kind: 6, parameters: [], createdUnixMs: 1, expiresUnixMs: 9_000))
        try store.openTerminalSession(
            TerminalSessionRecord(sessionID: "s1", agentID: "a", actionID: "t1", openedBy: "alice", openedUnixMs: 100))

        #expect(try store.closeTerminalSession(sessionID: "s1", closedUnixMs: 200, reason: "closed by operator") == true)
        #expect(try store.closeTerminalSession(sessionID: "s1", closedUnixMs: 300, reason: "again") == false)
        let sessions = try store.terminalSessions(agentID: "a")
        #expect(
            sessions == [
                TerminalSessionRecord(
                    sessionID: "s1", agentID: "a", actionID: "t1", openedBy: "alice", openedUnixMs: 100,
                    closedUnixMs: 200, closeReason: "closed by operator")
            ])
        let error = try #require(throws: ServerStoreError.self) {
            try store.closeTerminalSession(sessionID: "nope", closedUnixMs: 1, reason: "")
        }
        #expect(error.code == .notFound)
    }
}
