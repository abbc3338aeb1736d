import Foundation
import ReferenceServer

/// The `eacp-server` under test, run as a child process so its memory is measured apart from the
/// simulated agents.
final class BenchServer {
    let process: Process
    let port: UInt16
    let folder: String

    init(folder: String) throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("eacp-server")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw BenchFailure("\(executable.path) is missing; build it with: swift build -c release --product eacp-server")
        }
        self.folder = folder
        let logPath = folder + ".log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)  // a failure shows when the process opens it
        process = Process()
        process.executableURL = executable
        process.arguments = [
            "serve", "--data-dir", folder, "--listen-port", "0", "--log-level", "info",
            // Long enough that no ack times out during a run, so every action takes the push path.
            "--push-ack-timeout-ms", "300000",
            // The benchmark drives few agents at a high rate, which the per-agent limit would reject with 429.
            "--agent-requests-per-second", "1000000", "--agent-request-burst", "1000000",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        port = try Self.waitForPort(logPath: logPath, process: process)
    }

    private static func waitForPort(logPath: String, process: Process) throws -> UInt16 {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let line = log.split(separator: "\n").first(where: { $0.contains("event=server.started") }),
                let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
                let port = address.split(separator: ":").last.flatMap({ UInt16($0) })
            {
                return port
            }
            guard process.isRunning else { throw BenchFailure("eacp-server exited at start: \(log)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw BenchFailure("eacp-server did not log server.started within 60 s")
    }

    /// Reads the resident set size of the server process, in bytes, from /proc/PID/status.
    func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else {
            throw BenchFailure("no VmRSS line in /proc/\(process.processIdentifier)/status")
        }
        return kilobytes * 1024
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: folder)
        try? FileManager.default.removeItem(atPath: folder + ".log")
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
