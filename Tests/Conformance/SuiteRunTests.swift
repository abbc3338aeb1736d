import Foundation
import Testing

/// Runs `eacp-conformance` as a user would, against the reference server and agent built next to
/// the test binary, and against broken variants of them that the named case must catch.
@Suite(.serialized) struct SuiteRunTests {
    struct Run {
        var status: Int32
        var output: String
        var cases: [String: String]
    }

    static let binaries = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    static func conformance(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let executable = binaries.appendingPathComponent("eacp-conformance")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw MissingBinary(path: executable.path)
        }
        let reports = NSTemporaryDirectory() + "eacp-conformance-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let process = Process()
        process.executableURL = executable
        // Runner options go before `--`, after which every word belongs to the agent's command.
        var words = arguments
        words.insert(contentsOf: ["--report-dir", reports, "--spec", specFolder], at: arguments.firstIndex(of: "--") ?? arguments.endIndex)
        process.arguments = words
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Only a guard against a hung run; nothing here asserts on time.
        let watchdog = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 240, execute: watchdog)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        var cases: [String: String] = [:]
        if let data = FileManager.default.contents(atPath: reports + "/conformance-report.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            for entry in object["cases"] as? [[String: Any]] ?? [] {
                cases[entry["id"] as? String ?? ""] = entry["status"] as? String
            }
        }
        return Run(status: process.terminationStatus, output: text, cases: cases)
    }

    static var specFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("spec").path
    }

    struct MissingBinary: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing; build it with: swift build" }
    }

    @Test func referencesPassSelectedCases() throws {
        let run = try Self.conformance([
            "--case", "codec.vectors.messages", "--case", "server.tls", "--case", "server.heartbeat",
            "--case", "server.actions.push-order", "--case", "agent.enroll", "--case", "agent.heartbeat.sequence",
            "--case", "agent.actions.duplicate", "--case", "agent.tls.rejects-untrusted",
        ])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.cases["server.heartbeat.rejects-malformed-version"] == "passed")
        #expect(run.cases["agent.actions.duplicate-runs-once"] == "passed")
        #expect(run.cases["agent.tls.rejects-untrusted-certificate"] == "passed")
        #expect(run.cases["server.tls.rejects-ssl30"] == "passed")
    }

    @Test func serverAcceptingSequenceZeroIsCaught() throws {
        let run = try Self.conformance(
            ["--case", "server.heartbeat.rejects-malformed-version"],
            environment: ["EACP_ALLOW_BROKEN_VARIANTS": "1", "EACP_BROKEN_VARIANT": "accepts-sequence-zero"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.cases["server.heartbeat.rejects-malformed-version"] == "failed")
    }

    @Test func serverOfferingOlderContentIsCaught() throws {
        let run = try Self.conformance(
            ["--case", "server.content.offer-table"],
            environment: ["EACP_ALLOW_BROKEN_VARIANTS": "1", "EACP_BROKEN_VARIANT": "offers-older-content"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.cases["server.content.offer-table"] == "failed")
    }

    @Test func serverPushingBelowPushVersionIsCaught() throws {
        let run = try Self.conformance(
            ["--case", "server.actions.below-push-version-not-pushed"],
            environment: ["EACP_ALLOW_BROKEN_VARIANTS": "1", "EACP_BROKEN_VARIANT": "pushes-below-push-version"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.cases["server.actions.below-push-version-not-pushed"] == "failed")
    }

    @Test func serverAcceptingTLS13IsCaught() throws {
        let run = try Self.conformance(
            ["--case", "server.tls.rejects-tls13-only", "--case", "server.tls.negotiates-tls12-when-tls13-offered"],
            environment: ["EACP_ALLOW_BROKEN_VARIANTS": "1", "EACP_BROKEN_VARIANT": "accepts-tls13"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.cases["server.tls.rejects-tls13-only"] == "failed")
        #expect(run.cases["server.tls.negotiates-tls12-when-tls13-offered"] == "failed")
    }

    @Test func outsideAgentHoldingEventsIsCaught() throws {
        let agent = Self.binaries.appendingPathComponent("eacp-agent").path
        let run = try Self.conformance(
            [
                "agent", "--case", "agent.events.sent-at-once",
                "--event-command", "'\(agent)' event --type conformance.test --severity low", "--", agent, "run",
            ],
            environment: ["EACP_ALLOW_BROKEN_VARIANTS": "1", "EACP_BROKEN_VARIANT": "holds-events-for-heartbeat"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.cases["agent.events.sent-at-once"] == "failed")
    }

    @Test func outsideAgentRunningDuplicateTwiceIsCaught() throws {
        let agent = Self.binaries.appendingPathComponent("eacp-agent").path
        let run = try Self.conformance(
            ["agent", "--profiles", "push-channel", "--case", "agent.actions.duplicate-runs-once", "--", agent, "run"],
            environment: ["EACP_ALLOW_BROKEN_VARIANTS": "1", "EACP_BROKEN_VARIANT": "runs-duplicate-twice"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.cases["agent.actions.duplicate-runs-once"] == "failed")
    }
}
