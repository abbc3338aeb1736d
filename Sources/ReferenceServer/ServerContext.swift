import EACPProtocol
import EACPTransport

/// What every handler of one server process shares: the settings, the store, the CA, the data
/// folder, the clock, the log, the metrics, and the connected push channels.
public final class ServerContext: Sendable {
    public let settings: ServerSettings
    public let store: any ServerStore
    public let dataFolder: DataFolder
    public let certificateAuthority: CertificateAuthority
    /// SHA-256 of the administrator token; the token itself is never kept in memory longer than a request.
    let adminTokenDigest: [UInt8]
    public let clock: ServerClock
    public let log: ServerLog
    public let metrics: ServerMetrics
    public let pushChannels: PushChannelRegistry
    /// The id under which this process records push channels in the store.
    public let replicaID: String

    public init(
        settings: ServerSettings, store: any ServerStore, dataFolder: DataFolder,
        certificateAuthority: CertificateAuthority, adminToken: String, clock: ServerClock = .system,
        log: ServerLog = .silent, replicaID: String
    ) {
        self.settings = settings
        self.store = store
        self.dataFolder = dataFolder
        self.certificateAuthority = certificateAuthority
        self.adminTokenDigest = SHA256.digest(adminToken)
        self.clock = clock
        self.log = log
        self.metrics = ServerMetrics()
        self.pushChannels = PushChannelRegistry()
        self.replicaID = replicaID
    }

    var now: Int64 { clock.nowUnixMs() }

    /// Runs a store call, counting and logging a failure before it becomes the protocol's error.
    func stored<Value>(_ operation: String, _ body: () throws(ServerStoreError) -> Value) throws(ProtocolFailure) -> Value {
        do {
            return try body()
        } catch {
            metrics.storageErrors.add(1)
            log.error("storage.failed", ["operation": operation, "code": error.code, "error": error.message])
            throw ProtocolFailure.storage(error)
        }
    }

    /// Finds the agent of a request by its client certificate: 401 without one or for a certificate
    /// no agent holds, 403 for a revoked agent.
    func authenticate(_ request: ServerRequest) throws(ProtocolFailure) -> AgentRecord {
        guard let peer = request.peer else {
            throw ProtocolFailure(.unauthenticated, "\(request.path) needs a client certificate")
        }
        let fingerprint = peer.sha256Fingerprint
        let agent = try stored("agent by certificate") { () throws(ServerStoreError) in
            try store.agent(certificateFingerprint: fingerprint)
        }
        guard let agent else {
            throw ProtocolFailure(.unauthenticated, "the client certificate belongs to no enrolled agent")
        }
        guard agent.revokedUnixMs == nil || BrokenVariant.isActive(.servesRevokedAgents) else {
            throw ProtocolFailure(.forbidden, "agent \(agent.agentID) is revoked")
        }
        return agent
    }
}
