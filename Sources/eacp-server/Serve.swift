import Dispatch
import EACPTransport
import Foundation
import ReferenceServer

/// `eacp-server serve`: runs the server until SIGTERM or SIGINT, then drains and exits 0.
enum Serve {
    static func run(settings: ServerSettings) async throws {
        let log = ServerLog(minimumLevel: settings.logLevel)
        let firstStart = !FileManager.default.fileExists(atPath: DataFolder(path: settings.dataDirectory).tokensPath)
        let server: ReferenceServer
        do {
            server = try ReferenceServer(settings: settings, log: log)
        } catch {
            log.error("server.start_failed", ["data_dir": settings.dataDirectory, "error": error])
            exit(1)
        }
        if firstStart, let tokens = try? ServerTokens.read(from: server.context.dataFolder.tokensPath) {
            // Printed once, to standard output rather than the log; `eacp-server tokens` shows them again.
            let text = """
                First start: created \(settings.dataDirectory)
                admin token:      \(tokens.adminToken)
                enrollment token: \(tokens.enrollmentToken)

                """
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        do {
            _ = try await server.start()
        } catch {
            log.error("server.start_failed", ["host": settings.listenHost, "port": settings.listenPort, "error": error])
            exit(1)
        }

        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "signals")
            var sources: [DispatchSourceSignal] = []
            for number in [SIGTERM, SIGINT] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler {
                    sources.forEach { $0.cancel() }
                    continuation.resume()
                }
                source.resume()
                sources.append(source)
            }
        }
        await server.shutdown()
    }
}
