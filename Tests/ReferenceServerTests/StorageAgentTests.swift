import ReferenceServer
import Testing

@Suite struct StorageAgentTests {
    let folder: StorageTestFolder
    let store: SQLiteServerStore

    init() throws {
        folder = try StorageTestFolder()
        store = try SQLiteServerStore(path: folder.file("server.sqlite"))
    }

    private func insertToken(_ seed: UInt8, expiresUnixMs: Int64 = 10_000, maximumUses: Int = 2) throws {
        try store.insertEnrollmentToken(
            EnrollmentTokenRecord(
                tokenDigest: tokenDigest(seed), label: "site \(seed)", createdUnixMs: 500,
                expiresUnixMs: expiresUnixMs, maximumUses: maximumUses))
    }

    @Test func tokenRoundTrips() throws {
        try insertToken(1)
        let token = try #require(try store.enrollmentToken(digest: tokenDigest(1)))
        #expect(token.label == "site 1")
        #expect(token.expiresUnixMs == 10_000)
        #expect(token.maximumUses == 2)
        #expect(token.useCount == 0)
        #expect(token.revoked == false)
        #expect(try store.enrollmentToken(digest: tokenDigest(2)) == nil)
    }

    @Test func duplicateTokenIsAConflict() throws {
        try insertToken(1)
        let error = try #require(throws: ServerStoreError.self) { try insertToken(1) }
        #expect(error.code == .conflict)
    }

    @Test func enrollmentStoresAgentAndCountsUse() throws {
        try insertToken(1)
        let outcome = try store.enrollAgent(sampleAgent("a"), tokenDigest: tokenDigest(1), nowUnixMs: 2_000)
        #expect(outcome == .enrolled(sampleAgent("a")))
        #expect(try store.agent(id: "a") == sampleAgent("a"))
        #expect(try store.enrollmentToken(digest: tokenDigest(1))?.useCount == 1)
    }

    @Test func enrollmentRejectsBadTokens() throws {
        try insertToken(1, expiresUnixMs: 1_500)
        try insertToken(2, maximumUses: 1)
        try insertToken(3)
        #expect(try store.revokeEnrollmentToken(digest: tokenDigest(3)) == true)
        _ = try store.enrollAgent(sampleAgent("first"), tokenDigest: tokenDigest(2), nowUnixMs: 1_000)

        #expect(try store.enrollAgent(sampleAgent("b"), tokenDigest: tokenDigest(9), nowUnixMs: 1_000) == .unknownToken)
        #expect(try store.enrollAgent(sampleAgent("b"), tokenDigest: tokenDigest(1), nowUnixMs: 1_500) == .expiredToken)
        #expect(try store.enrollAgent(sampleAgent("b"), tokenDigest: tokenDigest(2), nowUnixMs: 1_000) == .usedUpToken)
        #expect(try store.enrollAgent(sampleAgent("b"), tokenDigest: tokenDigest(3), nowUnixMs: 1_000) == .revokedToken)
        #expect(try store.agent(id: "b") == nil)
    }

    @Test func reenrollingSameAgentIsAConflictAndKeepsTheUse() throws {
        try insertToken(1)
        _ = try store.enrollAgent(sampleAgent("a"), tokenDigest: tokenDigest(1), nowUnixMs: 1_000)

        let error = try #require(throws: ServerStoreError.self) {
            try store.enrollAgent(sampleAgent("a"), tokenDigest: tokenDigest(1), nowUnixMs: 1_000)
        }
        #expect(error.code == .conflict)
        #expect(error.message == "enrolling agent a failed")
        #expect(try store.enrollmentToken(digest: tokenDigest(1))?.useCount == 1)
    }

    @Test func findsAgentByCertificateFingerprint() throws {
        let store = try makeServerStore(in: folder, agents: ["a", "b"])
        #expect(try store.agent(certificateFingerprint: "fp-b")?.agentID == "b")
        #expect(try store.agent(certificateFingerprint: "fp-unknown") == nil)
        #expect(try store.agents().map(\.agentID) == ["a", "b"])
    }

    @Test func heartbeatUpdatesVersionAndLastSeen() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        try store.recordHeartbeat(agentID: "a", agentVersion: "1.3.0", heartbeat: [1, 2, 3], receivedUnixMs: 5_000)

        let agent = try #require(try store.agent(id: "a"))
        #expect(agent.agentVersion == "1.3.0")
        #expect(agent.lastHeartbeat == [1, 2, 3])
        #expect(agent.lastSeenUnixMs == 5_000)
    }

    @Test func heartbeatOfUnknownAgentIsNotFound() throws {
        let error = try #require(throws: ServerStoreError.self) {
            try store.recordHeartbeat(agentID: "ghost", agentVersion: "1.0", heartbeat: [], receivedUnixMs: 1)
        }
        #expect(error.code == .notFound)
        #expect(error.message == "agent ghost not found")
    }

    @Test func pushChannelClearsOnlyForItsReplica() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        try store.setPushChannel(agentID: "a", presence: PushChannelPresence(replicaID: "r1", connectedUnixMs: 10))
        try store.setPushChannel(agentID: "a", presence: PushChannelPresence(replicaID: "r2", connectedUnixMs: 20))

        #expect(try store.clearPushChannel(agentID: "a", replicaID: "r1") == false)
        #expect(try store.agent(id: "a")?.pushChannel == PushChannelPresence(replicaID: "r2", connectedUnixMs: 20))
        #expect(try store.clearPushChannel(agentID: "a", replicaID: "r2") == true)
        #expect(try store.agent(id: "a")?.pushChannel == nil)
    }

    @Test func isolationAndLogOverrideAreStored() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        try store.setIsolation(agentID: "a", isolated: true)
        try store.setLogCollectionOverride(agentID: "a", enabled: false)
        #expect(try store.agent(id: "a")?.isolated == true)
        #expect(try store.agent(id: "a")?.logCollectionOverride == false)

        try store.setLogCollectionOverride(agentID: "a", enabled: nil)
        #expect(try store.agent(id: "a")?.logCollectionOverride == nil)
    }

    @Test func revokeHappensOnce() throws {
        let store = try makeServerStore(in: folder, agents: ["a"])
        #expect(try store.revokeAgent(agentID: "a", revokedUnixMs: 7_000) == true)
        #expect(try store.revokeAgent(agentID: "a", revokedUnixMs: 8_000) == false)
        #expect(try store.agent(id: "a")?.revokedUnixMs == 7_000)

        let error = try #require(throws: ServerStoreError.self) { try store.revokeAgent(agentID: "x", revokedUnixMs: 1) }
        #expect(error.code == .notFound)
    }

    @Test func agentSurvivesReopen() throws {
        let path = folder.file("reopen.sqlite")
        do {
            let store = try SQLiteServerStore(path: path)
            try store.insertEnrollmentToken(
                EnrollmentTokenRecord(
                    tokenDigest: tokenDigest(1), label: "", createdUnixMs: 0, expiresUnixMs: 10, maximumUses: 1))
            _ = try store.enrollAgent(sampleAgent("a"), tokenDigest: tokenDigest(1), nowUnixMs: 1)
            try store.setIsolation(agentID: "a", isolated: true)
        }
        let reopened = try SQLiteServerStore(path: path)
        var expected = sampleAgent("a")
        expected.isolated = true
        #expect(try reopened.agent(id: "a") == expected)
    }
}
