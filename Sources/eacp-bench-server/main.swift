import EACPProtocol
import EACPTransport
import Foundation

// Measures the reference server with simulated agents on loopback: heartbeats per second, the
// latency from queueing an action to its stored ack, and server memory per open push channel.
// `swift run -c release eacp-bench-server [--agents N] [--seconds S] [--samples M] [--concurrency C]`

struct Options {
    var agents = 1_000
    var seconds = 10.0
    var samples = 200
    var concurrency = 64

    init(arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            guard index + 1 < arguments.count else { throw BenchFailure("\(arguments[index]) needs a value") }
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--agents": agents = try Self.positive(value, arguments[index])
            case "--seconds": seconds = Double(try Self.positive(value, arguments[index]))
            case "--samples": samples = try Self.positive(value, arguments[index])
            case "--concurrency": concurrency = try Self.positive(value, arguments[index])
            default: throw BenchFailure("unknown option \(arguments[index])")
            }
            index += 2
        }
        samples = min(samples, agents)
    }

    private static func positive(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw BenchFailure("\(name) must be a positive integer, not \(text)") }
        return value
    }
}

/// Sends heartbeats from every agent in turn, `concurrency` at a time, for `seconds`, and returns how many completed.
func measureHeartbeats(_ fleet: SimulatedFleet, _ agents: [SimulatedAgent], options: Options) async throws -> Int {
    let deadline = Date().addingTimeInterval(options.seconds)
    return try await withThrowingTaskGroup(of: Int.self) { tasks in
        for worker in 0..<options.concurrency {
            tasks.addTask {
                let mine = Array(stride(from: worker, to: agents.count, by: options.concurrency).map { agents[$0] })
                var completed = 0
                while Date() < deadline, !mine.isEmpty {
                    try await fleet.heartbeat(mine[completed % mine.count])
                    completed += 1
                }
                return completed
            }
        }
        return try await tasks.reduce(0, +)
    }
}

/// Queues one action at a time for a different connected agent, waits for its push, acks it over
/// HTTPS (200 means the ack is stored) and returns each latency in milliseconds.
func measureQueueToAck(
    _ fleet: SimulatedFleet, _ agents: [SimulatedAgent], _ channels: [WebSocket], options: Options
) async throws -> [Double] {
    let admin = HTTPClient(connector: try fleet.connector(), group: fleet.group)
    var latencies: [Double] = []
    let step = max(1, agents.count / options.samples)
    for sample in 0..<options.samples {
        let index = (sample * step) % agents.count
        let started = ContinuousClock.now
        try await fleet.queueAction(for: agents[index], admin: admin)
        // A closed channel ends the stream, so `next()` returns nil rather than waiting forever.
        var messages = channels[index].messages.makeAsyncIterator()
        guard let bytes = await messages.next(), let message = try? PushMessage(wireBytes: bytes),
            case .serverPush(let push)? = message.direction, case .action(let envelope)? = push.payload
        else { throw BenchFailure("agent \(agents[index].agentID) received no action") }
        try await fleet.ack(agents[index], actionID: envelope.actionId)
        let elapsed = ContinuousClock.now - started
        latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
    }
    return latencies.sorted()
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
}

/// Writes one result line at once, unbuffered, so a long run shows each result as soon as it is measured.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func run(options: Options) async throws {
    let folder = NSTemporaryDirectory() + "eacp-bench-server-" + UUID().uuidString
    let server = try BenchServer(folder: folder)
    defer { server.stop() }
    let fleet = try SimulatedFleet(server: server)

    let agents = try await fleet.enroll(count: options.agents, concurrency: 16)
    report("enrolled \(agents.count) agents")
    // One untimed heartbeat per agent first, so the timed phase measures keep-alive connections and not
    // each agent's first TLS handshake.
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        for worker in 0..<options.concurrency {
            tasks.addTask {
                for index in stride(from: worker, to: agents.count, by: options.concurrency) {
                    try await fleet.heartbeat(agents[index])
                }
            }
        }
        try await tasks.waitForAll()
    }
    let heartbeats = try await measureHeartbeats(fleet, agents, options: options)
    report("agents: \(options.agents), heartbeat concurrency: \(options.concurrency), duration: \(options.seconds) s")
    report(String(format: "heartbeats/s: %.0f (%d in total)", Double(heartbeats) / options.seconds, heartbeats))

    let before = try server.residentBytes()
    var channels: [WebSocket] = []
    for agent in agents {
        channels.append(try await WebSocketClient.connect(agent.connector, path: "/eacp/v1/push", group: fleet.group))
    }
    // The server registers a channel just after the upgrade; a short pause lets the last ones settle.
    try await Task.sleep(for: .seconds(1))
    let after = try server.residentBytes()
    report(String(format: "server RSS: %.1f MiB before push channels, %.1f MiB with %d open",
                 Double(before) / 1_048_576, Double(after) / 1_048_576, channels.count))
    report(String(format: "memory per connected agent: %.1f KiB (RSS delta / N)", Double(after - before) / 1024 / Double(channels.count)))

    let latencies = try await measureQueueToAck(fleet, agents, channels, options: options)
    report(String(format: "queue-to-ack latency over %d actions: p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                 latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.last ?? 0))
    channels.forEach { $0.close() }
}

do {
    try await run(options: try Options(arguments: Array(CommandLine.arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("eacp-bench-server: \(error)\n".utf8))
    exit(1)
}
