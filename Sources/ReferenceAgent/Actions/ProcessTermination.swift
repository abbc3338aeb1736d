import EACPProtocol
import Foundation
import Glibc

/// Terminates a process named by pid, guarded by its start time and executable so a reused pid is
/// never hit. Reads Linux's /proc.
enum ProcessTermination {
    struct ProcessInfo: Equatable {
        var pid: Int32
        var parent: Int32
        var state: Character
        var startUnixMs: Int64
    }

    /// /proc gives the boot time in whole seconds, so two start times within a second match.
    static let startTimeTolerance: Int64 = 1_000

    static func terminate(_ parameters: TerminateProcessParameters) async -> ActionOutcome {
        let pid = Int32(bitPattern: parameters.pid)
        guard pid > 0, let info = processInfo(pid), info.state != "Z" else {
            return .failed(.notFound, "no process has pid \(parameters.pid)")
        }
        if parameters.processStartUnixMs != 0, !BrokenVariant.isActive(.ignoresProcessStartTime),
            abs(info.startUnixMs - parameters.processStartUnixMs) > startTimeTolerance
        {
            return .failed(.notFound, "process \(pid) started at \(info.startUnixMs), not \(parameters.processStartUnixMs)")
        }
        if !parameters.executablePath.isEmpty {
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? ""
            guard executable == parameters.executablePath else {
                return .failed(.notFound, "process \(pid) runs \"\(executable)\", not \(parameters.executablePath)")
            }
        }

        let withDescendants = parameters.includeDescendants && !BrokenVariant.isActive(.ignoresIncludeDescendants)
        let targets = withDescendants ? descendants(of: pid) + [pid] : [pid]
        for target in targets where kill(target, SIGTERM) != 0 && errno == EPERM {
            return .failed(.permissionDenied, "the agent may not signal process \(target)")
        }
        if await waitForExit(targets, milliseconds: 5_000) { return .succeeded("terminated \(targets.count) process(es)") }
        for target in targets { kill(target, SIGKILL) }
        if await waitForExit(targets, milliseconds: 5_000) {
            return .succeeded("killed \(targets.count) process(es) after SIGTERM was not enough")
        }
        return .failed(.internal, "process \(pid) did not exit after SIGKILL")
    }

    /// Waits until every process is gone or a zombie waiting for its parent.
    private static func waitForExit(_ pids: [Int32], milliseconds: Int) async -> Bool {
        for _ in 0..<(milliseconds / 50) {
            if pids.allSatisfy({ processInfo($0).map { $0.state == "Z" } ?? true }) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static func processInfo(_ pid: Int32) -> ProcessInfo? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name, which may itself hold spaces and brackets.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = Int32(fields[1]),
            let startTicks = Int64(fields[19])
        else { return nil }
        let ticks = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return ProcessInfo(pid: pid, parent: parent, state: state, startUnixMs: bootUnixMs() + startTicks * 1_000 / ticks)
    }

    private static func bootUnixMs() -> Int64 {
        let text = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("btime ") }
        return (line.flatMap { Int64($0.dropFirst(6)) } ?? 0) * 1_000
    }

    private static func descendants(of root: Int32) -> [Int32] {
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init)
            .compactMap(processInfo)
        var found: [Int32] = []
        var frontier = [root]
        while let parent = frontier.popLast() {
            let children = all.filter { $0.parent == parent }.map(\.pid)
            found += children
            frontier += children
        }
        return found
    }
}
