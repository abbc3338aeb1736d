import Foundation

/// The side-by-side runs: keep-alive POSTs and new TLS handshakes against our server and nginx,
/// then idle WebSockets held by our server.
struct Comparison {
    var wrk: Wrk
    var runs = 1
    var webSocketSteps = [10_000, 100_000]
    let identity: BenchIdentity
    let executable: String

    func run() throws {
        Report.emit("loopback only; wrk -t1 -c\(wrk.connections) -d\(wrk.duration)s, \(runs) run(s) each, median shown")
        Report.emit(Report.header)
        let ours = try startOurServer(maxConnections: 10_000)
        defer { ours.process.stop() }
        let nginxPort = try Nginx.freePort()
        let nginx = try Nginx.start(identity: identity, port: nginxPort, workers: ProcessInfo.processInfo.activeProcessorCount)
        defer { nginx.stop() }

        for mode in [Wrk.Mode.keepAlive, .newConnection] {
            var ourResults: [WrkResult] = []
            var nginxResults: [WrkResult] = []
            for _ in 0..<runs {
                ourResults.append(try wrk.run(mode, port: ours.port, serverPID: ours.process.pid))
                nginxResults.append(try wrk.run(mode, port: nginxPort, serverPID: nginx.pid))
            }
            Report.printWrk(mode, ours: Report.median(ourResults), nginx: Report.median(nginxResults))
        }
    }

    /// Holds idle WebSockets against a fresh server and prints its memory per connection at each step.
    func runWebSockets() throws {
        guard let largest = webSocketSteps.max() else { return }
        let server = try startOurServer(maxConnections: largest + 1000)
        defer { server.process.stop() }
        let holder = try WebSocketHolder(serverPort: server.port, caPEM: try identity.read(identity.caPath))
        defer { holder.closeAll() }

        // A few connections first, so the baseline includes the loops' buffers and the TLS context.
        holder.open(until: 10, window: 10, deadline: .now + .seconds(10))
        holder.service(for: .seconds(2))
        let baseline = MemorySample(serverPID: server.process.pid, held: holder.tally.held)

        var previous = baseline
        for requested in webSocketSteps.sorted() {
            var step = requested
            if let reason = previous.reasonNotToGrow(from: baseline, to: step) {
                Report.emit("WebSockets \(step): skipped, \(reason)")
                // The largest count the open-file limit allows still shows how memory grows past the last step.
                step = MemorySample.descriptorLimit - MemorySample.spareDescriptors
                guard step > previous.held, previous.reasonNotToGrow(from: baseline, to: step) == nil else { break }
                Report.emit("WebSockets \(step) instead, the most the open-file limit allows:")
            }
            let started = ContinuousClock.now
            holder.open(until: step, window: 256, deadline: started + .seconds(max(60, step / 250)))
            let openSeconds = (ContinuousClock.now - started).seconds
            holder.service(for: .seconds(5))
            let sample = MemorySample(serverPID: server.process.pid, held: holder.tally.held)
            Report.printWebSockets(
                target: step, sample: sample, baseline: baseline,
                openRate: Double(sample.held - previous.held) / openSeconds, tally: holder.tally)
            previous = sample
            if holder.tally.held < step { break }
        }
    }

    private func startOurServer(maxConnections: Int) throws -> (process: ChildProcess, port: UInt16) {
        let process = try ChildProcess(
            executable: executable,
            arguments: ["serve", "--folder", identity.folder, "--max-connections", String(maxConnections)])
        guard let port = UInt16(try process.waitForLine(prefix: "listening ")) else {
            process.stop()
            throw BenchError("the benchmark server printed no port")
        }
        return (process, port)
    }
}

/// Memory of the server, of this process (the load generator) and of the machine at one moment.
struct MemorySample {
    /// Descriptors each process needs beyond one per connection: listeners, epoll, pipes, libraries.
    static let spareDescriptors = 100

    /// This process's open-file limit; the server inherits the same.
    static var descriptorLimit: Int {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(clamping: limit.rlim_cur)
    }

    let held: Int
    let serverBytes: Int
    let clientBytes: Int
    let availableBytes: Int

    init(serverPID: Int32, held: Int) {
        self.held = held
        serverBytes = ProcessUsage.read(pid: serverPID).residentBytes
        clientBytes = ProcessUsage.read(pid: getpid()).residentBytes
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let line = meminfo.split(separator: "\n").first { $0.hasPrefix("MemAvailable:") } ?? ""
        availableBytes = (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
    }

    /// Why growing to `target` connections should not be tried: the open-file limit is too low, or the
    /// growth seen so far, extrapolated, would take more than half of the available memory.
    func reasonNotToGrow(from baseline: MemorySample, to target: Int) -> String? {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if Self.descriptorLimit < target + Self.spareDescriptors {
            return "the open-file limit is \(limit.rlim_cur) (hard limit \(limit.rlim_max)), and the server and this "
                + "process each need about \(target + Self.spareDescriptors). Raise the hard limit as a user with "
                + "CAP_SYS_RESOURCE (ulimit -Hn), then run again"
        }
        let added = held - baseline.held
        guard added > 0 else { return nil }
        let perConnection = (serverBytes + clientBytes - baseline.serverBytes - baseline.clientBytes) / added
        let needed = perConnection * (target - held)
        if needed > availableBytes / 2 {
            return "an estimated \(needed >> 20) MiB is needed and only \(availableBytes >> 20) MiB is available"
        }
        return nil
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
