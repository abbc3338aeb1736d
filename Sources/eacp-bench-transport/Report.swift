import Foundation

/// Formats the benchmark's rows: our value, nginx's, the ratio and the target.
enum Report {
    /// Writes one line at once, unbuffered, so rows show up while a run through a pipe continues.
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static let header = pad("", 34) + pad("ours", 12) + pad("nginx", 12) + pad("ratio", 8) + "target"

    static func printWrk(_ mode: Wrk.Mode, ours: WrkResult, nginx: WrkResult) {
        let (name, target, cpuName) =
            mode == .keepAlive
            ? ("keep-alive POST/s", 0.8, "  server CPU per request (µs)")
            : ("new TLS handshakes/s", 0.9, "  server CPU per handshake (µs)")
        let ratio = ours.requestsPerSecond / nginx.requestsPerSecond
        emit(
            pad(name, 34) + pad(format(ours.requestsPerSecond, 0), 12) + pad(format(nginx.requestsPerSecond, 0), 12)
                + pad(format(ratio, 2), 8) + "≥ \(format(target, 1))× nginx " + (ratio >= target ? "met" : "MISSED"))
        let cpuRatio = ours.cpuMicrosecondsPerRequest / nginx.cpuMicrosecondsPerRequest
        emit(
            pad(cpuName, 34) + pad(format(ours.cpuMicrosecondsPerRequest, 1), 12)
                + pad(format(nginx.cpuMicrosecondsPerRequest, 1), 12) + pad(format(cpuRatio, 2), 8))
        if ours.errors + nginx.errors > 0 {
            emit("  errors reported by wrk: ours \(ours.errors), nginx \(nginx.errors)")
        }
    }

    static func printWebSockets(
        target: Int, sample: MemorySample, baseline: MemorySample, openRate: Double, tally: WebSocketHolder.Tally
    ) {
        let added = sample.held - baseline.held
        let perConnection = added > 0 ? Double(sample.serverBytes - baseline.serverBytes) / Double(added) / 1024 : .nan
        let ratio = perConnection / 16
        emit(
            pad("idle WebSockets held (of \(target))", 34) + pad(String(sample.held), 12) + pad("-", 12) + pad("-", 8)
                + (sample.held >= target ? "held" : "NOT all held"))
        emit(
            pad("  server KiB per WebSocket", 34) + pad(format(perConnection, 1), 12) + pad("-", 12)
                + pad(format(ratio, 2), 8) + "≤ 16 KiB " + (ratio <= 1 ? "met" : "MISSED"))
        emit(
            "  server RSS \(sample.serverBytes >> 20) MiB (baseline \(baseline.serverBytes >> 20) MiB); "
                + "\(format(openRate, 0)) connections opened per second (TLS handshake and upgrade)")
        if tally.failed > 0 {
            emit("  failed connections: \(tally.failed), first: \(tally.firstError ?? "")")
        }
    }

    static func median(_ results: [WrkResult]) -> WrkResult {
        results.sorted { $0.requestsPerSecond < $1.requestsPerSecond }[results.count / 2]
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let rounded = (value * factor).rounded() / factor
        return decimals == 0 ? String(Int(rounded)) : String(rounded)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
