import EACPTransport
import Foundation

/// Calls the administrator API of the server under test (JSON under /admin/v1, bearer token) to
/// create enrollment tokens, queue and cancel actions and publish content.
///
/// NOTE: the paths and fields are those of the reference server's administrator API, which
/// spec/conformance.md lists as the contract for server mode until the specification publishes
/// its own administrator API document.
public struct AdminClient: Sendable {
    let client: HTTPClient
    let token: String
    let transcript: Transcript

    /// The answer to one administrator call.
    public struct Answer: Sendable {
        public var status: Int
        public var json: [String: AnySendable]
    }

    func call(_ method: HTTPMethod, _ path: String, json: [String: Any]? = nil, body: [UInt8]? = nil) async throws -> Answer {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        var bytes = body ?? []
        if let json {
            headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            bytes = Array(try JSONSerialization.data(withJSONObject: json))
        } else if body != nil {
            headers.replaceOrAdd(name: "Content-Type", value: "application/octet-stream")
        }
        let response = try await client.send(HTTPRequestHead(method: method, target: path, headers: headers), body: bytes)
        let text = String(decoding: response.body.prefix(2_000), as: UTF8.self)
        transcript.record("runner->server", "admin \(method) \(path) -> \(response.status.code)", text)
        let parsed = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return Answer(status: response.status.code, json: parsed.mapValues { AnySendable($0) })
    }

    /// Creates an enrollment token for `uses` enrollments.
    func enrollmentToken(uses: Int = 20) async throws -> String {
        let answer = try await call(.post, "/admin/v1/enrollment-tokens", json: ["label": "conformance", "maximum_uses": uses])
        guard answer.status == 201, let token = answer.json["token"]?.string else {
            throw CaseStop.notChecked("the administrator API did not create an enrollment token (status \(answer.status))")
        }
        return token
    }

    /// Queues one action for one agent. Returns the new action's id, or nil with the error when the
    /// server rejected it.
    func queue(agentID: String, kind: String, parameters: [String: Any] = [:], expiresInSeconds: Int? = nil,
               minimumVersion: String? = nil) async throws -> (actionID: String?, status: Int, error: String?)
    {
        var body: [String: Any] = ["agent_ids": [agentID], "kind": kind, "parameters": parameters]
        if let expiresInSeconds { body["expires_in_seconds"] = expiresInSeconds }
        if let minimumVersion { body["minimum_agent_version"] = minimumVersion }
        let answer = try await call(.post, "/admin/v1/actions", json: body)
        let first = (answer.json["results"]?.value as? [[String: Any]])?.first
        let action = first?["action"] as? [String: Any]
        return (action?["action_id"] as? String, answer.status, first?["error"] as? String)
    }

    /// The action's state as the administrator API reports it, and its outcome's terminal state.
    func action(_ actionID: String) async throws -> (state: String, terminalState: String?) {
        let answer = try await call(.get, "/admin/v1/actions/\(actionID)")
        let outcome = answer.json["outcome"]?.value as? [String: Any]
        return (answer.json["state"]?.string ?? "", outcome?["terminal_state"] as? String)
    }
}

/// A JSON value carried across tasks. JSONSerialization returns only immutable Foundation values.
public struct AnySendable: @unchecked Sendable {
    public let value: Any
    init(_ value: Any) { self.value = value }
    var string: String? { value as? String }
}
