/// Everything an operator can set, with the defaults a first start uses.
///
/// Each value comes from, in rising priority, the default here, the JSON file given with `--config`,
/// an `EACP_SERVER_*` environment variable and a command-line flag. `SettingDefinition.all` names
/// each one in all three places.
public struct ServerSettings: Hashable, Sendable {
    /// The folder with the database, certificates, tokens and stored files.
    public var dataDirectory = "./eacp-server-data"
    /// The address the HTTPS listener binds. Loopback by default, so a first start exposes nothing.
    public var listenHost = "127.0.0.1"
    /// 8443 is the customary unprivileged HTTPS port.
    public var listenPort: UInt16 = 8443

    /// The heartbeat interval every reply sets. 300 s is the protocol's default interval.
    public var heartbeatIntervalMs: UInt32 = 300_000
    /// The jitter window every reply sets. A tenth of the interval spreads a fleet that restarted together.
    public var heartbeatJitterMs: UInt32 = 30_000
    /// The status report interval sent in settings. One hour is the protocol's default.
    public var statusReportIntervalMs: UInt32 = 3_600_000
    /// Whether agents upload their own logs unless an administrator turns it off for one agent.
    public var logCollection = true

    /// The server pings each push channel this often. 30 s stays well inside the common 60 s idle
    /// timeout of proxies and load balancers.
    public var pushPingIntervalMs: UInt32 = 30_000
    /// Unanswered pings after which the server drops a push channel. Three tolerates one lost packet burst.
    public var pushMissedPongLimit: UInt32 = 3
    /// How long a pushed action waits for its ActionAck before it goes back to the heartbeat path.
    /// 10 s is the protocol's default.
    public var pushAckTimeoutMs: UInt32 = 10_000

    /// The largest request body accepted. 4 MiB fits one upload chunk with its envelope.
    public var maximumBodyBytes = 4_194_304
    /// The largest upload accepted. 1 GiB matches the default cap of a file retrieval.
    public var maximumUploadBytes: Int64 = 1_073_741_824
    /// How long a new action stays valid when the administrator gives no expiry. One day.
    public var defaultActionLifetimeSeconds: Int64 = 86_400

    /// A live terminal closes after this long without input from the administrator. 15 minutes.
    public var terminalIdleTimeoutSeconds: UInt32 = 900
    /// A live terminal closes after this long in any case. One hour.
    public var terminalMaximumDurationSeconds: UInt32 = 3_600

    /// Connections the listener serves at once. A new one above it gets 503 and is closed. Every
    /// agent keeps one push channel open, so this bounds the fleet one server can carry. 100,000 idle
    /// TLS WebSockets take about 1.5 GiB, from the 15.3 to 15.6 KiB per connection that the
    /// transport benchmark measured for `HTTPServer` alone.
    public var maximumConnections = 100_000

    /// Requests one agent may send per second, averaged over time, before it gets 429. An agent sends a
    /// few per heartbeat interval, and 20 a second still lets an upload of 4 MiB chunks reach 80 MiB/s.
    public var agentRequestsPerSecond = 20
    /// Requests one agent may send at once before that rate applies. 200 lets an agent that was offline
    /// send its queued events, logs and replies in one go.
    public var agentRequestBurst = 200

    /// Threads that run request handlers. Handlers block on the store, so more than one keeps a slow
    /// write from stalling every agent.
    public var workerThreads = 4
    /// On SIGTERM the server finishes requests in flight for at most this long before it stops.
    public var drainTimeoutMs: UInt32 = 10_000
    /// The least severe log level written.
    public var logLevel = LogLevel.info
    /// The name of this server process in the store's push channel records. Empty = host name and process id.
    public var replicaID = ""

    public init() {}
}
