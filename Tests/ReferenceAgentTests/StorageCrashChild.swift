import Foundation

/// How a run of `eacp-storage-crashtest` went: the write numbers it acknowledged before it was killed.
struct CrashChildRun {
    var acknowledged: [Int]
    var terminationReason: Process.TerminationReason
    var terminationStatus: Int32
}

struct CrashChildMissing: Error, CustomStringConvertible {
    let path: String
    var description: String {
        "\(path) is missing; build it with: swift build --product eacp-storage-crashtest"
    }
}

/// Starts `eacp-storage-crashtest` (built next to the test binary), reads acknowledged write
/// numbers until there are `count`, then kills it with SIGKILL while it keeps writing.
func runCrashChild(mode: String, databasePath: String, killAfter count: Int) throws -> CrashChildRun {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("eacp-storage-crashtest")
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
        throw CrashChildMissing(path: executable.path)
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = [mode, databasePath]
    let output = Pipe()
    process.standardOutput = output
    try process.run()

    // Only a guard against a hung child; the tests assert nothing about time.
    let watchdog = DispatchWorkItem { kill(process.processIdentifier, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
    defer { watchdog.cancel() }

    let acknowledged = readNumbers(from: output.fileHandleForReading, until: count)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    return CrashChildRun(
        acknowledged: acknowledged, terminationReason: process.terminationReason,
        terminationStatus: process.terminationStatus)
}

/// Reads newline-separated numbers until `count` arrived or the pipe closed.
private func readNumbers(from reader: FileHandle, until count: Int) -> [Int] {
    var numbers: [Int] = []
    var pending = Data()
    while numbers.count < count {
        let chunk = reader.availableData
        if chunk.isEmpty {
            break
        }
        pending.append(chunk)
        while let newline = pending.firstIndex(of: 0x0A) {
            let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
            pending.removeSubrange(pending.startIndex...newline)
            if let number = Int(line) {
                numbers.append(number)
            }
        }
    }
    return numbers
}
