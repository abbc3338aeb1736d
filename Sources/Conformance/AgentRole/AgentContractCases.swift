import EACPProtocol
import Foundation

/// The launch contract of spec/agent-contract.md: settings the agent must reject at start, and a
/// second agent on another state folder.
///
/// Each case starts separate agent processes beside the harness's own agent. They get a state
/// folder of their own, so the harness's agent and its state are left as they were.
enum AgentContractCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [missingSettings(harness), invalidServerURL(harness), unusableCAFile(harness), separateStateFolder(harness)]
    }

    static func missingSettings(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.contract.rejects-missing-settings",
               "Started without a setting it needs, the agent exits with a non-zero status naming the variable",
               ["EACP-ENROLL-013"], harness, timeout: .seconds(60)) { harness, context in
            for variable in ["EACP_SERVER_URL", "EACP_CA_FILE", "EACP_STATE_DIR", "EACP_ENROLLMENT_TOKEN"] {
                // Without a state folder there are no credentials either, so the token is needed too.
                try await expectStartRejected(
                    harness, context, label: "no \(variable)", changes: [variable: nil], naming: variable)
            }
        }
    }

    static func invalidServerURL(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.contract.rejects-invalid-server-url",
               "A server URL other than https://host[:port] is refused at start with an error naming it",
               ["EACP-TRANSPORT-001", "EACP-TRANSPORT-002", "EACP-TRANSPORT-017"], harness, timeout: .seconds(80)) { harness, context in
            let authority = "127.0.0.1:\(harness.front.port)"
            // The plain http:// origin reaches the harness's own port, so an agent that accepted it
            // would send EACP requests without TLS.
            let urls = [
                "http://\(authority)", "https://\(authority)/eacp/v1", "https://\(authority)/?x=1",
                "https://\(authority)/#top", "https://conformance@\(authority)", "https://\(authority):",
            ]
            for url in urls {
                try await expectStartRejected(
                    harness, context, label: "EACP_SERVER_URL=\(url)", changes: ["EACP_SERVER_URL": url], naming: url)
            }
        }
    }

    static func unusableCAFile(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.contract.rejects-unusable-ca-file",
               "A CA file that is missing, empty or holds no certificate makes the agent exit naming the file",
               ["EACP-TLS-015"], harness, timeout: .seconds(60)) { harness, context in
            let folder = harness.workDirectory + "/ca-files"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let empty = folder + "/empty.pem"
            let noCertificate = folder + "/no-certificate.pem"
            try "".write(toFile: empty, atomically: true, encoding: .utf8)
            try "This file holds no PEM certificate.\n".write(toFile: noCertificate, atomically: true, encoding: .utf8)
            let files = [("a missing CA file", folder + "/missing.pem"), ("an empty CA file", empty),
                         ("a CA file without a certificate", noCertificate)]
            for (label, path) in files {
                try await expectStartRejected(harness, context, label: label, changes: ["EACP_CA_FILE": path], naming: path)
            }
        }
    }

    static func separateStateFolder(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.contract.separate-state-folder",
               "An agent started on another state folder, missing so far, creates it and enrolls as a second agent",
               ["EACP-ENROLL-012"], harness, timeout: .seconds(40)) { harness, context in
            // Rejecting push channels keeps the harness's push channel with its own agent.
            harness.handlers.script.update { $0.acceptPushChannels = false }
            let observations = harness.handlers.observations.value
            let enrollments = observations.requests.filter { $0.value.path == "/eacp/v1/enroll" }.count
            let heartbeats = observations.heartbeats.count
            let process = try harness.launchSeparately("second-agent", changes: [:])
            let folder = harness.separateStateFolder("second-agent")

            let enrolled = try await waitFor(timeout: .seconds(15)) { () -> Bool? in
                guard process.isRunning else { return false }
                let now = harness.handlers.observations.value
                let newEnrollment = now.requests.filter { $0.value.path == "/eacp/v1/enroll" }.count > enrollments
                let firstHeartbeat = now.heartbeats.dropFirst(heartbeats).contains { $0.value.sequenceNumber == 1 }
                return newEnrollment && firstHeartbeat ? true : nil
            }
            let status = await process.stop()
            context.transcript.record("agent", "second agent on \(folder)", "stopped with status \(status.map(String.init) ?? "none, killed")")
            try context.require(
                enrolled == true,
                "the agent on a second state folder did not enroll and send a heartbeat numbered 1 within 15 s; its log ends with:\n"
                    + process.logTail())
            var isFolder: ObjCBool = false
            try context.require(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue,
                                "the agent did not create its missing state folder \(folder)")
        }
    }

    /// Starts a separate agent with `changes` and requires that it exits within 10 s with a
    /// non-zero status and output that contains `naming`.
    static func expectStartRejected(
        _ harness: AgentHarness, _ context: CaseContext, label: String, changes: [String: String?], naming: String
    ) async throws {
        let process = try harness.launchSeparately("rejected-" + UUID().uuidString.prefix(8).lowercased(), changes: changes)
        guard let status = await process.waitForExit(timeout: .seconds(10)) else {
            await process.stop(grace: .seconds(2))
            throw CaseStop.failed("with \(label) the agent was still running 10 s after its start")
        }
        let output = (try? String(contentsOfFile: process.logPath, encoding: .utf8)) ?? ""
        context.transcript.record("agent", "start with \(label)", "exit status \(status); output: \(output.suffix(600))")
        try context.require(status != 0, "with \(label) the agent exited with status 0")
        try context.require(output.contains(naming), "with \(label) the agent's output does not name \(naming): \(output.suffix(600))")
    }
}

extension AgentHarness {
    /// Returns the state folder of the separate agent `name`, which does not exist before that agent starts.
    func separateStateFolder(_ name: String) -> String {
        workDirectory + "/separate/\(name)/state"
    }

    /// Starts another process of the agent under test beside the harness's own agent, with its own
    /// state folder and the launch environment changed by `changes`: a value replaces a variable and
    /// nil removes it. Its output goes to `separate-<name>.log` in the work folder.
    func launchSeparately(_ name: String, changes: [String: String?]) throws(RunnerError) -> ChildProcess {
        var base = environment
        base["EACP_STATE_DIR"] = separateStateFolder(name)
        let removed = Set(changes.filter { $0.value == nil }.keys)
        return try ChildProcess(
            command: agentCommand, environment: base.merging(changes.compactMapValues { $0 }) { _, new in new },
            removing: removed, logPath: workDirectory + "/separate-\(name).log")
    }
}
