import EACPTransport
import Foundation
import ReferenceServer

/// `eacp-server admin …`: one administrator API call per command, printing the JSON answer. Exits 1
/// when the server answers with an error status.
enum AdminCommand {
    static func run(words: [String], options: [String: String], settings: ServerSettings) async {
        guard let command = words.first else { fail("admin needs a command; run eacp-server --help") }
        let argument = words.dropFirst().first ?? ""
        let request: (method: HTTPMethod, path: String, body: [UInt8], contentType: String)
        do {
            request = try makeRequest(command: command, argument: argument, words: words, options: options)
        } catch {
            fail("\(error)")
        }

        let client: AdminClient
        do {
            client = try AdminClient(settings: settings)
        } catch {
            fail("cannot prepare the administrator client for \(settings.dataDirectory): \(error)")
        }
        defer { client.shutdown() }
        do {
            let answer = try await client.send(
                method: request.method, path: request.path, body: request.body, contentType: request.contentType)
            print(answer.body, terminator: answer.body.hasSuffix("\n") ? "" : "\n")
            if answer.status >= 400 { exit(1) }
        } catch {
            fail("request to \(settings.listenHost):\(settings.listenPort) failed: \(error)", status: 1)
        }
    }

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static func makeRequest(command: String, argument: String, words: [String], options: [String: String]) throws
        -> (method: HTTPMethod, path: String, body: [UInt8], contentType: String)
    {
        func need(_ value: String, _ what: String) throws -> String {
            guard !value.isEmpty else { throw UsageError(description: "admin \(command) needs \(what)") }
            return value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? value
        }
        func json(_ object: [String: Any]) throws -> [UInt8] {
            Array(try JSONSerialization.data(withJSONObject: object))
        }
        func file(_ index: Int) throws -> [UInt8] {
            guard words.count > index else { throw UsageError(description: "admin \(command) needs a FILE") }
            return Array(try Data(contentsOf: URL(fileURLWithPath: words[index])))
        }

        switch command {
        case "agents": return (.get, "/admin/v1/agents", [], "application/json")
        case "agent": return (.get, "/admin/v1/agents/\(try need(argument, "an agent id"))", [], "application/json")
        case "action": return (.get, "/admin/v1/actions/\(try need(argument, "an action id"))", [], "application/json")
        case "events": return (.get, "/admin/v1/agents/\(try need(argument, "an agent id"))/events", [], "application/json")
        case "cancel":
            return (.post, "/admin/v1/actions/\(try need(argument, "an action id"))/cancel", [], "application/json")
        case "revoke":
            return (.post, "/admin/v1/agents/\(try need(argument, "an agent id"))/revoke", [], "application/json")
        case "log-collection":
            let state = words.count > 2 ? words[2] : ""
            let enabled: Any
            switch state {
            case "on": enabled = true
            case "off": enabled = false
            case "default": enabled = NSNull()
            default: throw UsageError(description: "admin log-collection needs on, off or default")
            }
            return (.put, "/admin/v1/agents/\(try need(argument, "an agent id"))/log-collection",
                    try json(["enabled": enabled]), "application/json")
        case "queue":
            let agents = (options["--agent"] ?? "").split(separator: ",").map(String.init)
            guard !agents.isEmpty else { throw UsageError(description: "admin queue needs --agent ID") }
            var body: [String: Any] = ["agent_ids": agents, "kind": try need(options["--kind"] ?? "", "--kind")]
            if let text = options["--parameters"] {
                body["parameters"] = try JSONSerialization.jsonObject(with: Data(text.utf8))
            }
            if let lifetime = options["--expires-in-seconds"] {
                guard let seconds = Int(lifetime) else { throw UsageError(description: "--expires-in-seconds needs an integer") }
                body["expires_in_seconds"] = seconds
            }
            return (.post, "/admin/v1/actions", try json(body), "application/json")
        case "publish-content":
            return (.put, "/admin/v1/content/\(try need(argument, "a REVISION"))", try file(2), "application/octet-stream")
        case "upload-build":
            return (.put, "/admin/v1/builds/\(try need(argument, "a VERSION"))", try file(2), "application/octet-stream")
        case "assign-upgrade":
            var body: [String: Any] = ["version": argument]
            if let agent = options["--agent"] { body["agent_id"] = agent }
            return (.put, "/admin/v1/upgrade-assignment", try json(body), "application/json")
        default:
            throw UsageError(description: "unknown admin command \"\(command)\"; run eacp-server --help")
        }
    }
}
