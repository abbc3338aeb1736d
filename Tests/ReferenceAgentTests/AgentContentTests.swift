import EACPProtocol
import EACPTransport
import Foundation
import Testing
@testable import ReferenceAgent

/// Content updates offered in heartbeat replies, downloaded from the reference server.
@Suite(.serialized)
struct AgentContentTests {
    /// 300 000 bytes that repeat with period 251, so a misplaced range shows up in the digest.
    static let package = (0..<300_000).map { UInt8($0 % 251) }

    @Test func contentUpdateIsInstalledAndReported() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        try publish(Self.package, revision: 3, harness: harness)
        try await waitUntilReported(revision: 3, harness: harness)

        let installed = try #require(try harness.agent.store.installedContent())
        #expect(installed.revision == 3)
        #expect(installed.sha256 == SHA256.digest(Self.package))
        let file = harness.folder + "/agent/content/content-3.pkg"
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: file))) == Self.package)
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.folder + "/agent/downloads") == [])
        #expect(try harness.agent.store.download(kind: .content) == nil)
        #expect(harness.agent.runtime.withLock { $0.downloadFailures } == 0)
        await harness.stop()
    }

    @Test func downloadResumesFromStoredOffset() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        // The first half is on disk and recorded, as an interrupted download leaves it.
        try seedPartialDownload(Array(Self.package.prefix(150_000)), revision: 4, harness: harness)
        try publish(Self.package, revision: 4, harness: harness)
        try await waitUntilReported(revision: 4, harness: harness)

        let file = harness.folder + "/agent/content/content-4.pkg"
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: file))) == Self.package)
        #expect(harness.agent.runtime.withLock { $0.downloadFailures } == 0)
        await harness.stop()
    }

    /// A damaged first half proves that the agent requested only the rest: a full download would
    /// have replaced it and passed. The failed file is dropped and the next offer starts over.
    @Test func damagedResumedDownloadIsRefetched() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        try seedPartialDownload([UInt8](repeating: 0, count: 150_000), revision: 5, harness: harness)
        try publish(Self.package, revision: 5, harness: harness)
        try await waitUntilReported(revision: 5, harness: harness)

        #expect(harness.agent.runtime.withLock { $0.downloadFailures } == 1)
        #expect(harness.agent.runtime.withLock { $0.lastDownloadError } == "content 5 does not match the offered size and SHA-256")
        let file = harness.folder + "/agent/content/content-5.pkg"
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: file))) == Self.package)
        await harness.stop()
    }

    @Test func wrongDigestIsNotInstalled() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        try publish(Self.package, revision: 6, sha256: SHA256.digest(Array("other".utf8)), harness: harness)
        try await waitUntil("the agent rejected the download") {
            harness.agent.runtime.withLock { $0.downloadFailures } >= 1
        }

        #expect(harness.agent.runtime.withLock { $0.lastDownloadError } == "content 6 does not match the offered size and SHA-256")
        #expect(try harness.agent.store.installedContent() == nil)
        #expect(!FileManager.default.fileExists(atPath: harness.folder + "/agent/content/content-6.pkg"))
        #expect(!FileManager.default.fileExists(atPath: harness.folder + "/agent/downloads/content-6.part"))
        #expect(try harness.lastRecordedHeartbeat()?.contentVersion == nil)
        await harness.stop()
    }

    /// Publishes `bytes` as the server's current content; `sha256` overrides the true digest.
    private func publish(_ bytes: [UInt8], revision: Int64, sha256: [UInt8]? = nil, harness: AgentTestHarness) throws {
        try harness.publishContent(bytes, revision: revision, sha256: sha256 ?? SHA256.digest(bytes))
    }

    private func seedPartialDownload(_ prefix: [UInt8], revision: Int64, harness: AgentTestHarness) throws {
        let folder = harness.folder + "/agent/downloads"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/content-\(revision).part"
        try Data(prefix).write(to: URL(fileURLWithPath: file))
        try harness.agent.store.storeDownload(
            DownloadProgress(
                kind: .content, version: String(revision), sha256: SHA256.digest(Self.package),
                totalSize: Int64(Self.package.count), receivedOffset: Int64(prefix.count), filePath: file))
    }

    private func waitUntilReported(revision: UInt64, harness: AgentTestHarness) async throws {
        try await waitUntil("a heartbeat reports content revision \(revision)") {
            try harness.lastRecordedHeartbeat()?.contentVersion?.revision == revision
        }
        let reported = try #require(try harness.lastRecordedHeartbeat()?.contentVersion)
        #expect(reported.sha256 == SHA256.digest(Self.package))
    }
}
