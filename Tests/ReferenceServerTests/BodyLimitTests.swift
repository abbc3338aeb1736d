import Testing
import EACPTransport

@testable import ReferenceServer

@Suite struct BodyLimitTests {
    @Test func messagePathsUseOneMebibyte() {
        #expect(ServerRoutes.bodyLimit(.post, "/eacp/v1/events", setting: 4_194_304) == 1_048_576)
        #expect(ServerRoutes.bodyLimit(.post, "/eacp/v1/heartbeat", setting: 4_194_304) == 1_048_576)
    }

    @Test func uploadChunksUseFourMebibytes() {
        #expect(ServerRoutes.bodyLimit(.post, "/eacp/v1/uploads/chunk", setting: 67_108_864) == 4_194_304)
    }

    @Test func settingLowersEitherLimit() {
        #expect(ServerRoutes.bodyLimit(.post, "/eacp/v1/events", setting: 65_536) == 65_536)
        #expect(ServerRoutes.bodyLimit(.post, "/eacp/v1/uploads/chunk", setting: 65_536) == 65_536)
    }

    @Test func getRoutesTakeNoBody() {
        #expect(ServerRoutes.bodyLimit(.get, "/eacp/v1/content/{revision}", setting: 4_194_304) == 0)
    }
}
