import EACPProtocol
import EACPTransport
import Testing

@testable import ReferenceServer

/// The server's responses to errors the transport finds before a handler runs, and the per-agent
/// request limit.
@Suite struct TransportErrorReplyTests {
    @Test func bodyTooLargeBecomesPayloadTooLarge() throws {
        let head = HTTPRequestHead(method: .post, target: "/eacp/v1/events")
        let response = TransportErrorReplies.response(HTTPError(.bodyTooLarge, "body is larger than the limit of 1048576 bytes"), head)

        #expect(response.status.code == 413)
        #expect(response.headers.first(name: "Content-Type") == "application/x-protobuf")
        let reply = try ErrorReply(wireBytes: response.body)
        #expect(reply.code == .payloadTooLarge)
        #expect(reply.message == "POST /eacp/v1/events: body is larger than the limit of 1048576 bytes")
    }

    @Test func headTooLargeWithoutHeadBecomesBadRequest() throws {
        let response = TransportErrorReplies.response(HTTPError(.headerSectionTooLarge, "header section is too large"), nil)

        #expect(response.status.code == 400)
        let reply = try ErrorReply(wireBytes: response.body)
        #expect(reply.code == .badRequest)
        #expect(reply.message == "header section is too large")
    }

    @Test func wrongWebSocketVersionBecomesBadRequest() throws {
        let head = HTTPRequestHead(method: .get, target: "/eacp/v1/push")
        var error = HTTPError(.upgradeRequired, "Sec-WebSocket-Version must be 13")
        error.responseHeaders = ["Sec-WebSocket-Version": "13", "Upgrade": "websocket"]
        let response = TransportErrorReplies.response(error, head)

        #expect(response.status.code == 400)
        #expect(response.headers.first(name: "Sec-WebSocket-Version") == "13")
        #expect(response.headers.first(name: "Upgrade") == nil)
        #expect(try ErrorReply(wireBytes: response.body).code == .badRequest)
    }

    @Test func unavailableCarriesRetryAfter() throws {
        let error = HTTPError(.serviceUnavailable, "server is at capacity", retryAfterSeconds: 5)
        let response = TransportErrorReplies.response(error, HTTPRequestHead(method: .post, target: "/eacp/v1/heartbeat"))

        #expect(response.status.code == 503)
        #expect(response.headers.first(name: "Retry-After") == "5")
        let reply = try ErrorReply(wireBytes: response.body)
        #expect(reply.code == .unavailable)
        #expect(reply.retryAfterMs == 5_000)
    }

    @Test func adminPathsGetJSON() {
        let head = HTTPRequestHead(method: .put, target: "/admin/v1/content/3")
        let response = TransportErrorReplies.response(HTTPError(.bodyTooLarge, "body is too large"), head)

        #expect(response.status.code == 413)
        #expect(response.headers.first(name: "Content-Type") == "application/json")
    }

    @Test func otherPathsKeepPlainText() {
        let head = HTTPRequestHead(method: .post, target: "/health")
        let response = TransportErrorReplies.response(HTTPError(.bodyTooLarge, "body is too large"), head)

        #expect(response.status.code == 413)
        #expect(response.headers.first(name: "Content-Type") == "text/plain; charset=utf-8")
    }

    @Test func limiterAdmitsBurstThenWaits() throws {
        let limiter = AgentRequestLimiter(perSecond: 10, burst: 3)
        let start = ContinuousClock.now

        #expect(limiter.admit("agent-a", now: start) == nil)
        #expect(limiter.admit("agent-a", now: start) == nil)
        #expect(limiter.admit("agent-a", now: start) == nil)
        #expect(limiter.admit("agent-a", now: start) == .milliseconds(100))
        #expect(limiter.admit("agent-b", now: start) == nil)
        #expect(limiter.admit("agent-a", now: start + .milliseconds(100)) == nil)
        #expect(limiter.admit("agent-a", now: start + .milliseconds(100)) == .milliseconds(100))
    }

    @Test func rateLimitedRequestGets429WithRetryAfter() throws {
        let limiter = AgentRequestLimiter(perSecond: 1, burst: 1)
        let peer = PeerCertificate(commonName: "agent-a", subject: "CN=agent-a", sha256Fingerprint: "ab")
        let request = ServerRequest(head: HTTPRequestHead(method: .post, target: "/eacp/v1/heartbeat"), peer: peer)

        try ServerRoutes.checkRate(request, limiter)
        let failure = try #require(throws: ProtocolFailure.self) { try ServerRoutes.checkRate(request, limiter) }
        #expect(failure.code == .rateLimited)
        #expect(failure.retryAfterMs == 1_000)
        #expect(failure.response.status.code == 429)
        #expect(failure.response.headers.first(name: "Retry-After") == "1")
    }
}
