import EACPProtocol
import EACPTransport
import Foundation
import Testing
@testable import ReferenceAgent

@Suite(.serialized)
struct AgentEndToEndTests {
    @Test func enrollsOnceWithPrivateCredentials() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        let folder = harness.folder + "/agent/credentials"
        for file in ["agent-key.pem", "agent-certificate.pem"] {
            let mode = try FileManager.default.attributesOfItem(atPath: folder + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        let snapshot = try StatusSnapshot.capture(harness.agent)
        #expect(snapshot.pushChannel.state == "connected")
        #expect(snapshot.tls.version == "TLSv1.2")
        #expect(snapshot.agentId == harness.agentID)
        await harness.stop()
    }

    @Test func securityEventIsStoredOnce() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        let id = try harness.agent.recordEvent(type: "malware.detected", severity: .high, body: Array("{}".utf8))
        try await waitUntil("the server stored the event") { try harness.storedEventIDs() == [id] }
        try await waitUntil("the queue is empty") { try harness.agent.store.eventQueueDepth() == 0 }
        #expect(try harness.storedEventIDs() == [id])
        await harness.stop()
    }

    @Test func watchedFolderFileBecomesEvent() async throws {
        let harness = try await AgentTestHarness(watch: true)
        try await harness.waitUntilConnected()

        let file = harness.folder + "/watch/sample.bin"
        try Data("sample".utf8).write(to: URL(fileURLWithPath: file))
        try await waitUntil("the server stored one event") { try harness.storedEventIDs().count == 1 }
        let eventID = try #require(try harness.storedEventIDs().first)
        #expect(eventID.hasPrefix("file-"))
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(FileManager.default.fileExists(atPath: harness.folder + "/agent/event-data/" + eventID))
        await harness.stop()
    }

    @Test func quarantineAndRestoreRoundTrip() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        let victim = harness.folder + "/victim.sh"
        try Data("echo hi\n".utf8).write(to: URL(fileURLWithPath: victim))
        chmod(victim, 0o750)

        var quarantine = QuarantineFileParameters()
        quarantine.path = victim
        quarantine.sha256 = SHA256.digest(Array("echo hi\n".utf8))
        let quarantineID = try harness.queue(.quarantineFile, quarantine.wireBytes())
        let quarantined = try await harness.waitForOutcome(quarantineID)
        #expect(quarantined.state == .succeeded)
        #expect(!FileManager.default.fileExists(atPath: victim))

        var restore = RestoreFileParameters()
        restore.quarantineActionId = quarantineID
        let restored = try await harness.waitForOutcome(try harness.queue(.restoreFile, restore.wireBytes()))
        #expect(restored.state == .succeeded)
        let mode = try FileManager.default.attributesOfItem(atPath: victim)[.posixPermissions] as? Int
        #expect(mode == 0o750)
        await harness.stop()
    }

    @Test func quarantineRejectsWrongDigest() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        let victim = harness.folder + "/other.bin"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: victim))

        var quarantine = QuarantineFileParameters()
        quarantine.path = victim
        quarantine.sha256 = [UInt8](repeating: 7, count: 32)
        let result = try await harness.waitForOutcome(try harness.queue(.quarantineFile, quarantine.wireBytes()))
        #expect(result.state == .failed)
        #expect(result.errorCode == .hashMismatch)
        #expect(FileManager.default.fileExists(atPath: victim))
        await harness.stop()
    }

    @Test func repeatedDeliveryRunsOnce() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        let victim = harness.folder + "/once.bin"
        try Data("x".utf8).write(to: URL(fileURLWithPath: victim))
        var quarantine = QuarantineFileParameters()
        quarantine.path = victim
        let actionID = try harness.queue(.quarantineFile, quarantine.wireBytes())
        let first = try await harness.waitForOutcome(actionID)

        // The same envelope again, as a heartbeat reply would carry it after a lost receipt.
        let entry = try #require(try harness.agent.store.journalEntry(actionID: actionID))
        let envelope = try ActionEnvelope(wireBytes: entry.envelope)
        try Data("y".utf8).write(to: URL(fileURLWithPath: victim))
        harness.agent.actions.receive(envelope, path: .heartbeat)
        try await Task.sleep(for: .milliseconds(300))

        #expect(first.state == .succeeded)
        #expect(FileManager.default.fileExists(atPath: victim))
        let again = try #require(try harness.agent.store.journalEntry(actionID: actionID))
        #expect(again.result == entry.result)
        await harness.stop()
    }

    @Test func unknownKindIsRejectedWithCode() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        var envelope = ActionEnvelope()
        envelope.actionId = "act-unknown-kind"
        envelope.kind = .unrecognized(99)
        envelope.sequenceNumber = 1
        envelope.expiresUnixMs = AgentClock.nowUnixMs() + 60_000
        harness.agent.actions.receive(envelope, path: .push)
        try await waitUntil("the journal holds a result") {
            try harness.agent.store.journalEntry(actionID: "act-unknown-kind")?.result != nil
        }
        let entry = try #require(try harness.agent.store.journalEntry(actionID: "act-unknown-kind"))
        let result = try ActionResult(wireBytes: try #require(entry.result))
        #expect(result.state == .rejected)
        #expect(result.errorCode == .unsupportedKind)
        await harness.stop()
    }

    @Test func retrieveEndpointFilesUploads() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        let file = harness.folder + "/evidence.txt"
        try Data(repeating: 0x41, count: 1_500_000).write(to: URL(fileURLWithPath: file))

        var retrieve = RetrieveEndpointFilesParameters()
        retrieve.paths = [file, harness.folder + "/missing.txt"]
        let result = try await harness.waitForOutcome(try harness.queue(.retrieveEndpointFiles, retrieve.wireBytes()))
        #expect(result.state == .succeeded)
        #expect(result.uploads.count == 1)
        #expect(result.uploads.first?.totalSize == 1_500_000)
        #expect(result.detail == "files missing: \(harness.folder)/missing.txt")
        await harness.stop()
    }

    @Test func performHeartbeatSucceeds() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        let result = try await harness.waitForOutcome(
            try harness.queue(.performHeartbeat, PerformHeartbeatParameters().wireBytes()))
        #expect(result.state == .succeeded)
        await harness.stop()
    }

    @Test func isolationPersistsUntilCancelled() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        var isolate = IsolateEndpointParameters()
        isolate.allowedHosts = ["192.0.2.10"]
        let isolated = try await harness.waitForOutcome(try harness.queue(.isolateEndpoint, isolate.wireBytes()))
        #expect(isolated.state == .succeeded)
        #expect(harness.agent.localState.current.isolation.isolated)

        // The management channel stays up while isolated.
        let heartbeat = try await harness.waitForOutcome(
            try harness.queue(.performHeartbeat, PerformHeartbeatParameters().wireBytes()))
        #expect(heartbeat.state == .succeeded)

        let cancelled = try await harness.waitForOutcome(
            try harness.queue(.cancelIsolation, CancelIsolationParameters().wireBytes()))
        #expect(cancelled.state == .succeeded)
        #expect(!harness.agent.localState.current.isolation.isolated)
        await harness.stop()
    }
}
