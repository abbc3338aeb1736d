import Foundation
import Glibc
import Testing

@testable import EACPTransport

/// The routes every end-to-end HTTP test serves.
func testRouter() -> HTTPRouter {
    var router = HTTPRouter()
    let protobuf = HTTPRouteOptions(maxBodyBytes: 64, acceptedContentTypes: ["application/x-protobuf"])
    router.add(.post, "/eacp/v1/heartbeat", options: protobuf) { request in
        HTTPResponse(headers: ["Content-Type": "application/x-protobuf"], body: request.body.reversed())
    }
    router.add(.get, "/eacp/v1/content/{revision}") { request in
        let content = Array("revision \(request.pathParameters["revision"] ?? "?") content".utf8)
        return HTTPResponse.ranged(content, for: request.head, contentType: "application/octet-stream")
    }
    router.add(.post, "/busy") { _ in
        throw HTTPError(.tooManyRequests, "slow down", retryAfterSeconds: 7)
    }
    router.add(.post, "/slow") { request in
        try await Task.sleep(for: .milliseconds(300))
        return HTTPResponse(body: request.body)
    }
    router.add(.post, "/fail") { _ in
        struct Broken: Error {}
        throw Broken()
    }
    router.addWebSocket("/eacp/v1/push") { webSocket, _ in
        Task {
            for await message in webSocket.messages { webSocket.send(message.reversed()) }
        }
    }
    return router
}

/// Runs `body` against a plaintext server on 127.0.0.1 and shuts both the server and its loops down after.
func withTestServer(
    configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    router: HTTPRouter = testRouter(),
    _ body: (HTTPServer, EventLoopGroup, UInt16) async throws -> Void
) async throws {
    var configuration = HTTPServerConfiguration()
    configure(&configuration)
    let group = try EventLoopGroup(loopCount: 2)
    let server = HTTPServer(configuration: configuration, router: router, group: group) { PlaintextStream() }
    let address = try await server.start()
    do {
        try await body(server, group, address.port)
    } catch {
        await server.shutdown(gracePeriod: .seconds(1))
        group.shutdown()
        throw error
    }
    await server.shutdown(gracePeriod: .seconds(1))
    group.shutdown()
}

/// Returns a plaintext connector for `port` on 127.0.0.1.
func plaintextConnector(port: UInt16, proxy: HTTPProxyConfiguration? = nil) -> ClientConnector {
    ClientConnector(host: "127.0.0.1", port: port, proxy: proxy) { PlaintextStream() }
}

/// Runs blocking work on its own thread, so it cannot starve the small cooperative pool that runs the
/// server's handlers.
func offPool<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Swift.Result { try body() }) }.start()
    }
}

/// A blocking TCP client for sending exact bytes and reading exact responses.
final class RawClient: Sendable {
    let fd: Int32

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SystemError.last("socket") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)  // Guards against a hanging test only.
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let address = SocketAddress(ipAddress: "127.0.0.1", port: port)!
        guard address.withSockAddr({ Glibc.connect(fd, $0, $1) }) == 0 else {
            let error = SystemError.last("connect")
            Glibc.close(fd)
            throw error
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the server closes the connection, then ends this side too, as a well-behaved client does.
    func readToEnd() async throws -> String {
        String(decoding: try await readBytesToEnd(), as: UTF8.self)
    }

    /// Reads bytes until the server closes the connection, then ends this side too.
    func readBytesToEnd() async throws -> [UInt8] {
        try await offPool { [fd] in
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = Glibc.read(fd, &buffer, buffer.count)
                if count <= 0 { break }
                output += buffer[0..<count]
            }
            Glibc.shutdown(fd, Int32(SHUT_WR))
            return output
        }
    }

    /// Reads exactly `count` bytes, or fewer when the server closes first.
    func readBytes(count: Int) async throws -> [UInt8] {
        try await offPool { [fd] in
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: count)
            while output.count < count {
                let received = Glibc.read(fd, &buffer, count - output.count)
                if received <= 0 { break }
                output += buffer[0..<received]
            }
            return output
        }
    }

    /// Reads until `marker` has arrived or the server closes.
    func read(until marker: String) async throws -> String {
        try await offPool { [fd] in
            var output: [UInt8] = []
            var byte: UInt8 = 0
            while !String(decoding: output, as: UTF8.self).hasSuffix(marker) {
                guard Glibc.read(fd, &byte, 1) == 1 else { break }
                output.append(byte)
            }
            return String(decoding: output, as: UTF8.self)
        }
    }
}

/// Returns the status line of a raw response.
func statusLine(_ response: String) -> String {
    String(response.split(separator: "\r\n", maxSplits: 1).first ?? "")
}

/// Runs a command line tool and returns its exit status and standard output.
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> (Int32, String) {
    try await offPool { try runBlocking(executable, arguments, environment: environment) }
}

private func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]?) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
