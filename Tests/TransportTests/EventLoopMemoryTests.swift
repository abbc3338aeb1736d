import CEACPLinux
import Foundation
import Glibc
import Testing

@testable import EACPTransport

/// The number of idle connections to measure, from EACP_MEASURE_IDLE_CONNECTIONS; unset skips the measurement.
private let measuredCount = ProcessInfo.processInfo.environment["EACP_MEASURE_IDLE_CONNECTIONS"].flatMap { Int($0) }

/// Heap bytes in use and resident set size, after returning free memory to the system.
private func memoryInUse() -> (heap: Int, resident: Int) {
    malloc_trim(0)
    let heap = Int(mallinfo2().uordblks) + Int(mallinfo2().hblkhd)
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return (heap, kilobytes * 1024)
}

/// Measures what an idle WebSocket connection costs the server, over TLS and in plain text. It prints
/// its numbers and checks only that every connection opened, since the numbers depend on the machine.
@Suite(
    .enabled(if: measuredCount != nil && pythonAvailable, "set EACP_MEASURE_IDLE_CONNECTIONS and EACP_PYTHON to measure"),
    .serialized)
struct EventLoopMemoryTests {
    @Test(arguments: [true, false])
    func measuresIdleWebSocketConnections(tls: Bool) async throws {
        let count = try #require(measuredCount)
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let caFile = try folder.write("ca.pem", try fixtures.caPEM)
        let context = try TLSContext(configuration: fixtures.serverConfiguration())
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = count + 10
        _ = try OpenFileLimit.raise(requested: UInt64(count + 100))

        // The idle clients never reply to pings, so pings wait longer than the measurement takes.
        var webSocketConfiguration = WebSocketConfiguration()
        webSocketConfiguration.pingInterval = .seconds(3600)
        var router = HTTPRouter()
        router.addWebSocket("/eacp/v1/push", configuration: webSocketConfiguration) { _, _ in }

        let group = try EventLoopGroup()
        let server = HTTPServer(configuration: configuration, router: router, group: group) {
            tls ? try TLSSession(context: context) as any StreamSecurity : PlaintextStream()
        }
        let port = try await server.start().port
        let before = memoryInUse()

        let clients = try await PythonPeer(
            script: "idle_websockets.py", arguments: [String(count), String(port)] + (tls ? ["--ca", caFile] : []),
            expectingPort: false)
        #expect(try await clients.nextLine() == "ready")
        try await waitUntil(timeout: Duration.seconds(60)) { server.connectionCount == count }
        let after = memoryInUse()
        print(
            "idle \(tls ? "TLS" : "plaintext") WebSocket connections: \(count); per connection: heap "
                + "\((after.heap - before.heap) / count) bytes, resident \((after.resident - before.resident) / count) bytes")

        clients.stop()
        await server.shutdown(gracePeriod: .seconds(5))
        group.shutdown()
    }
}
