// Measures the reference agent against an in-process reference server on loopback: idle memory
// and CPU, and security events per second from raised to acknowledged.
import EACPProtocol
import Foundation
import Glibc
import ReferenceAgent
import ReferenceServer

let eventCount = 20_000
let idleSeconds = 10

func residentKilobytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
}

let folder = NSTemporaryDirectory() + "eacp-bench-agent-" + UUID().uuidString
var settings = ServerSettings()
settings.dataDirectory = folder + "/server"
settings.listenPort = 0
settings.heartbeatIntervalMs = 300_000
let server = try ReferenceServer(settings: settings, log: .silent)
let port = try await server.start().port
let tokens = try ServerTokens.read(from: DataFolder(path: settings.dataDirectory).tokensPath)
let options = try AgentOptions(arguments: [], environment: [
    "EACP_SERVER_URL": "https://127.0.0.1:\(port)",
    "EACP_CA_FILE": DataFolder(path: settings.dataDirectory).caCertificatePath,
    "EACP_ENROLLMENT_TOKEN": tokens.enrollmentToken,
    "EACP_STATE_DIR": folder + "/agent",
])
let agent = try Agent(options: options, log: AgentLog(minimumLevel: .error))
let run = Task { try? await agent.run() }
while StatusCommand.read(stateDirectory: options.stateDirectory).isConnected == false {
    try await Task.sleep(for: .milliseconds(50))
}

// Idle: the server and the agent share this process, so the numbers are an upper bound for the agent.
let idleStartCPU = cpuSeconds()
try await Task.sleep(for: .seconds(idleSeconds))
let idleCPU = (cpuSeconds() - idleStartCPU) / Double(idleSeconds) * 100
let idleRSS = residentKilobytes()

let started = Date()
for index in 0..<eventCount {
    _ = try agent.record(type: "bench.event", severity: .low, detail: "event \(index)")
}
while try agent.securityEventQueueDepth() > 0 {
    try await Task.sleep(for: .milliseconds(5))
}
let seconds = Date().timeIntervalSince(started)

print("idle CPU (agent and server, \(idleSeconds) s): \(String(format: "%.2f", idleCPU)) %")
print("resident memory after idle (agent and server): \(idleRSS / 1024) MiB")
print("security events raised to acknowledged: \(eventCount) in \(String(format: "%.2f", seconds)) s = \(Int(Double(eventCount) / seconds)) events/s")
agent.stop()
await run.value
await server.shutdown()
try? FileManager.default.removeItem(atPath: folder)
