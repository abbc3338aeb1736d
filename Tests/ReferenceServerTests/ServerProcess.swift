import Foundation

/// An `eacp-server` child process on a loopback port, for tests that kill it with SIGKILL. The
/// executable is the one built next to the test binary.
final class ServerProcess {
    let process: Process
    let port: UInt16
    let logPath: String

    /// Starts `eacp-server serve` on `dataDirectory` with an ephemeral port and waits for its
    /// `server.started` log line, which names the bound address.
    init(dataDirectory: String, replicaID: String, extraArguments: [String] = []) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("eacp-server")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw TestFailure("\(executable.path) is missing; build it with: swift build --product eacp-server")
        }
        // The log goes to a file, because a pipe nobody drains would block the server once it fills.
        logPath = dataDirectory + "-\(replicaID).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)  // a failure shows when the process opens it
        process = Process()
        process.executableURL = executable
        process.arguments = [
            "serve", "--data-dir", dataDirectory, "--listen-port", "0", "--replica-id", replicaID,
            "--push-ack-timeout-ms", "60000",
        ] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        port = try Self.waitForPort(logPath: logPath, process: process)
    }

    private static func waitForPort(logPath: String, process: Process) throws -> UInt16 {
        // 30 s only stops a test whose child never starts; nothing is asserted about the time.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let line = log.split(separator: "\n").first(where: { $0.contains("event=server.started") }),
                let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
                let port = address.split(separator: ":").last.flatMap({ UInt16($0) })
            {
                return port
            }
            guard process.isRunning else { throw TestFailure("eacp-server exited at start: \(log)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.terminate()
        throw TestFailure("eacp-server did not log server.started within 30 s")
    }

    /// Kills the server with SIGKILL, so it gets no chance to finish anything, and waits for the exit.
    func killNow() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
