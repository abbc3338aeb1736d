import Foundation

/// Runs command-line TLS peers (openssl, curl, python) for the interoperability tests, each bounded by
/// a timeout so a peer that hangs cannot stall the suite.
struct ToolResult: Sendable {
    let exitCode: Int32
    let standardOutput: String
    let standardError: String

    /// Standard output and standard error together, for assertions that do not care which one a line is on.
    var combined: String { standardOutput + standardError }
}

enum TLSTool {
    static let timeout: TimeInterval = 20

    /// Runs `arguments[0]` from PATH with the rest as its arguments, `input` on standard input, and
    /// waits for it to exit on a thread of its own, so a long peer does not hold a thread of the small
    /// cooperative pool that runs the servers' handlers. A run that outlives `timeout` is killed.
    static func run(_ arguments: [String], input: String = "", timeout: TimeInterval = timeout) async throws -> ToolResult {
        try await offPool { try runBlocking(arguments, input: input, timeout: timeout) }
    }

    /// Runs a tool like `run` on the calling thread.
    static func runBlocking(_ arguments: [String], input: String = "", timeout: TimeInterval = timeout) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()

        let watchdog = DispatchWorkItem { [process] in forceStop(process) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()

        // Both pipes are read to the end before waiting, so a chatty tool cannot block on a full pipe.
        let errorReader = PipeReader(stderr)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errorOutput = errorReader.finish()
        process.waitUntilExit()
        watchdog.cancel()
        return ToolResult(
            exitCode: process.terminationStatus, standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: errorOutput, as: UTF8.self))
    }

    /// Kills `process` with SIGKILL. Process.terminate() sends SIGTERM, which the tools inherit blocked
    /// from the test runner's threads, so it would not stop them.
    static func forceStop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The Python interpreter: EACP_PYTHON when set, python3 otherwise.
    static var python: String {
        ProcessInfo.processInfo.environment["EACP_PYTHON"] ?? "python3"
    }

    /// True when `name` is on PATH.
    static func isInstalled(_ name: String) -> Bool {
        (try? runBlocking(["sh", "-c", "command -v \(name)"]).exitCode) == 0
    }
}

/// Reads a pipe to its end on a background thread.
final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ pipe: Pipe) {
        Thread.detachNewThread { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> Data {
        done.wait()
        return data
    }
}

/// A long-running peer (openssl s_server) started in the background and terminated when freed. Its
/// standard input stays open, so s_server keeps serving and prints the application data it receives.
final class BackgroundTool: @unchecked Sendable {
    private let process = Process()
    private let stdin = Pipe()
    private let stdoutReader: PipeReader
    private let stderrReader: PipeReader

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        stdoutReader = PipeReader(stdout)
        stderrReader = PipeReader(stderr)
        try process.run()
    }

    deinit {
        TLSTool.forceStop(process)
    }

    /// Kills the tool and returns everything it printed. Its standard input is closed only afterwards,
    /// because s_server drops the open connection when its standard input ends.
    func stop() -> ToolResult {
        TLSTool.forceStop(process)
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return ToolResult(
            exitCode: process.terminationStatus, standardOutput: String(decoding: stdoutReader.finish(), as: UTF8.self),
            standardError: String(decoding: stderrReader.finish(), as: UTF8.self))
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port`, trying every 20 ms.
    static func waitUntilListening(port: UInt16, timeout: TimeInterval = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? LoopbackSocket.connect(port: port)) != nil { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw LoopbackError(description: "nothing listened on 127.0.0.1:\(port) within \(timeout) s")
    }
}
