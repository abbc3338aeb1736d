import EACPProtocol
import EACPTransport
import Foundation
import Testing

@testable import ReferenceServer

/// Field limits over the wire: one field past its limit gets 400 BAD_REQUEST naming the field, or
/// close 1008 on the push channel, and the server stores nothing of the message.
struct FieldLimitWireTests {
    static func text(_ bytes: Int) -> String { String(repeating: "x", count: bytes) }

    /// Requires a 400 BAD_REQUEST whose message is `expected`.
    static func expectBadRequest(_ response: HTTPResponse, _ expected: String) throws {
        #expect(response.status.code == 400)
        let reply = try ErrorReply(wireBytes: response.body)
        #expect(reply.code == .badRequest)
        #expect(reply.message == expected)
    }

    static func heartbeat(sequence: UInt64, size: (features: Int, lastError: Int, host: Int, detail: Int)) -> Heartbeat {
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = "1.4"
        heartbeat.sequenceNumber = sequence
        heartbeat.capabilities = .init()
        heartbeat.capabilities?.features = (0..<size.features).map { String(format: "feature-%055d", $0) }
        heartbeat.pushChannel = .init()
        heartbeat.pushChannel?.lastError = text(size.lastError)
        heartbeat.proxy = .init()
        heartbeat.proxy?.host = text(size.host)
        heartbeat.lastUpgrade = .init()
        heartbeat.lastUpgrade?.detail = text(size.detail)
        return heartbeat
    }

    @Test func heartbeatPastLimitIsNotStored() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        let atLimit = (features: 64, lastError: 512, host: 255, detail: 1_024)
        let pastLimit: [(Heartbeat, String)] = [
            (Self.heartbeat(sequence: 1, size: (65, 512, 255, 1_024)), "capabilities.features has 65 entries but must have at most 64 entries"),
            (Self.heartbeat(sequence: 2, size: (64, 513, 255, 1_024)), "push_channel.last_error has 513 bytes but must have at most 512 bytes"),
            (Self.heartbeat(sequence: 3, size: (64, 512, 256, 1_024)), "proxy.host has 256 bytes but must have at most 255 bytes"),
            (Self.heartbeat(sequence: 4, size: (64, 512, 255, 1_025)), "last_upgrade.detail has 1025 bytes but must have at most 1024 bytes"),
        ]

        for (heartbeat, expected) in pastLimit {
            try Self.expectBadRequest(try await agent.post("/eacp/v1/heartbeat", heartbeat), expected)
        }
        #expect(try harness.server.context.store.agent(id: agent.agentID)?.lastHeartbeat == nil)

