import EACPTransport

/// WebSocket frames the agent's push channel must handle as RFC 6455 and EACP require: a text
/// message, and a ping that carries data.
enum AgentPushFrameCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [pingAnswer(harness), textMessage(harness)]
    }

    static func textMessage(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.push.closes-on-text-message", "A text message on the push channel gets close code 1003",
               ["EACP-PUSH-003"], harness, profile: .pushChannel) { harness, context in
            let socket = try await openChannel(harness)
            harness.handlers.log("server->agent", "push", "text message \"conformance\"")
            socket.sendFrameForTesting(WebSocketFrame(opcode: .text, payload: Array("conformance".utf8)))
            guard let closed = try await waitFor(timeout: .seconds(5), { socket.closeResult }) else {
                throw CaseStop.failed("the agent kept the push channel open for 5 s after a text message")
            }
            context.transcript.note("closed with \(closed.code.rawValue) after the text message")
            try context.require(
                closed.code == .unsupportedData,
                "the agent closed the push channel after a text message with \(closed.code.rawValue), not 1003")
            // The cases after this one expect an open push channel, as they found it.
            let reopened = try await waitFor(timeout: .seconds(10)) {
                harness.handlers.pushChannel.value.flatMap { $0 === socket ? nil : $0 }
            }
            guard reopened != nil else {
                throw CaseStop.failed("the agent did not open the push channel again within 10 s of the close")
            }
        }
    }

    static func pingAnswer(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.push.answers-ping", "A ping on the push channel gets a pong with the same data",
               ["EACP-PUSH-007"], harness, profile: .pushChannel) { harness, context in
            let socket = try await openChannel(harness)
            let data = Array("conformance-ping".utf8)
            let before = socket.liveness.lastPongReceived
            harness.handlers.log("server->agent", "ping", "conformance-ping")
            socket.sendFrameForTesting(WebSocketFrame(opcode: .ping, payload: data))
            // The harness server pings once an hour, so the next pong is the reply to this ping.
            guard let pong = try await waitFor(timeout: .seconds(5), {
                let liveness = socket.liveness
                return liveness.lastPongReceived != before ? liveness.lastPongPayload : nil
            }) else {
                throw CaseStop.failed("the agent sent no pong within 5 s of a ping")
            }
            try context.require(pong == data, "the pong carries \(pong.count) bytes \(pong), not the ping's data")
        }
    }

    private static func openChannel(_ harness: AgentHarness) async throws -> WebSocket {
        guard let socket = try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) else {
            throw CaseStop.failed("the agent has no push channel open")
        }
        return socket
    }
}
