// Benchmarks EACP's transport against nginx on loopback: HTTPS POSTs on kept-alive connections, new
// TLS 1.2 handshakes, and idle WebSockets held with the server's memory per connection.
//
//   eacp-bench-transport run [--duration SECONDS] [--connections N] [--runs N] [--websockets N,N,...]
//   eacp-bench-transport serve --folder FOLDER [--max-connections N]
//
// `run` needs nginx and wrk (scripts/bench-transport installs them) and starts `serve`, the server under
// test, as a child process so its CPU time and memory can be read apart from the load generators.
import Foundation

func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func integerOption(_ name: String, in arguments: [String], default value: Int) throws -> Int {
    guard let text = option(name, in: arguments) else { return value }
    guard let number = Int(text), number > 0 else { throw BenchError("\(name) needs a positive integer, not \(text)") }
    return number
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "serve":
        guard let folder = option("--folder", in: arguments) else { throw BenchError("serve needs --folder") }
        let maxConnections = try integerOption("--max-connections", in: arguments, default: 10_000)
        try await BenchServer.serve(identity: BenchIdentity(folder: folder), maxConnections: maxConnections)
    case "run":
        let folder = NSTemporaryDirectory() + "eacp-bench-transport-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var wrk = Wrk(folder: folder)
        wrk.duration = try integerOption("--duration", in: arguments, default: 10)
        wrk.connections = try integerOption("--connections", in: arguments, default: 64)
        var comparison = Comparison(
            wrk: wrk, identity: try BenchIdentity.create(in: folder), executable: Bundle.main.executablePath!)
        comparison.runs = try integerOption("--runs", in: arguments, default: 1)
        if let steps = option("--websockets", in: arguments) {
            comparison.webSocketSteps = try steps.split(separator: ",").map {
                guard let count = Int($0), count > 0 else { throw BenchError("--websockets needs counts such as 10000,100000") }
                return count
            }
        }
        try comparison.run()
        try comparison.runWebSockets()
    default:
        throw BenchError("usage: eacp-bench-transport run [--duration S] [--connections N] [--runs N] [--websockets N,N]")
    }
} catch {
    FileHandle.standardError.write(Data("eacp-bench-transport: \(error)\n".utf8))
    exit(1)
}
