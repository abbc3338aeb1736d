/// One setting under its three names: the JSON key (`listen_port`), the environment variable
/// (`EACP_SERVER_LISTEN_PORT`) and the flag (`--listen-port`), with its unit for `--help`.
public struct SettingDefinition: Sendable {
    /// The JSON key; the other two names derive from it.
    public let key: String
    /// What the setting sets, with its unit.
    public let help: String
    let apply: @Sendable (inout ServerSettings, String) -> String?

    public var environmentName: String { "EACP_SERVER_" + key.uppercased() }
    public var flag: String { "--" + key.replacingOccurrences(of: "_", with: "-") }

    /// Sets the value from its text form. Returns a reason when the text is invalid.
    func apply(_ text: String, to settings: inout ServerSettings) -> String? {
        apply(&settings, text)
    }

    public static func named(key: String) -> SettingDefinition? { all.first { $0.key == key } }
    public static func named(flag: String) -> SettingDefinition? { all.first { $0.flag == flag } }
    public static func named(environmentName: String) -> SettingDefinition? {
        all.first { $0.environmentName == environmentName }
    }

    public static let all: [SettingDefinition] = [
        text("data_dir", "folder for the database, certificates, tokens and stored files", \.dataDirectory),
        text("listen_host", "IP address the HTTPS listener binds", \.listenHost),
        integer("listen_port", "TCP port of the HTTPS listener; 0 picks a free port, named in the server.started log line",
                \.listenPort, 0...65_535),
        integer("heartbeat_interval_ms", "heartbeat interval sent to agents, in milliseconds",
                \.heartbeatIntervalMs, 1_000...86_400_000),
        integer("heartbeat_jitter_ms", "heartbeat jitter window sent to agents, in milliseconds",
                \.heartbeatJitterMs, 0...86_400_000),
        integer("status_report_interval_ms", "status report interval sent to agents, in milliseconds",
                \.statusReportIntervalMs, 1_000...86_400_000),
        boolean("log_collection", "whether agents upload their own logs (true or false)", \.logCollection),
        integer("push_ping_interval_ms", "interval between pings on each push channel, in milliseconds",
                \.pushPingIntervalMs, 1_000...300_000),
        integer("push_missed_pong_limit", "unanswered pings before a push channel is dropped, a count",
                \.pushMissedPongLimit, 1...10),
        integer("push_ack_timeout_ms", "wait for the ack of a pushed action before the heartbeat path takes it, in milliseconds",
                \.pushAckTimeoutMs, 1_000...300_000),
        integer("maximum_body_bytes", "cap on agent request bodies, in bytes; the spec's 1 MiB (4 MiB for upload chunks) applies when lower", \.maximumBodyBytes, 65_536...67_108_864),
        integer("maximum_upload_bytes", "largest upload accepted, in bytes", \.maximumUploadBytes, 1...1 << 40),
        integer("default_action_lifetime_seconds", "expiry of an action created without one, in seconds",
                \.defaultActionLifetimeSeconds, 60...31_536_000),
        integer("terminal_idle_timeout_seconds", "live terminal closes after this long without input, in seconds",
                \.terminalIdleTimeoutSeconds, 10...86_400),
        integer("terminal_maximum_duration_seconds", "live terminal closes after this long in any case, in seconds",
                \.terminalMaximumDurationSeconds, 10...86_400),
        integer("maximum_connections",
                "connections served at once, a count; each idle push channel takes about 16 KiB of memory "
                    + "and one open file", \.maximumConnections, 1...10_000_000),
        integer("agent_requests_per_second", "requests one agent may send per second on average before it gets 429, a count",
                \.agentRequestsPerSecond, 1...1_000_000),
        integer("agent_request_burst", "requests one agent may send at once before the per-second rate applies, a count",
                \.agentRequestBurst, 1...1_000_000),
        integer("worker_threads", "threads that run request handlers, a count", \.workerThreads, 1...256),
        integer("drain_timeout_ms", "time to finish requests in flight after SIGTERM, in milliseconds",
                \.drainTimeoutMs, 0...600_000),
        SettingDefinition(key: "log_level", help: "minimum level of log lines written: debug, info, warning or error") {
            settings, text in
            guard let level = LogLevel(name: text) else { return "expected debug, info, warning or error" }
            settings.logLevel = level
            return nil
        },
        text("replica_id", "name of this server process in push channel records (empty = host name and pid)",
             \.replicaID),
    ]

    private static func text(_ key: String, _ help: String, _ path: WritableKeyPath<ServerSettings, String> & Sendable)
        -> SettingDefinition
    {
        SettingDefinition(key: key, help: help) { settings, text in
            settings[keyPath: path] = text
            return nil
        }
    }

    private static func boolean(_ key: String, _ help: String, _ path: WritableKeyPath<ServerSettings, Bool> & Sendable)
        -> SettingDefinition
    {
        SettingDefinition(key: key, help: help) { settings, text in
            switch text {
            case "true": settings[keyPath: path] = true
            case "false": settings[keyPath: path] = false
            default: return "expected true or false"
            }
            return nil
        }
    }

    private static func integer<Value: FixedWidthInteger & Sendable>(
        _ key: String, _ help: String, _ path: WritableKeyPath<ServerSettings, Value> & Sendable,
        _ range: ClosedRange<Int64>
    ) -> SettingDefinition {
        SettingDefinition(key: key, help: help + " (\(range.lowerBound) to \(range.upperBound))") { settings, text in
            guard let number = Int64(text), range.contains(number), let value = Value(exactly: number) else {
                return "expected an integer from \(range.lowerBound) to \(range.upperBound)"
            }
            settings[keyPath: path] = value
            return nil
        }
    }
}
