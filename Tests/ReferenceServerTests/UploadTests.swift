import EACPProtocol
import EACPTransport
import Foundation
import Testing
@testable import ReferenceServer

/// Chunked uploads through POST /eacp/v1/uploads/chunk, against the upload rules of spec/actions.md.
@Suite(.serialized)
struct UploadTests {
    static let file = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 5) }

    /// An agent with one acknowledged retrieve-support-file action, ready to upload for it.
    private func acknowledgedAction(_ harness: ServerTestHarness) async throws -> (TestAgent, String) {
        let agent = try await harness.enrollAgent()
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "retrieve-support-file")
        _ = try await agent.heartbeat()
        #expect(try await agent.ack(actionID) == 200)
        return (agent, actionID)
    }

    private func chunk(
        _ actionID: String, offset: Int, _ bytes: ArraySlice<UInt8>, uploadID: String = "support-1",
        total: [UInt8] = UploadTests.file
    ) -> UploadChunk {
        var chunk = UploadChunk()
        chunk.uploadId = uploadID
        chunk.actionId = actionID
        chunk.offset = UInt64(offset)
        chunk.chunk = Array(bytes)
        chunk.chunkSha256 = SHA256.digest(Array(bytes))
        chunk.totalSize = UInt64(total.count)
        chunk.totalSha256 = SHA256.digest(total)
        return chunk
    }

    private func send(_ agent: TestAgent, _ chunk: UploadChunk) async throws -> (status: Int, receipt: UploadReceipt?, error: ErrorReply?) {
        let response = try await agent.post("/eacp/v1/uploads/chunk", chunk)
        if response.status.code == 200 {
            return (200, try UploadReceipt(wireBytes: response.body), nil)
        }
        return (response.status.code, nil, try ErrorReply(wireBytes: response.body))
    }

    @Test func chunkedUploadResumesAndCompletes() async throws {
        let harness = try await ServerTestHarness()
        let (agent, actionID) = try await acknowledgedAction(harness)

        let first = try await send(agent, chunk(actionID, offset: 0, Self.file[0..<4_000]))
        let resumePoint = try await send(agent, chunk(actionID, offset: 0, []))
        let wrongOffset = try await send(agent, chunk(actionID, offset: 8_000, Self.file[8_000..<10_000]))
        let last = try await send(agent, chunk(actionID, offset: 4_000, Self.file[4_000..<10_000]))
        let afterCompletion = try await send(agent, chunk(actionID, offset: 4_000, Self.file[4_000..<10_000]))

        #expect(first.receipt?.nextOffset == 4_000)
        #expect(first.receipt?.complete == false)
        #expect(resumePoint.receipt?.nextOffset == 4_000)
        #expect(wrongOffset.receipt?.nextOffset == 4_000)
        #expect(last.receipt?.nextOffset == 10_000)
        #expect(last.receipt?.complete == true)
        #expect(afterCompletion.receipt?.nextOffset == 10_000)
        #expect(afterCompletion.receipt?.complete == true)
        let download = try await harness.endpoint.adminRaw(.get, "/admin/v1/agents/\(agent.agentID)/uploads/support-1")
        #expect(download.body == Self.file)

        var result = ActionResult()
        result.actionId = actionID
        result.kind = .retrieveSupportFile
        result.state = .succeeded
        var reference = UploadReference()
        reference.uploadId = "support-1"
        reference.name = "support.tar"
        reference.totalSize = UInt64(Self.file.count)
        reference.totalSha256 = SHA256.digest(Self.file)
        result.uploads = [reference]
        #expect(try await agent.post("/eacp/v1/actions/result", result).status.code == 200)
        #expect(try await harness.endpoint.action(actionID)["state"] as? String == "succeeded")
        await harness.stop()
    }

    @Test func badChunkHashStoresNothing() async throws {
        let harness = try await ServerTestHarness()
        let (agent, actionID) = try await acknowledgedAction(harness)
        var damaged = chunk(actionID, offset: 0, Self.file[0..<4_000])
        damaged.chunk[17] ^= 0xFF

        let rejected = try await send(agent, damaged)

        #expect(rejected.status == 422)
        #expect(rejected.error?.code == .hashMismatch)
        #expect(try await send(agent, chunk(actionID, offset: 0, [])).receipt?.nextOffset == 0)
        await harness.stop()
    }

    @Test func wholeUploadHashMismatchDiscardsBytes() async throws {
        let harness = try await ServerTestHarness()
        let (agent, actionID) = try await acknowledgedAction(harness)
        var claimed = Self.file
        claimed[9_999] ^= 0xFF

        let first = try await send(agent, chunk(actionID, offset: 0, Self.file[0..<5_000], total: claimed))
        let last = try await send(agent, chunk(actionID, offset: 5_000, Self.file[5_000..<10_000], total: claimed))

        #expect(first.receipt?.nextOffset == 5_000)
        #expect(last.status == 422)
        #expect(last.error?.code == .hashMismatch)
        let restart = try await send(agent, chunk(actionID, offset: 0, [], total: claimed))
        #expect(restart.receipt?.nextOffset == 0)
        #expect(restart.receipt?.complete == false)
        await harness.stop()
    }

    @Test func uploadAboveSizeCapRejected() async throws {
        let harness = try await ServerTestHarness { $0.maximumUploadBytes = 8_000 }
        let (agent, actionID) = try await acknowledgedAction(harness)

        let rejected = try await send(agent, chunk(actionID, offset: 0, Self.file[0..<1_000]))

        #expect(rejected.status == 413)
        #expect(rejected.error?.code == .payloadTooLarge)
        #expect(try harness.server.context.store.upload(agentID: agent.agentID, uploadID: "support-1") == nil)
        await harness.stop()
    }

    @Test func otherAgentsActionRefused() async throws {
        let harness = try await ServerTestHarness()
        let (_, actionID) = try await acknowledgedAction(harness)
        let intruder = try await harness.enrollAgent()

        let rejected = try await send(intruder, chunk(actionID, offset: 0, Self.file[0..<1_000]))

        #expect(rejected.status == 404)
        #expect(rejected.error?.code == .notFound)
        #expect(try harness.server.context.store.upload(agentID: intruder.agentID, uploadID: "support-1") == nil)
        await harness.stop()
    }

    @Test func uploadForQueuedActionRefused() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "retrieve-support-file")

        let rejected = try await send(agent, chunk(actionID, offset: 0, Self.file[0..<1_000]))

        #expect(rejected.status == 404)
        #expect(rejected.error?.message == "action \(actionID) is not waiting for a result")
        await harness.stop()
    }

    @Test func resultWithIncompleteUploadRejected() async throws {
        let harness = try await ServerTestHarness()
        let (agent, actionID) = try await acknowledgedAction(harness)
        _ = try await send(agent, chunk(actionID, offset: 0, Self.file[0..<4_000]))
        var result = ActionResult()
        result.actionId = actionID
        result.kind = .retrieveSupportFile
        result.state = .succeeded
        var reference = UploadReference()
        reference.uploadId = "support-1"
        result.uploads = [reference]

        let response = try await agent.post("/eacp/v1/actions/result", result)

        #expect(response.status.code == 400)
        #expect(try ErrorReply(wireBytes: response.body).code == .badRequest)
        #expect(try await harness.endpoint.action(actionID)["state"] as? String == "acknowledged")
        await harness.stop()
    }
}
