import Foundation
import Testing
@testable import ReferenceServer

struct SettingsLoaderTests {
    private func configFile(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "eacp-settings-\(UUID().uuidString).json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func flagBeatsEnvironmentBeatsFile() throws {
        let path = try configFile(#"{"listen_port": 9001, "heartbeat_interval_ms": 5000, "log_collection": false}"#)
        let settings = try SettingsLoader.load(
            arguments: ["--config", path, "--listen-port", "9003"],
            environment: ["EACP_SERVER_LISTEN_PORT": "9002", "EACP_SERVER_HEARTBEAT_INTERVAL_MS": "6000"])

        #expect(settings.listenPort == 9003)
        #expect(settings.heartbeatIntervalMs == 6000)
        #expect(settings.logCollection == false)
        #expect(settings.listenHost == "127.0.0.1")
    }

    @Test func unknownFileKeyNamed() throws {
        let path = try configFile(#"{"listen_prot": 9001}"#)

        let error = try #require(throws: SettingsError.self) {
            try SettingsLoader.load(arguments: ["--config", path], environment: [:])
        }
        #expect(error.code == .unknownSetting)
        #expect(error.message == "\"listen_prot\" is not a setting")
    }

    @Test func unknownEnvironmentVariableNamed() throws {
        let error = try #require(throws: SettingsError.self) {
            try SettingsLoader.load(arguments: [], environment: ["EACP_SERVER_PORT": "1"])
        }
        #expect(error.source == .environment("EACP_SERVER_PORT"))
    }

    @Test func outOfRangeFlagRejected() throws {
        let error = try #require(throws: SettingsError.self) {
            try SettingsLoader.load(arguments: ["--push-missed-pong-limit", "11"], environment: [:])
        }
        #expect(error.code == .invalidValue)
        #expect(error.source == .flag("--push-missed-pong-limit"))
    }

    @Test func flagWithoutValueRejected() throws {
        let error = try #require(throws: SettingsError.self) {
            try SettingsLoader.load(arguments: ["--listen-port"], environment: [:])
        }
        #expect(error.code == .missingValue)
    }

    @Test func maximumConnectionsDefaultsToFleetSize() throws {
        let settings = try SettingsLoader.load(arguments: [], environment: [:])
        #expect(settings.maximumConnections == 100_000)
    }

    @Test func maximumConnectionsFlagSets() throws {
        let settings = try SettingsLoader.load(arguments: ["--maximum-connections", "250000"], environment: [:])
        #expect(settings.maximumConnections == 250_000)
    }

    @Test func zeroMaximumConnectionsRejected() throws {
        let error = try #require(throws: SettingsError.self) {
            try SettingsLoader.load(arguments: ["--maximum-connections", "0"], environment: [:])
        }
        #expect(error.code == .invalidValue)
        #expect(error.source == .flag("--maximum-connections"))
    }
}
