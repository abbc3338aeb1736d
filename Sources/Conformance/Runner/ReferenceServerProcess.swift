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
        let port = try Self.freePort()
        process = try ChildProcess(
            command: [executable, "serve", "--data-dir", dataDirectory, "--listen-host", "127.0.0.1", "--listen-port", String(port)]
                + Self.settings,
            environment: environment, logPath: workDirectory + "/reference-server.log")

        let probe = ServerProbe(host: "127.0.0.1", port: port)
        let ready = try? await waitFor(timeout: .seconds(20), interval: .milliseconds(100)) { [process] in
            if !process.isRunning { return false }
            return probe.normalHandshake() == nil ? true : nil
        }
        guard ready == true else {
            await process.stop(grace: .seconds(2))
            throw RunnerError(.harness, "the reference server did not start on 127.0.0.1:\(port): \(process.logTail())")
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

    /// A loopback port that is free now. Another program may take it before the server binds it, which
    /// then fails the start with a clear message.
    static func freePort() throws(RunnerError) -> UInt16 {
        do {
            let listener = try ProbeListener()
            defer { listener.close() }
            return listener.port
        } catch {
            throw RunnerError(.harness, "cannot find a free loopback port: \(error)")
        }
    }
}
