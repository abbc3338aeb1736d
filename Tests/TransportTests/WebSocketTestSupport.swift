import Foundation
import Testing

@testable import EACPTransport

/// The interpreter of the virtual environment with `websockets`, or nil when EACP_PYTHON is unset.
let pythonPath = ProcessInfo.processInfo.environment["EACP_PYTHON"]

/// Whether tests that run Python peers can run; scripts/test always sets EACP_PYTHON.
let pythonAvailable = pythonPath != nil

/// Returns the path of a script under Peers/ next to this file.
func peerScript(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/\(name)").path
}

/// A long-running Python peer (proxy or server) that prints its port on its first line of output.
final class PythonPeer: @unchecked Sendable {
    // @unchecked: `process` and the pipes are used from one test task at a time.
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    let port: UInt16

    /// Starts `script`. When `expectingPort` is true, its first line of output must be the port it listens on.
    init(script: String, arguments: [String] = [], expectingPort: Bool = true) async throws {
        let python = try #require(pythonPath, "EACP_PYTHON is not set")
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [peerScript(script)] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard expectingPort else {
            port = 0
            return
        }
        let line = try await Self.readLine(output.fileHandleForReading)
        port = try #require(UInt16(line), "\(script) printed '\(line)' instead of a port")
    }

    /// Reads one line of the peer's output.
    func nextLine() async throws -> String { try await Self.readLine(output.fileHandleForReading) }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    private static func readLine(_ handle: FileHandle) async throws -> String {
        let handle = UncheckedBox(handle)
        return try await offPool {
            var bytes: [UInt8] = []
            while true {
                let data = handle.value.readData(ofLength: 1)
                guard let byte = data.first, byte != 0x0A else { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Performs the upgrade handshake by hand on a raw connection and returns the server's 101 head.
func rawUpgrade(_ raw: RawClient, path: String = "/eacp/v1/push") async throws -> String {
    raw.send(WebSocketHandshake.makeUpgradeRequest(path: path, host: "127.0.0.1", key: WebSocketHandshake.makeKey()).encoded())
    return try await raw.read(until: "\r\n\r\n")
}

/// Returns the bytes of a raw response after its head.
func bytesAfterHead(_ response: String) -> [UInt8] {
    guard let range = response.range(of: "\r\n\r\n") else { return [] }
    return Array(response[range.upperBound...].utf8)
}
