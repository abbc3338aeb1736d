import EACPProtocol
import EACPTransport
import Foundation
import Synchronization
import Testing
@testable import ReferenceAgent

/// An install hook that records each call, keeps a copy of the staged package and returns `failure`.
final class RecordingInstallHook: UpgradeInstallHook {
    struct Call: Hashable {
        let version: String
        let packagePath: String
        let packageSHA256: [UInt8]?
    }

    let failure: String?
    let calls = Mutex<[Call]>([])

    init(failure: String? = nil) { self.failure = failure }

    func install(packagePath: String, version: String) async -> String? {
        let call = Call(version: version, packagePath: packagePath, packageSHA256: SHA256.digest(filePath: packagePath))
        calls.withLock { $0.append(call) }
        return failure
    }
}

@Suite(.serialized)
struct AgentUpgradeTests {
    static let build = Array("#!/bin/sh\necho eacp-agent 1.5.0\n".utf8)

    @Test func upgradeSucceedsOnlyAfterNewVersionHeartbeat() async throws {
        let hook = RecordingInstallHook()
        let harness = try await AgentTestHarness(upgradeHook: hook)
        try await harness.waitUntilConnected()

        let package = try harness.assignUpgrade(build: Self.build, version: "1.5.0")
        try await waitUntil("the install hook ran") { hook.calls.withLock { $0.count } == 1 }
        let call = try #require(hook.calls.withLock { $0.first })
        #expect(call.version == "1.5.0")
        #expect(call.packagePath == harness.folder + "/agent/upgrade-1.5.0.pkg")
        #expect(call.packageSHA256 == package.sha256)

        // The old version keeps running: the upgrade waits for the new one.
        try await waitUntil("the upgrade waits for the new version") {
            try harness.agent.store.upgradeState()?.phase == .verifying
        }
        let state = try #require(try harness.agent.store.upgradeState())
        #expect(state.fromVersion == "1.4.0")
        #expect(state.toVersion == "1.5.0")
        let sentBefore = try #require(try harness.lastRecordedHeartbeat()?.sequenceNumber)
        try await waitUntil("the old version sent another heartbeat") {
            try harness.lastRecordedHeartbeat()?.sequenceNumber ?? 0 > sentBefore
        }
        #expect(try harness.lastRecordedHeartbeat()?.agentVersion == "1.4.0")
        #expect(try harness.lastRecordedHeartbeat()?.lastUpgrade == nil)
        #expect(try harness.agent.store.lastUpgrade() == nil)

        try await harness.restartAgent(version: "1.5.0")
        try await waitUntil("the new version reported the upgrade") {
            try harness.lastRecordedHeartbeat()?.agentVersion == "1.5.0"
        }
        let record = try #require(try harness.lastRecordedHeartbeat()?.lastUpgrade)
        #expect(record.fromVersion == "1.4.0")
        #expect(record.toVersion == "1.5.0")
        #expect(record.outcome == .succeeded)
        #expect(record.detail == "")
        try await waitUntil("the upgrade state is cleared") { try harness.agent.store.upgradeState() == nil }
        let stored = try Heartbeat.UpgradeRecord(wireBytes: try #require(try harness.agent.store.lastUpgrade()))
        #expect(stored.outcome == .succeeded)
        #expect(hook.calls.withLock { $0.count } == 1)
        await harness.stop()
    }

    @Test func failedInstallIsReportedOnce() async throws {
        let hook = RecordingInstallHook(failure: "the package manager exited with status 1")
        let harness = try await AgentTestHarness(upgradeHook: hook)
        try await harness.waitUntilConnected()

        _ = try harness.assignUpgrade(build: Self.build, version: "1.5.0")
        try await waitUntil("a heartbeat reports the failed upgrade") {
            try harness.lastRecordedHeartbeat()?.lastUpgrade?.outcome == .failed
        }
        let record = try #require(try harness.lastRecordedHeartbeat()?.lastUpgrade)
        #expect(record.fromVersion == "1.4.0")
        #expect(record.toVersion == "1.5.0")
        #expect(record.detail == "the package manager exited with status 1")
        #expect(try harness.agent.store.upgradeState() == nil)

        // The same offer comes with every reply, but a failed version is not installed again.
        let sentBefore = try #require(try harness.lastRecordedHeartbeat()?.sequenceNumber)
        try await waitUntil("two more heartbeats were answered") {
            try harness.lastRecordedHeartbeat()?.sequenceNumber ?? 0 >= sentBefore + 2
        }
        #expect(hook.calls.withLock { $0.count } == 1)
        await harness.stop()
    }

    @Test func otherVersionStartingMeansRolledBack() async throws {
        let hook = RecordingInstallHook()
        let harness = try await AgentTestHarness(upgradeHook: hook)
        try await harness.waitUntilConnected()

        _ = try harness.assignUpgrade(build: Self.build, version: "1.5.0")
        try await waitUntil("the upgrade waits for the new version") {
            try harness.agent.store.upgradeState()?.phase == .verifying
        }
        // Restarting as the old version stands for an install that put the old build back.
        try await harness.restartAgent(version: "1.4.0")
        try await waitUntil("a heartbeat reports the rollback") {
            try harness.lastRecordedHeartbeat()?.lastUpgrade?.outcome == .rolledBack
        }
        let record = try #require(try harness.lastRecordedHeartbeat()?.lastUpgrade)
        #expect(record.detail == "version 1.4.0 started instead of the installed 1.5.0")
        #expect(try harness.agent.store.upgradeState() == nil)
        await harness.stop()
    }
}
