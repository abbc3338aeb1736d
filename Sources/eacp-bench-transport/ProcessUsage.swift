import Foundation
import Glibc

/// CPU time and resident memory of a server, read from /proc: one process for our server, the master
/// and its workers for nginx.
struct ProcessUsage {
    /// User plus system CPU time, in seconds.
    var cpuSeconds: Double
    /// Resident set size, in bytes.
    var residentBytes: Int

    /// Sums the usage of `pid` and of its direct children.
    static func read(pid: Int32) -> ProcessUsage {
        var usage = ProcessUsage(cpuSeconds: 0, residentBytes: 0)
        for process in [pid] + children(of: pid) {
            usage.cpuSeconds += cpuSeconds(of: process)
            usage.residentBytes += residentBytes(of: process)
        }
        return usage
    }

    /// Reads utime and stime (fields 14 and 15 of /proc/PID/stat) in clock ticks.
    private static func cpuSeconds(of pid: Int32) -> Double {
        guard let fields = statFields(of: pid), fields.count > 12 else { return 0 }
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func residentBytes(of pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        let kibibytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kibibytes * 1024
    }

    /// The fields of /proc/PID/stat after the command name, which is in parentheses and may hold spaces;
    /// index 0 is the state (field 3).
    private static func statFields(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: end)...].split(separator: " ")
    }

    private static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { candidate in
            guard let fields = statFields(of: candidate), fields.count > 1 else { return false }
            return Int32(fields[1]) == pid
        }
    }
}

/// A child process whose standard input stays open until `stop`, so a server that waits on it ends
/// with the parent even when the parent dies.
final class ChildProcess {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(executable: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Reads standard output up to the first line that starts with `prefix` and returns the rest of it.
    func waitForLine(prefix: String) throws -> String {
        var text = ""
        while true {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError("\(process.executableURL!.path) exited before printing \(prefix)") }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }), text.contains("\n") {
                return String(line.dropFirst(prefix.count))
            }
        }
    }

    /// Closes standard input, sends SIGTERM, and waits for the process to end.
    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// A benchmark step that could not run, with the reason.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
