import Foundation

/// The reference server started as a separate process on a loopback port, with a fresh data folder,
/// for server mode against the reference implementation.
public final class ReferenceServerProcess: Sendable {
    public let process: ChildProcess
    public let target: ServerTarget
    public let dataDirectory: String

    /// Server settings that make timer cases take seconds: push acks time out after 1 s instead of
    /// 10 s, and expired actions are swept every few seconds by the server itself.
    public static let settings: [String] = ["--push-ack-timeout-ms", "1000", "--heartbeat-jitter-ms", "0"]

    /// Starts `executable` and waits until it completes a TLS handshake.
    public init(executable: String, workDirectory: String, environment: [String: String] = [:]) async throws(RunnerError) {
        dataDirectory = workDirectory + "/server-data"
        // Port 0 lets the server take a free port itself, so runs side by side never race for one.
        process = try ChildProcess(
            command: [executable, "serve", "--data-dir", dataDirectory, "--listen-host", "127.0.0.1", "--listen-port", "0"]
                + Self.settings,
            environment: environment, logPath: workDirectory + "/reference-server.log")

        let ready = try? await waitFor(timeout: .seconds(20), interval: .milliseconds(100)) { [process] () -> UInt16? in
            if !process.isRunning { return 0 }
            guard let port = Self.listeningPort(log: process.logTail(1_000_000)) else { return nil }
            return ServerProbe(host: "127.0.0.1", port: port).normalHandshake() == nil ? port : nil
        }
        guard let port = ready ?? nil, port != 0 else {
            await process.stop(grace: .seconds(2))
            throw RunnerError(.harness, "the reference server did not start on 127.0.0.1: \(process.logTail())")
        }
        do {
            let tokens = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: dataDirectory + "/tokens.json"))) as? [String: Any]
            let caPEM = try String(contentsOfFile: dataDirectory + "/ca.pem", encoding: .utf8)
            guard let adminToken = tokens?["admin_token"] as? String else { throw ProbeError("tokens.json has no admin_token") }
            target = ServerTarget(host: "127.0.0.1", port: port, caPEM: caPEM, adminToken: adminToken)
        } catch {
            await process.stop(grace: .seconds(2))
            throw RunnerError(.harness, "cannot read the reference server's CA or tokens in \(dataDirectory): \(error)")
        }
    }

    public func stop() async {
        await process.stop()
    }

    /// Returns the port in the reference server's `event=server.started ... address=HOST:PORT` log line,
    /// or nil while that line is not written yet.
    static func listeningPort(log: String) -> UInt16? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("event=server.started") }),
            let address = line.split(separator: " ").first(where: { $0.hasPrefix("address=") })
        else { return nil }
        return address.split(separator: ":").last.flatMap { UInt16($0) }
    }
}
