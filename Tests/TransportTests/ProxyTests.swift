import Foundation
import Testing

@testable import EACPTransport

@Suite struct ProxyRequestTests {
    @Test func buildsConnectRequestWithBasicCredentials() {
        let proxy = HTTPProxyConfiguration(
            host: "127.0.0.1", port: 3128, credentials: .init(username: "agent", password: "s3cret"))
        let bytes = proxy.connectRequest(host: "server.example", port: 443).encoded()
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "CONNECT server.example:443 HTTP/1.1\r\nHost: server.example:443\r\n"
                + "Proxy-Authorization: Basic YWdlbnQ6czNjcmV0\r\n\r\n")
    }

    @Test func bracketsIPv6Authority() {
        let bytes = HTTPProxyConfiguration(host: "::1", port: 8080).connectRequest(host: "::1", port: 9).encoded()
        #expect(String(decoding: bytes, as: UTF8.self) == "CONNECT [::1]:9 HTTP/1.1\r\nHost: [::1]:9\r\n\r\n")
    }
}

@Suite(.enabled(if: pythonAvailable, "EACP_PYTHON is not set, so the test CONNECT proxy cannot run"))
struct ProxyTunnelTests {
    @Test func httpClientPostsThroughProxy() async throws {
        let proxy = try await PythonPeer(script: "connect_proxy.py")
        defer { proxy.stop() }
        try await withTestServer { _, group, port in
            let connector = plaintextConnector(port: port, proxy: HTTPProxyConfiguration(host: "127.0.0.1", port: proxy.port))
            let client = HTTPClient(connector: connector, group: group)
            let response = try await client.post("/eacp/v1/heartbeat", body: [1, 2])
            #expect(response.body == [2, 1])
            #expect(try await proxy.nextLine() == "TUNNEL 127.0.0.1:\(port)")
            client.close()
        }
    }

    @Test func webSocketClientConnectsThroughProxyWithCredentials() async throws {
        let proxy = try await PythonPeer(script: "connect_proxy.py", arguments: ["--credentials", "agent:pw"])
        defer { proxy.stop() }
        try await withTestServer { _, group, port in
            let configuration = HTTPProxyConfiguration(
                host: "127.0.0.1", port: proxy.port, credentials: .init(username: "agent", password: "pw"))
            let webSocket = try await WebSocketClient.connect(
                plaintextConnector(port: port, proxy: configuration), path: "/eacp/v1/push", group: group)
            var received = webSocket.messages.makeAsyncIterator()
            webSocket.send([1, 2, 3])
            #expect(await received.next() == [3, 2, 1])
            #expect(try await proxy.nextLine() == "TUNNEL 127.0.0.1:\(port)")
            webSocket.close()
        }
    }

    @Test func reportsMissingProxyCredentials() async throws {
        let proxy = try await PythonPeer(script: "connect_proxy.py", arguments: ["--credentials", "agent:pw"])
        defer { proxy.stop() }
        try await withTestServer { _, group, port in
            let connector = plaintextConnector(port: port, proxy: HTTPProxyConfiguration(host: "127.0.0.1", port: proxy.port))
            let client = HTTPClient(connector: connector, group: group)
            do {
                _ = try await client.get("/eacp/v1/content/1")
                Issue.record("request through the proxy succeeded without credentials")
            } catch let error as ProxyError {
                #expect(error.code == .authenticationRequired)
                #expect(error.status?.code == 407)
            }
        }
    }

    @Test func reportsTunnelRejectedByProxy() async throws {
        let proxy = try await PythonPeer(script: "connect_proxy.py")
        defer { proxy.stop() }
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        // The test proxy forbids every target but loopback.
        let connector = ClientConnector(
            host: "target.invalid", port: 443, proxy: HTTPProxyConfiguration(host: "127.0.0.1", port: proxy.port)
        ) { PlaintextStream() }
        let client = HTTPClient(connector: connector, group: group)
        do {
            _ = try await client.get("/")
            Issue.record("tunnel to a forbidden target was opened")
        } catch let error as ProxyError {
            #expect(error.code == .tunnelRejected)
            #expect(error.status?.code == 403)
        }
    }

    @Test func pythonClientReachesOurServerThroughProxy() async throws {
        let proxy = try await PythonPeer(script: "connect_proxy.py")
        defer { proxy.stop() }
        try await withTestServer { _, _, port in
            let (status, output) = try await run(
                pythonPath!,
                [peerScript("websocket_client.py"), "ws://127.0.0.1:\(port)/eacp/v1/push", "--proxy", String(proxy.port)])
            #expect(status == 0)
            #expect(output == "subprotocol eacp.v1\necho 0 ok\necho 5 ok\necho 70000 ok\nclose 1003\n")
        }
    }
}
