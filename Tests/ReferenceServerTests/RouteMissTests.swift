import EACPProtocol
@testable import EACPTransport
import Foundation
import Testing
@testable import ReferenceServer

/// Requests that no route takes: unknown paths and wrong methods under the agent protocol, the
/// administrator API and elsewhere.
@Suite(.serialized)
struct RouteMissTests {
    @Test func unknownAgentPathGetsErrorReply() async throws {
        let harness = try await ServerTestHarness()
        let response = try await harness.client().post("/eacp/v1/no-such-path", body: [0x08, 0x01])
        await harness.stop()

        #expect(response.status.code == 404)
        #expect(response.headers.first(name: "Content-Type") == "application/x-protobuf")
        #expect(response.headers.first(name: "Allow") == nil)
        let reply = try ErrorReply(wireBytes: response.body)
        #expect(reply.code == .notFound)
        #expect(reply.message == "no route for /eacp/v1/no-such-path")
    }

    @Test func wrongAgentMethodGetsErrorReplyAndAllow() async throws {
        let harness = try await ServerTestHarness()
        let response = try await harness.client().get("/eacp/v1/heartbeat")
        await harness.stop()

        #expect(response.status.code == 405)
        #expect(response.headers.first(name: "Content-Type") == "application/x-protobuf")
        #expect(response.headers.first(name: "Allow") == "POST")
        let reply = try ErrorReply(wireBytes: response.body)
        #expect(reply.code == .methodNotAllowed)
        #expect(reply.message == "GET is not allowed on /eacp/v1/heartbeat")
    }

    @Test func adminMissesGetJSONErrors() async throws {
        let harness = try await ServerTestHarness()
        let unknown = try await harness.endpoint.adminRaw(.get, "/admin/v1/no-such-path")
        let wrongMethod = try await harness.endpoint.adminRaw(.delete, "/admin/v1/agents")
        await harness.stop()

        #expect(unknown.status.code == 404)
        #expect(unknown.headers.first(name: "Content-Type") == "application/json")
        #expect(try Self.jsonError(unknown.body) == "no route for /admin/v1/no-such-path")

        #expect(wrongMethod.status.code == 405)
        #expect(wrongMethod.headers.first(name: "Content-Type") == "application/json")
        #expect(wrongMethod.headers.first(name: "Allow") == "GET")
        #expect(try Self.jsonError(wrongMethod.body) == "DELETE is not allowed on /admin/v1/agents")
    }

    /// Paths outside both APIs keep the transport's plain-text response.
    @Test func otherMissesStayPlainText() throws {
        let head = HTTPRequestHead(method: .post, target: "/health")
        var error = HTTPError(.methodNotAllowed, "POST is not allowed on /health")
        error.allowedMethods = [.get]
        let response = ServerRoutes.missResponse(head, try #require(HTTPRouteMiss(error)))

        #expect(response.status.code == 405)
        #expect(response.headers.first(name: "Content-Type") == "text/plain; charset=utf-8")
        #expect(response.headers.first(name: "Allow") == "GET")
        #expect(response.body == Array("POST is not allowed on /health\n".utf8))
    }

    static func jsonError(_ body: [UInt8]) throws -> String? {
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return object?["error"] as? String
    }
}
