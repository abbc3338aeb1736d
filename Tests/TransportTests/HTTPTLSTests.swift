import Foundation
import Testing

@testable import EACPTransport

/// Runs `body` against a TLS 1.2 server on 127.0.0.1 that requests (but does not require) a client
/// certificate, and shuts it down after.
private func withTLSServer(
    _ fixtures: TLSFixtures, _ body: (EventLoopGroup, UInt16) async throws -> Void
) async throws {
    var router = testRouter()
    router.add(.get, "/whoami") { request in
        HTTPResponse(body: Array((request.peerCertificate?.commonName ?? "anonymous").utf8))
    }
    let context = try TLSContext(configuration: fixtures.serverConfiguration(policy: .optional))
    let group = try EventLoopGroup(loopCount: 2)
    let server = HTTPServer(configuration: HTTPServerConfiguration(), router: router, group: group) {
        try TLSSession(context: context)
    }
    let port = try await server.start().port
    do {
        try await body(group, port)
    } catch {
        await server.shutdown(gracePeriod: .seconds(1))
        group.shutdown()
        throw error
    }
    await server.shutdown(gracePeriod: .seconds(1))
    group.shutdown()
}

@Suite struct HTTPTLSTests {
    @Test func clientPostsOverTLSAndPresentsCertificate() async throws {
        let fixtures = try TLSFixtures()
        try await withTLSServer(fixtures) { group, port in
            let credentials = try fixtures.clientCredentials(agentID: "agent-7")
            let context = try TLSContext(configuration: fixtures.clientConfiguration(hostName: "127.0.0.1", clientCertificate: credentials))
            let client = HTTPClient(connector: .tls(host: "127.0.0.1", port: port, context: context), group: group)

            let echoed = try await client.post("/eacp/v1/heartbeat", body: [1, 2, 3])
            #expect(echoed.body == [3, 2, 1])
            let identity = try await client.get("/whoami")
            #expect(String(decoding: identity.body, as: UTF8.self) == "agent-7")
            client.close()
        }
    }

    @Test func clientRejectsServerOutsidePinnedCA() async throws {
        let fixtures = try TLSFixtures()
        let stranger = try TLSFixtures()
        try await withTLSServer(fixtures) { group, port in
            let context = try TLSContext(configuration: stranger.clientConfiguration(hostName: "127.0.0.1"))
            let client = HTTPClient(connector: .tls(host: "127.0.0.1", port: port, context: context), group: group)
            await #expect(throws: TLSError.self) { try await client.get("/whoami") }
        }
    }

    @Test func webSocketRunsOverTLS() async throws {
        let fixtures = try TLSFixtures()
        try await withTLSServer(fixtures) { group, port in
            let context = try TLSContext(configuration: fixtures.clientConfiguration(hostName: "localhost"))
            let webSocket = try await WebSocketClient.connect(
                .tls(host: "localhost", port: port, context: context), path: "/eacp/v1/push", group: group)
            var received = webSocket.messages.makeAsyncIterator()
            webSocket.send(Array(0..<200))
            #expect(await received.next() == Array((0..<200).reversed()))
            webSocket.close()
            #expect(await received.next() == nil)
            #expect(webSocket.closeResult?.code == .normalClosure)
        }
    }

    @Test func curlPostsOverTLS12() async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let caFile = try folder.write("ca.pem", try fixtures.caPEM)
        try await withTLSServer(fixtures) { _, port in
            let (status, output) = try await run(
                "/usr/bin/curl",
                ["-sS", "--max-time", "10", "--cacert", caFile, "--tlsv1.2", "--tls-max", "1.2",
                 "-H", "Content-Type: application/x-protobuf", "--data-binary", "tls", "https://localhost:\(port)/eacp/v1/heartbeat"])
            #expect(status == 0)
            #expect(output == "slt")
        }
    }
}

@Suite(.enabled(if: pythonAvailable, "EACP_PYTHON is not set, so the Python peers cannot run"))
struct HTTPTLSInteropTests {
    @Test func curlReachesTLSServerThroughProxy() async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let caFile = try folder.write("ca.pem", try fixtures.caPEM)
        let proxy = try await PythonPeer(script: "connect_proxy.py")
        defer { proxy.stop() }
        try await withTLSServer(fixtures) { _, port in
            let (status, output) = try await run(
                "/usr/bin/curl",
                ["-sS", "--max-time", "10", "--cacert", caFile, "--tlsv1.2", "--tls-max", "1.2", "--noproxy", "",
                 "-x", "http://127.0.0.1:\(proxy.port)", "https://localhost:\(port)/eacp/v1/content/9"])
            #expect(status == 0)
            #expect(output == "revision 9 content")
            #expect(try await proxy.nextLine() == "TUNNEL localhost:\(port)")
        }
    }

    @Test func pythonClientUsesOurTLSServerThroughProxy() async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let caFile = try folder.write("ca.pem", try fixtures.caPEM)
        let proxy = try await PythonPeer(script: "connect_proxy.py")
        defer { proxy.stop() }
        try await withTLSServer(fixtures) { _, port in
            let url = "wss://localhost:\(port)/eacp/v1/push"
            let (direct, directOutput) = try await run(pythonPath!, [peerScript("websocket_client.py"), url, "--ca", caFile])
            #expect(direct == 0)
            #expect(directOutput == "subprotocol eacp.v1\necho 0 ok\necho 5 ok\necho 70000 ok\nclose 1003\n")

            let (tunnelled, tunnelledOutput) = try await run(
                pythonPath!, [peerScript("websocket_client.py"), url, "--ca", caFile, "--proxy", String(proxy.port)])
            #expect(tunnelled == 0)
            #expect(tunnelledOutput == "subprotocol eacp.v1\necho 0 ok\necho 5 ok\necho 70000 ok\nclose 1003\n")
        }
    }

    @Test func ourClientUsesPythonTLSServerThroughProxy() async throws {
        let fixtures = try TLSFixtures()
        let folder = try TemporaryFolder()
        let certificateFile = try folder.write("server.pem", try fixtures.serverCertificate.pem())
        let keyFile = try folder.write("server.key", try fixtures.serverKey.pem())
        let server = try await PythonPeer(script: "websocket_server.py", arguments: ["--tls", certificateFile, keyFile])
        defer { server.stop() }
        let proxy = try await PythonPeer(script: "connect_proxy.py")
        defer { proxy.stop() }
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }

        let context = try TLSContext(configuration: fixtures.clientConfiguration(hostName: "localhost"))
        let connector = ClientConnector.tls(
            host: "localhost", port: server.port, context: context,
            proxy: HTTPProxyConfiguration(host: "127.0.0.1", port: proxy.port))
        let webSocket = try await WebSocketClient.connect(connector, path: "/", group: group)
        var received = webSocket.messages.makeAsyncIterator()
        webSocket.send([9, 8, 7, 6])
        #expect(await received.next() == [6, 7, 8, 9])
        #expect(try await proxy.nextLine() == "TUNNEL localhost:\(server.port)")
        webSocket.close()
        #expect(await received.next() == nil)
        #expect(webSocket.closeResult?.code == .normalClosure)
    }
}
