import Foundation
import Synchronization

/// Runs `eacp-conformance` as a user would, with the reference server and agent built next to the
/// test binary, and reads back its exit status, output and JSON report.
enum ConformanceCommand {
    struct Run {
        var status: Int32
        var output: String
        /// Each reported case's status, by case id.
        var cases: [String: String]
        /// Each reported case's requirement ids, by case id.
        var requirements: [String: [String]]
    }

    struct MissingBinary: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing; build it with: swift build" }
    }

    static let binaries = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    static var specFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("spec").path
    }

    /// At most this many runs at once, so parallel tests do not starve each other's timers on a
    /// small machine: the full run against the references shares the machine with one variant run.
    static let slots = RunSlots(count: 2)

    /// Runs the command with `arguments` and `environment` added to this process's environment.
    /// Runner options are placed before any `--`, after which every word belongs to the agent's command.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        let executable = binaries.appendingPathComponent("eacp-conformance")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw MissingBinary(path: executable.path)
        }
        await slots.acquire()
        defer { slots.release() }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(executable, arguments, environment) })
            }
        }
    }

    private static func runBlocking(_ executable: URL, _ arguments: [String], _ environment: [String: String]) throws -> Run {
        let reports = NSTemporaryDirectory() + "eacp-conformance-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: reports) }
        let process = Process()
        process.executableURL = executable
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
        DispatchQueue.global().asyncAfter(deadline: .now() + 480, execute: watchdog)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        var run = Run(status: process.terminationStatus, output: text, cases: [:], requirements: [:])
        if let data = FileManager.default.contents(atPath: reports + "/conformance-report.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            for entry in object["cases"] as? [[String: Any]] ?? [] {
                let id = entry["id"] as? String ?? ""
                run.cases[id] = entry["status"] as? String
                run.requirements[id] = entry["requirements"] as? [String] ?? []
            }
        }
        return run
    }
}

/// A counting semaphore for async callers.
final class RunSlots: Sendable {
    private let state: Mutex<(free: Int, waiting: [CheckedContinuation<Void, Never>])>

    init(count: Int) { state = Mutex((count, [])) }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