        let accepted = try await agent.post("/eacp/v1/heartbeat", Self.heartbeat(sequence: 5, size: atLimit))
        #expect(accepted.status.code == 200)
        let stored = try #require(try harness.server.context.store.agent(id: agent.agentID)?.lastHeartbeat)
        #expect(try Heartbeat(wireBytes: stored).sequenceNumber == 5)
        await harness.stop()
    }

    @Test func enrollmentPastPlatformLimitEnrollsNoAgent() async throws {
        let harness = try await ServerTestHarness()
        let key = try PrivateKey.generateP256()
        var request = EnrollmentRequest()
        request.enrollmentToken = harness.tokens.enrollmentToken
        request.certificateSigningRequest = .csrPem(try CertificateSigningRequest(agentID: "requested", key: key).pem())
        request.agentVersion = "1.4"
        request.hostName = "test-host"
        request.platform = Platform()
        request.platform?.osVersion = Self.text(257)

        let rejected = try await harness.client().post("/eacp/v1/enroll", body: request.wireBytes())
        try Self.expectBadRequest(rejected, "platform.os_version has 257 bytes but must have at most 256 bytes")
        #expect(try harness.server.context.store.agents().isEmpty)

        request.platform?.osVersion = Self.text(256)
        let accepted = try await harness.client().post("/eacp/v1/enroll", body: request.wireBytes())
        #expect(accepted.status.code == 200)
        #expect(try harness.server.context.store.agents().count == 1)
        await harness.stop()
    }

    @Test func statusPastPlatformLimitIsNotStored() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        var report = StatusReport()
        report.sequenceNumber = 1
        report.platform = Platform()
        report.platform?.architecture = Self.text(33)

        try Self.expectBadRequest(
            try await agent.post("/eacp/v1/status", report), "platform.architecture has 33 bytes but must have at most 32 bytes")
        #expect(try harness.server.context.store.latestStatusReport(agentID: agent.agentID) == nil)

        report.platform?.architecture = Self.text(32)
        #expect(try await agent.post("/eacp/v1/status", report).status.code == 200)
        #expect(try harness.server.context.store.latestStatusReport(agentID: agent.agentID) != nil)
        await harness.stop()
    }

    @Test func logBatchPastLimitIsNotStored() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        var first = AgentLogRecord()
        first.sequenceNumber = 1
        first.message = "fits"
        var second = AgentLogRecord()
        second.sequenceNumber = 2
        second.component = Self.text(65)
        var batch = AgentLogBatch()
        batch.records = [first, second]

        try Self.expectBadRequest(
            try await agent.post("/eacp/v1/logs", batch), "records[1].component has 65 bytes but must have at most 64 bytes")
        #expect(try harness.server.context.store.agentLogs(agentID: agent.agentID, limit: 10).entries.isEmpty)

        batch.records[1].component = Self.text(64)
        batch.records[1].message = Self.text(4_096)
        #expect(try await agent.post("/eacp/v1/logs", batch).status.code == 200)
        #expect(try harness.server.context.store.agentLogs(agentID: agent.agentID, limit: 10).entries.count == 2)
        await harness.stop()
    }

    @Test func uploadChunkPastLimitIsNotStored() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "retrieve-support-file")
        _ = try await agent.heartbeat()
        #expect(try await agent.ack(actionID) == 200)
        let bytes = Array(repeating: UInt8(0x61), count: 4_190_209)
        var chunk = UploadChunk()
        chunk.uploadId = "support-1"
        chunk.actionId = actionID
        chunk.chunk = bytes
        chunk.chunkSha256 = SHA256.digest(bytes)
        chunk.totalSize = UInt64(bytes.count)
        chunk.totalSha256 = SHA256.digest(bytes)

        // The decoder's bytes limit equals the chunk limit, so the chunk fails decoding first.
        let rejected = try await agent.post("/eacp/v1/uploads/chunk", chunk)
        #expect(rejected.status.code == 400)
        #expect(try ErrorReply(wireBytes: rejected.body).code == .malformedMessage)
        #expect(try harness.server.context.store.upload(agentID: agent.agentID, uploadID: "support-1") == nil)

        chunk.chunk.removeLast()
        chunk.chunkSha256 = SHA256.digest(chunk.chunk)
        chunk.totalSize = UInt64(chunk.chunk.count)
        chunk.totalSha256 = chunk.chunkSha256
        let accepted = try await agent.post("/eacp/v1/uploads/chunk", chunk)
        #expect(accepted.status.code == 200)
        #expect(try UploadReceipt(wireBytes: accepted.body).complete)
        await harness.stop()
    }

    @Test func pushTerminalDataPastLimitCloses1008() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        let channel = try await agent.openPushChannel()
        try await harness.waitForPushChannel(of: agent)

        var data = TerminalData()
        data.sessionId = "session-1"
        data.sequenceNumber = 1
        data.chunk = Array(repeating: 0x61, count: 65_537)
        channel.send(.terminalData(data))

        #expect(try await channel.closed() == 1008)
        #expect(channel.socket.closeResult?.reason == "terminal_data.chunk is not 1 to 65536 bytes")
        await harness.stop()
    }
}
