import EACPVectors
import Foundation

/// One invocation of the runner: starts what the mode needs, runs the cases, writes the reports and
/// returns the exit status.
public struct ConformanceRun: Sendable {
    public let options: CommandLineOptions
    /// Where progress lines and the summary go.
    public let output: @Sendable (String) -> Void
    /// Folder of the package's executables (eacp-server, eacp-agent), for reference mode.
    public let executableFolder: String

    public init(options: CommandLineOptions, executableFolder: String, output: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.executableFolder = executableFolder
        self.output = output
    }

    public func execute() async -> ExitStatus {
        do {
            let knownFailures = try options.run.knownFailuresPath.map { path throws(RunnerError) in
                try KnownFailures.load(path: path)
            }
            if options.listOnly {
                for conformanceCase in allCases(server: .placeholder, agent: nil) where options.run.selects(conformanceCase.id) {
                    output("\(conformanceCase.id)  [\(conformanceCase.profile.rawValue)] \(conformanceCase.requirements.joined(separator: " "))  \(conformanceCase.title)")
                }
                return .passed
            }
            var report = try await runCases()
            if let knownFailures {
                report.apply(knownFailures, allCaseIDs: Set(allCases(server: .placeholder, agent: nil).map(\.id)))
            }
            let files = try ReportWriter.write(report)
            output(ConsoleReport.summary(report, reportFiles: files))
            return report.exitStatus
        } catch {
            output("eacp-conformance: \(error.message)")
            return error.code == .staleKnownFailures ? .staleKnownFailures : .harnessError
        }
    }

    /// Every case of the mode, in run order.
    func allCases(server: ServerTarget?, agent: AgentHarness?) -> [ConformanceCase] {
        switch options.mode {
        case .reference:
            return VectorCases.all(spec: specDirectory) + ServerCases.all(server ?? .placeholder)
                + AgentCases.all(agent, eventCommand: nil)
        case .agent:
            return AgentCases.all(agent, eventCommand: options.eventCommand)
        case .server:
            return ServerCases.all(server ?? .placeholder)
        }
    }

    /// The reference agent's own way to record a security event, which exercises `--event-command`;
    /// `eacp-agent event` finds the running agent through EACP_STATE_DIR.
    var referenceEventCommand: String {
        "'\(executableFolder)/eacp-agent' event --type conformance.test --severity low --detail 'conformance run'"
    }

    var specDirectory: SpecDirectory? {
        if let folder = options.specFolder { return SpecDirectory(url: URL(fileURLWithPath: folder)) }
        return SpecDirectory.find(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    private func runCases() async throws(RunnerError) -> RunReport {
        let started = Date()
        let clock = ContinuousClock.now
        let runner = SuiteRunner(options: options.run) { event in
            if let line = ConsoleReport.progressLine(event) { output(line) }
        }
        let work = try Self.makeWorkFolder()
        var results: [CaseResult] = []
        var target = ""
        switch options.mode {
        case .reference:
            target = "reference server and agent"
            results += await runner.run(VectorCases.all(spec: specDirectory))
            results += try await runReferenceServer(runner, work: work)
            results += try await runAgent(
                runner, command: [executableFolder + "/eacp-agent", "run"], work: work, eventCommand: referenceEventCommand)
        case .agent(let command):
            target = command.joined(separator: " ")
            results += try await runAgent(runner, command: command, work: work, eventCommand: options.eventCommand)
        case .server(let url, let token, let caFile):
            let server = try ServerTarget(url: url, caFile: caFile, adminToken: token)
            target = server.url
            results += await runner.run(ServerCases.all(server))
        }
        return RunReport(
            mode: options.mode.name, target: target, options: options.run, startedAt: started,
            durationMs: (ContinuousClock.now - clock).milliseconds, results: results)
    }

    private func runReferenceServer(_ runner: SuiteRunner, work: String) async throws(RunnerError) -> [CaseResult] {
        let cases = ServerCases.all(.placeholder).filter { options.run.selects($0.id) }
        guard !cases.isEmpty else { return [] }
        output("-- starting the reference server")
        let server = try await ReferenceServerProcess(executable: executableFolder + "/eacp-server", workDirectory: work)
        let results = await runner.run(ServerCases.all(server.target))
        await server.stop()
        return results
    }

    private func runAgent(_ runner: SuiteRunner, command: [String], work: String, eventCommand: String?)
        async throws(RunnerError) -> [CaseResult]
    {
        let cases = AgentCases.all(nil, eventCommand: eventCommand).filter { options.run.selects($0.id) }
        guard !cases.isEmpty else { return [] }
        output("-- starting the harness server and the agent: \(command.joined(separator: " "))")
        let harness = try await AgentHarness(agentCommand: command, workDirectory: work)
        let results = await runner.run(AgentCases.all(harness, eventCommand: eventCommand))
        await harness.stop()
        return results
    }

    static func makeWorkFolder() throws(RunnerError) -> String {
        let path = NSTemporaryDirectory() + "eacp-conformance-" + UUID().uuidString.prefix(8).lowercased()
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RunnerError(.harness, "cannot create the work folder \(path): \(error.localizedDescription)")
        }
        return path
    }
}

extension CommandLineOptions.Mode {
    var name: String {
        switch self {
        case .reference: "reference"
        case .agent: "agent"
        case .server: "server"
        }
    }
}

extension ServerTarget {
    /// A target for listing cases, never connected to.
    static let placeholder = ServerTarget(host: "127.0.0.1", port: 9, caPEM: "", adminToken: "")
}
