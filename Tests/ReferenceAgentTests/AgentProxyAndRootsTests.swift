import EACPProtocol
import Foundation
import Testing
@testable import ReferenceAgent
@testable import ReferenceServer

/// Proxy changes against a CONNECT proxy on loopback, and the folders endpoint file actions may
/// touch.
@Suite(.serialized)
struct AgentProxyAndRootsTests {
    @Test func proxySettingConfirmedThroughProxy() async throws {
        let proxy = try TestConnectProxy()
        defer { proxy.close() }
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        var parameters = SetEndpointProxyParameters()
        parameters.host = "127.0.0.1"
        parameters.port = UInt32(proxy.port)
        parameters.confirmTimeoutMs = 20_000
        let result = try await harness.waitForOutcome(try harness.queue(.setEndpointProxy, parameters.wireBytes()))

        #expect(result.state == .succeeded)
        #expect(proxy.tunnelCount >= 1)
        let state = harness.agent.localState.current
        #expect(state.pendingProxyChange == nil)
        #expect(state.proxy == LocalState.ProxySetting(host: "127.0.0.1", port: proxy.port))
        #expect(try harness.agent.buildHeartbeat().proxy?.mode == .proxyConfirmed)
        await harness.stop()
    }

    @Test func proxySettingRevertsWhenNoHeartbeatGetsThrough() async throws {
        let deadPort = try TestConnectProxy.unusedPort()
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()

        var parameters = SetEndpointProxyParameters()
        parameters.host = "127.0.0.1"
        parameters.port = UInt32(deadPort)
        parameters.confirmTimeoutMs = 1_000
        let result = try await harness.waitForOutcome(try harness.queue(.setEndpointProxy, parameters.wireBytes()))

        #expect(result.state == .failed)
        #expect(result.errorCode == .proxyNotConfirmed)
        let state = harness.agent.localState.current
        #expect(state.pendingProxyChange == nil)
        #expect(state.proxy.isDirect)
        #expect(harness.agent.link.proxy.isDirect)
        await harness.stop()
    }

    @Test func quarantineRefusedWithoutConfiguredRoot() async throws {
        let harness = try await AgentTestHarness(quarantineRoots: [])
        try await harness.waitUntilConnected()
        let victim = harness.folder + "/unprotected.bin"
        try Data("x".utf8).write(to: URL(fileURLWithPath: victim))

        var quarantine = QuarantineFileParameters()
        quarantine.path = victim
        let result = try await harness.waitForOutcome(try harness.queue(.quarantineFile, quarantine.wireBytes()))
        #expect(result.state == .failed)
        #expect(result.errorCode == .permissionDenied)
        #expect(result.detail.contains("no endpoint file folder is configured"))
        #expect(FileManager.default.fileExists(atPath: victim))
        await harness.stop()
    }

    @Test func retrievalRefusedOutsideRoot() async throws {
        let harness = try await AgentTestHarness()
        try await harness.waitUntilConnected()
        let inside = harness.folder + "/inside.txt"
        try Data("inside".utf8).write(to: URL(fileURLWithPath: inside))

        var retrieve = RetrieveEndpointFilesParameters()
        retrieve.paths = [inside, "/etc/hostname"]
        let result = try await harness.waitForOutcome(try harness.queue(.retrieveEndpointFiles, retrieve.wireBytes()))
        #expect(result.state == .failed)
        #expect(result.errorCode == .permissionDenied)
        #expect(result.detail == "file retrieval of /etc/hostname is not allowed because it is outside the configured endpoint file folders")
        #expect(result.uploads.isEmpty)
        await harness.stop()
    }

    @Test func symbolicLinkOutOfRootIsRefused() throws {
        let folder = NSTemporaryDirectory() + "eacp-roots-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/root", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/root/escape", withDestinationPath: "/etc")

        let roots = EndpointFileRoots([folder + "/root"])
        #expect(roots.contains(folder + "/root/file.txt"))
        #expect(!roots.contains(folder + "/root/escape/hostname"))
        #expect(!roots.contains(folder + "/rootless/file.txt"))
        #expect(!roots.contains("root/file.txt"))
        #expect(!EndpointFileRoots([]).contains(folder + "/root/file.txt"))
    }

    @Test func relativeQuarantineRootIsInvalid() {
        let environment = [
            "EACP_SERVER_URL": "https://127.0.0.1:1", "EACP_CA_FILE": "/nonexistent", "EACP_STATE_DIR": "/nonexistent",
        ]
        #expect(throws: AgentOptionsError(.invalidValue, "quarantine root \"files\" is invalid: give an absolute folder path")) {
            try AgentOptions(arguments: ["--quarantine-root", "files"], environment: environment)
        }
    }
}
