import Foundation
import Testing
@testable import ReferenceAgent

@Suite(.serialized)
struct AgentPushLivenessTests {
    @Test func statusShowsLastPingAndPong() async throws {
        let harness = try await AgentTestHarness(pushPingIntervalMs: 1_000)
        try await harness.waitUntilConnected()

        try await waitUntil("the status shows a pong") {
            try StatusSnapshot.capture(harness.agent).pushChannel.lastPongUnixMs != nil
        }
        let push = try StatusSnapshot.capture(harness.agent).pushChannel
        let ping = try #require(push.lastPingUnixMs)
        let pong = try #require(push.lastPongUnixMs)
        #expect(ping >= push.connectedSinceUnixMs ?? .max)
        #expect(pong >= push.connectedSinceUnixMs ?? .max)
        #expect(push.pingIntervalMs == 1_000)
        #expect(push.missedPongLimit == 3)
        #expect(push.state == "connected")

        let text = StatusCommand.render(try StatusSnapshot.capture(harness.agent), websocketOnly: true)
        #expect(text.contains("Missed pongs:   closes after 3 in a row"))
        #expect(!text.contains("none sent yet"))
        #expect(!text.contains("none received yet"))
        await harness.stop()
    }
}
