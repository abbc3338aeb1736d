import Foundation

/// A program the runner starts and stops: the reference server, the reference agent, or the
/// agent under test. Its standard error goes to a log file kept with the reports.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `Process` is used from the runner's task only; termination state is read-only.
    public let command: [String]
    public let logPath: String
    private let process = Process()

    /// Starts `command` with `environment` added to the runner's own environment, less the variables
    /// named in `removing`.
    public init(
        command: [String], environment: [String: String], removing: Set<String> = [], logPath: String,
        standardOutputToLog: Bool = true
    ) throws(RunnerError) {
        guard let executable = command.first else { throw RunnerError(.usage, "the command is empty") }
        self.command = command
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw RunnerError(.harness, "cannot write the log file \(logPath)")
        }
        process.executableURL = URL(fileURLWithPath: Self.resolve(executable))
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            .filter { !removing.contains($0.key) }
        process.standardError = log
        process.standardOutput = standardOutputToLog ? log : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw RunnerError(.harness, "cannot start \(command.joined(separator: " ")): \(error.localizedDescription)")
        }
    }

    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }
    public var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Sends SIGTERM and waits up to `grace` for the exit, then sends SIGKILL. Returns the exit status,
    /// or nil when the process had to be killed.
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) async -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        Foundation.kill(process.processIdentifier, SIGTERM)
        let exited = try? await waitFor(timeout: grace, interval: .milliseconds(20)) { [process] in
            process.isRunning ? nil : true
        }
        if exited == nil {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Waits up to `timeout` for the process to exit by itself. Returns its exit status, or nil when
    /// it is still running.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let exited = try? await waitFor(timeout: timeout, interval: .milliseconds(20)) { [process] in
            process.isRunning ? nil : true
        }
        return exited == nil ? nil : process.terminationStatus
    }

    /// Kills the process at once, as a crash or power loss would.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The last `count` bytes of the log, for a failure message.
    public func logTail(_ count: Int = 2_000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(count), as: UTF8.self)
    }

    /// Finds a bare command name on PATH; a name with a slash is used as given.
    static func resolve(_ name: String) -> String {
        if name.contains("/") { return name }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return name
    }
}
