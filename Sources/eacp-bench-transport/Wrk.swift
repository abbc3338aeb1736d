import Foundation

/// One wrk run against a server, with the server's CPU time over the run.
struct WrkResult {
    var requestsPerSecond: Double
    var requests: Int
    /// Connect, read, write and timeout errors together, and responses that were not 2xx or 3xx.
    var errors: Int
    var serverCPUSeconds: Double

    /// Server CPU time per request, in microseconds.
    var cpuMicrosecondsPerRequest: Double { requests > 0 ? serverCPUSeconds / Double(requests) * 1e6 : .nan }
}

/// Runs wrk with a Lua script that POSTs 300 bytes, on kept-alive connections or with
/// `Connection: close` so that every request opens a connection and runs a full TLS handshake.
struct Wrk {
    var connections = 64
    var duration = 10
    let folder: String

    enum Mode: String {
        case keepAlive = "keep-alive"
        case newConnection = "new-connection"
    }

    func run(_ mode: Mode, port: UInt16, serverPID: Int32) throws -> WrkResult {
        let script = folder + "/post-\(mode.rawValue).lua"
        try luaScript(mode).write(toFile: script, atomically: true, encoding: .utf8)
        let wrk = Process()
        wrk.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        wrk.arguments = [
            "-t1", "-c\(connections)", "-d\(duration)s", "-s", script,
            "https://127.0.0.1:\(port)\(BenchServer.postPath)",
        ]
        let output = Pipe()
        wrk.standardOutput = output

        let before = ProcessUsage.read(pid: serverPID)
        try wrk.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        wrk.waitUntilExit()
        let after = ProcessUsage.read(pid: serverPID)
        guard wrk.terminationStatus == 0 else { throw BenchError("wrk exited with \(wrk.terminationStatus): \(text)") }
        return try Self.parse(text, serverCPUSeconds: after.cpuSeconds - before.cpuSeconds)
    }

    private func luaScript(_ mode: Mode) -> String {
        var lines = [
            "wrk.method = \"POST\"",
            "wrk.body = string.rep(\"p\", 300)",
            "wrk.headers[\"Content-Type\"] = \"application/x-protobuf\"",
        ]
        if mode == .newConnection { lines.append("wrk.headers[\"Connection\"] = \"close\"") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads "N requests in T", "Requests/sec: R", "Socket errors: ..." and "Non-2xx or 3xx responses: N".
    static func parse(_ text: String, serverCPUSeconds: Double) throws -> WrkResult {
        var result = WrkResult(requestsPerSecond: .nan, requests: 0, errors: 0, serverCPUSeconds: serverCPUSeconds)
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let words = line.split(separator: " ")
            if line.hasPrefix("Requests/sec:"), let value = words.last.flatMap({ Double($0) }) {
                result.requestsPerSecond = value
            } else if words.count > 2, words[1] == "requests", words[2] == "in", let count = Int(words[0]) {
                result.requests = count
            } else if line.hasPrefix("Socket errors:") {
                result.errors += words.compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.reduce(0, +)
            } else if line.hasPrefix("Non-2xx or 3xx responses:"), let count = words.last.flatMap({ Int($0) }) {
                result.errors += count
            }
        }
        guard result.requests > 0, !result.requestsPerSecond.isNaN else {
            throw BenchError("could not read the request count from wrk's output: \(text)")
        }
        return result
    }
}
