import EACPProtocol
import EACPTransport

/// What the harness server answers, set by the running case. The defaults keep an agent busy enough
/// for heartbeat-path cases (a heartbeat every 2 s) and quiet otherwise.
struct HarnessScript: Sendable {
    var heartbeatIntervalMs: UInt32 = 2_000
    var statusReportIntervalMs: UInt32 = 3_600_000
    var pushPingIntervalMs: UInt32 = 30_000
    var pushMissedPongLimit: UInt32 = 3
    /// Envelopes every heartbeat reply carries until the agent acknowledges or reports on them.
    var heartbeatActions: [ActionEnvelope] = []
    /// The number of further `POST /eacp/v1/actions/result` requests that get 503, with the result not stored.
    var failedResultPosts = 0
    /// When false, push channel upgrades are answered 503, as by a server whose push service is down.
    var acceptPushChannels = true
    /// When false, security event batches are answered 503 with Retry-After, so nothing is acknowledged.
    var acknowledgeEvents = true
    var contentOffer: ContentOffer?
    /// Content packages by revision, served at GET /eacp/v1/content/{revision}.
    var contentPackages: [UInt64: [UInt8]] = [:]
    /// One-shot responses by POST path, used first in first out in place of the normal handling.
    var overrides: [String: [HarnessOverride]] = [:]
    /// `AgentSettings.log_collection` and `log_level` of heartbeat replies; unspecified leaves them unset.
    var logCollection: LogCollection = .unspecified
    var logLevel: AgentLogLevel = .unspecified
    /// When set, an `AgentLogAck` stores at most this sequence number.
    var logAckLimit: UInt64?
    var upgradeOffer: UpgradeOffer?
    /// Upgrade packages by version, served at GET /eacp/v1/upgrades/{version}.
    var upgradePackages: [String: [UInt8]] = [:]
}

/// A response that replaces the normal handling of one request: it gets the request body and
/// returns the whole response.
typealias HarnessOverride = @Sendable ([UInt8]) async -> HTTPResponse

/// Everything the agent sent, with the time it arrived.
struct HarnessObservations: Sendable {
    struct Stamped<Value: Sendable>: Sendable {
        var at: ContinuousClock.Instant
        var value: Value
    }

    /// Paths of every request, in order, with whether a client certificate came with it.
    var requests: [Stamped<(path: String, certificate: Bool)>] = []
    var heartbeats: [Stamped<Heartbeat>] = []
    /// Events the harness stored and acknowledged.
    var events: [Stamped<SecurityEvent>] = []
    /// Every event the agent sent, acknowledged or not, in arrival order.
    var eventAttempts: [Stamped<SecurityEvent>] = []
    var statusReports: [Stamped<StatusReport>] = []
    /// Acknowledged action ids and the path they came on: `push` or `http`.
    var acks: [Stamped<(actionID: String, path: String)>] = []
    var results: [Stamped<(result: ActionResult, path: String)>] = []
    var pushConnections: [ContinuousClock.Instant] = []
    /// Every push channel upgrade request, accepted or not, with whether a client certificate came with it.
    var pushAttempts: [Stamped<Bool>] = []
    /// Paths of requests whose body contains a PEM private key.
    var privateKeyPaths: [String] = []
    var clientHellos: [Stamped<TLSHello>] = []
    var contentDownloads: [Stamped<UInt64>] = []
    /// The `{version}` of every GET /eacp/v1/upgrades/{version}, as the agent wrote it.
    var upgradeDownloads: [Stamped<String>] = []
    var completedUploads: [String] = []
    /// Terminal frames the agent sent on the push channel, in arrival order.
    var terminalFrames: [Stamped<PushMessage.AgentPush.Payload>] = []
    /// The head of every POST: its path, Content-Type, Content-Length and body length.
    var postHeads: [Stamped<PostHead>] = []
    var logBatches: [Stamped<AgentLogBatch>] = []
    /// Every upload chunk the agent sent, in arrival order.
    var uploadChunks: [Stamped<UploadChunk>] = []

    struct PostHead: Sendable {
        var path: String
        var contentType: [String]
        var contentLength: [String]
        var bodyCount: Int
    }

    func results(for actionID: String) -> [ActionResult] {
        results.filter { $0.value.result.actionId == actionID }.map(\.value.result)
    }

    func acks(for actionID: String) -> [String] {
        acks.filter { $0.value.actionID == actionID }.map(\.value.path)
    }
}
