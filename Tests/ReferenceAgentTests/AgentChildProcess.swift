import Foundation
@testable import ReferenceAgent

struct AgentBinaryMissing: Error, CustomStringConvertible {
    let path: String
    var description: String { "\(path) is missing; build it with: swift build --product eacp-agent" }
}

/// `eacp-agent` (built next to the test binary) running as a child process, so that a test can
/// kill it with SIGKILL the way a crash or power loss would stop it.
final class AgentChildProcess {
    static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("eacp-agent")

    let stateDirectory: String
    private let process = Process()

    /// Starts `eacp-agent run` with the launch contract's `environment`; its log goes to `logPath`.
    init(environment: [String: String], logPath: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable.path) else {
            throw AgentBinaryMissing(path: Self.executable.path)
        }
        stateDirectory = environment["EACP_STATE_DIR"] ?? ""
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)  // a failure shows when the process opens it
        process.executableURL = Self.executable
        process.arguments = ["run"]
        process.environment = environment
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// The status the agent last wrote, or nil while it has written none.
    var status: StatusSnapshot? {
        if case .running(let snapshot) = StatusCommand.read(stateDirectory: stateDirectory) { return snapshot }
        return nil
    }

    /// Records a security event through `eacp-agent event`, as an operator or a sensor would, and
    /// returns the event id it prints.
    func recordEvent(type: String) throws -> String {
        let command = Process()
        command.executableURL = Self.executable
        command.arguments = ["event", "--type", type, "--severity", "high", "--state-dir", stateDirectory]
        let output = Pipe()
        command.standardOutput = output
        try command.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        command.waitUntilExit()
        guard command.terminationStatus == 0 else {
            throw TestFailure("eacp-agent event exited with status \(command.terminationStatus)")
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the agent at once, with no chance to finish a write or flush a file.
    func killNow() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Stops the agent the way an operator does and waits for it to exit.
    func terminate() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}
