import EACPProtocol
import EACPTransport
import Foundation

/// The form of a server's success responses: status, media type and reply message.
enum ServerResponseCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [successResponses(target)]
    }

    static func successResponses(_ target: ServerTarget) -> ConformanceCase {
        .server("server.transport.success-responses",
                "Successful POSTs get 200, Content-Type application/x-protobuf and the reply message of their path",
                ["EACP-TRANSPORT-004"], target) { kit in
            let agent = try await kit.enrolledAgent()
            let client = HTTPClient(connector: try agent.tlsConnector(), group: kit.group)
            var report = StatusReport()
            report.sequenceNumber = 1
            report.generatedUnixMs = Int64(Date().timeIntervalSince1970 * 1_000)
            let requests: [(String, [UInt8], any WireMessage.Type)] = [
                ("/eacp/v1/heartbeat", agent.nextHeartbeat().wireBytes(), HeartbeatReply.self),
                ("/eacp/v1/events", ServerTelemetryCases.batch([ServerTelemetryCases.event("conf-form-1")]).wireBytes(),
                 SecurityEventAck.self),
                ("/eacp/v1/status", report.wireBytes(), StatusReportAck.self),
                ("/eacp/v1/logs", ServerLogCases.logBatch([1]).wireBytes(), AgentLogAck.self),
            ]
            for (path, body, replyType) in requests {
                kit.context.transcript.record("agent->server", "POST \(path)", "\(body.count) bytes")
                let response = try await client.post(path, body: body)
                let contentType = response.headers.first(name: "Content-Type")
                kit.context.transcript.record("server->agent", "\(response.status.code) \(path)",
                                              "Content-Type: \(contentType ?? "none"), \(response.body.count) bytes")
                try kit.context.require(response.status.code == 200, "POST \(path) got status \(response.status.code), not 200")
                let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
                try kit.context.require(mediaType == "application/x-protobuf",
                                        "the 200 to POST \(path) has Content-Type \(contentType ?? "none"), not application/x-protobuf")
                do {
                    _ = try replyType.init(wireBytes: response.body, limits: .default)
                } catch {
                    throw CaseStop.failed("the 200 body of POST \(path) is not a valid \(replyType.protoName): \(error)")
                }
            }
        }
    }
}
