import EACPProtocol

/// The administrator API's names for action kinds and the JSON form of each kind's parameters.
enum ActionParametersJSON {
    static let kindNames: [(name: String, kind: ActionKind)] = [
        ("quarantine-file", .quarantineFile), ("restore-file", .restoreFile), ("terminate-process", .terminateProcess),
        ("isolate-endpoint", .isolateEndpoint), ("cancel-isolation", .cancelIsolation),
        ("start-live-terminal", .startLiveTerminal), ("set-endpoint-proxy", .setEndpointProxy),
        ("disable-endpoint-proxy", .disableEndpointProxy), ("retrieve-endpoint-files", .retrieveEndpointFiles),
        ("retrieve-security-event-data", .retrieveSecurityEventData),
        ("retrieve-support-file", .retrieveSupportFile), ("perform-heartbeat", .performHeartbeat),
    ]

    static func kind(named name: String) throws(AdminError) -> ActionKind {
        guard let entry = kindNames.first(where: { $0.name == name }) else {
            throw .badRequest("unknown action kind \"\(name)\"; expected one of \(kindNames.map(\.name).joined(separator: ", "))")
        }
        return entry.kind
    }

    static func name(of kind: ActionKind) -> String {
        kindNames.first { $0.kind == kind }?.name ?? "unknown-\(kind.rawValue)"
    }

    /// Encodes the JSON parameters of `kind` as its parameters message.
    static func encode(kind: ActionKind, _ json: inout JSONObject) throws(AdminError) -> [UInt8] {
        let bytes: [UInt8]
        switch kind {
        case .quarantineFile:
            var message = QuarantineFileParameters()
            message.path = try json.string("path")
            message.sha256 = try digest(json.string("sha256", default: ""))
            bytes = message.wireBytes()
        case .restoreFile:
            var message = RestoreFileParameters()
            message.quarantineActionId = try json.string("quarantine_action_id")
            message.restorePath = try json.string("restore_path", default: "")
            bytes = message.wireBytes()
        case .terminateProcess:
            var message = TerminateProcessParameters()
            message.pid = try json.integer("pid")
            message.processStartUnixMs = try json.integer("process_start_unix_ms")
            message.executablePath = try json.string("executable_path", default: "")
            message.includeDescendants = try json.boolean("include_descendants")
            bytes = message.wireBytes()
        case .isolateEndpoint:
            var message = IsolateEndpointParameters()
            message.allowedHosts = try json.strings("allowed_hosts")
            bytes = message.wireBytes()
        case .cancelIsolation:
            bytes = CancelIsolationParameters().wireBytes()
        case .startLiveTerminal:
            var message = StartLiveTerminalParameters()
            message.sessionId = try json.string("session_id", default: "term-" + String(ServerTokens.randomToken().prefix(16)))
            message.rows = try json.integer("rows", default: 24)
            message.columns = try json.integer("columns", default: 80)
            message.idleTimeoutMs = try json.integer("idle_timeout_ms")
            bytes = message.wireBytes()
        case .setEndpointProxy:
            var message = SetEndpointProxyParameters()
            message.host = try json.string("host")
            message.port = try json.integer("port")
            message.confirmTimeoutMs = try json.integer("confirm_timeout_ms")
            bytes = message.wireBytes()
        case .disableEndpointProxy:
            var message = DisableEndpointProxyParameters()
            message.confirmTimeoutMs = try json.integer("confirm_timeout_ms")
            bytes = message.wireBytes()
        case .retrieveEndpointFiles:
            var message = RetrieveEndpointFilesParameters()
            message.paths = try json.strings("paths")
            message.maxTotalBytes = try json.integer("max_total_bytes")
            bytes = message.wireBytes()
        case .retrieveSecurityEventData:
            var message = RetrieveSecurityEventDataParameters()
            message.eventIds = try json.strings("event_ids")
            bytes = message.wireBytes()
        case .retrieveSupportFile:
            var message = RetrieveSupportFileParameters()
            message.includeLogs = try json.boolean("include_logs")
            bytes = message.wireBytes()
        case .performHeartbeat:
            bytes = PerformHeartbeatParameters().wireBytes()
        case .unspecified, .unrecognized:
            throw .badRequest("the action kind is not set")
        }
        try json.finish()
        return bytes
    }

    private static func digest(_ hex: String) throws(AdminError) -> [UInt8] {
        if hex.isEmpty { return [] }
        guard let bytes = Hex.decode(hex), bytes.count == 32 else {
            throw .badRequest("sha256 must be 64 hex digits")
        }
        return bytes
    }
}
