import EACPProtocol

/// The end of an action, before it becomes an `ActionResult`.
struct ActionOutcome: Sendable {
    var state: ActionTerminalState
    var errorCode: ActionErrorCode
    var detail: String
    var uploads: [UploadReference] = []

    static func succeeded(_ detail: String = "", uploads: [UploadReference] = []) -> ActionOutcome {
        ActionOutcome(state: .succeeded, errorCode: .unspecified, detail: detail, uploads: uploads)
    }

    static func failed(_ code: ActionErrorCode, _ detail: String) -> ActionOutcome {
        ActionOutcome(state: .failed, errorCode: code, detail: detail)
    }

    static func rejected(_ code: ActionErrorCode, _ detail: String) -> ActionOutcome {
        ActionOutcome(state: .rejected, errorCode: code, detail: detail)
    }

    func result(for envelope: ActionEnvelope) -> ActionResult {
        var result = ActionResult()
        result.actionId = envelope.actionId
        result.kind = BrokenVariant.isActive(.reportsUnspecifiedKind) ? .unspecified : envelope.kind
        result.state = state
        result.errorCode = errorCode
        result.detail = detail
        result.uploads = uploads
        return result
    }
}

/// The checks an action passes before it starts: known kind, matching and valid parameters, agent
/// version, expiry.
enum ActionChecks {
    static func rejection(of envelope: ActionEnvelope, nowUnixMs: Int64) -> ActionOutcome? {
        guard ActionProcessor.supportedKinds.contains(envelope.kind) else {
            return .rejected(.unsupportedKind, "the agent does not carry out action kind \(envelope.kind.rawValue)")
        }
        var minimum: AgentVersion?
        if !envelope.minimumAgentVersion.isEmpty {
            do {
                minimum = try AgentVersion(parsing: envelope.minimumAgentVersion)
            } catch {
                return .rejected(.invalidParameters, "minimum_agent_version is invalid: \(error)")
            }
        }
        if let problem = parameterProblem(envelope) {
            return .rejected(.invalidParameters, problem)
        }
        if let minimum, let own = try? AgentVersion(parsing: AgentIdentity.version), own < minimum {
            return .rejected(.agentVersionTooOld, "agent version \(own) is below minimum_agent_version \(minimum)")
        }
        if envelope.expiresUnixMs != 0, nowUnixMs >= envelope.expiresUnixMs, !BrokenVariant.isActive(.runsExpiredActions) {
            return ActionOutcome(state: .expired, errorCode: .unspecified, detail: "the action expired before it started")
        }
        return nil
    }

    /// Returns what is wrong with the parameters, or nil when they match the kind and keep its rules.
    static func parameterProblem(_ envelope: ActionEnvelope) -> String? {
        switch (envelope.kind, envelope.parameters) {
        case (.quarantineFile, .quarantineFile(let p)?):
            return pathProblem(p.path, "path") ?? digestProblem(p.sha256)
        case (.restoreFile, .restoreFile(let p)?):
            if !isIdentifier(p.quarantineActionId) { return "quarantine_action_id is not an identifier" }
            return p.restorePath.isEmpty ? nil : pathProblem(p.restorePath, "restore_path")
        case (.terminateProcess, .terminateProcess(let p)?):
            if p.pid == 0 { return "pid must not be 0" }
            return p.executablePath.isEmpty ? nil : pathProblem(p.executablePath, "executable_path")
        case (.isolateEndpoint, .isolateEndpoint(let p)?):
            if p.allowedHosts.count > 64 { return "allowed_hosts has more than 64 entries" }
            if let bad = p.allowedHosts.first(where: { $0.isEmpty || $0.utf8.count > 255 }) {
                return "allowed_hosts entry \"\(bad.prefix(40))\" must be 1 to 255 bytes"
            }
            return nil
        case (.cancelIsolation, .cancelIsolation?), (.performHeartbeat, .performHeartbeat?):
            return nil
        case (.startLiveTerminal, .startLiveTerminal(let p)?):
            if !isIdentifier(p.sessionId) { return "session_id is not an identifier" }
            if !(1...1000).contains(p.rows) || !(1...1000).contains(p.columns) {
                return "rows and columns must be 1 to 1000"
            }
            return nil
        case (.setEndpointProxy, .setEndpointProxy(let p)?):
            if p.host.isEmpty || p.host.utf8.count > 255 { return "host must be 1 to 255 bytes" }
            if !(1...65535).contains(p.port), !BrokenVariant.isActive(.acceptsProxyPortOutOfRange) {
                return "port \(p.port) is outside 1 to 65535"
            }
            return confirmTimeoutProblem(p.confirmTimeoutMs)
        case (.disableEndpointProxy, .disableEndpointProxy(let p)?):
            return confirmTimeoutProblem(p.confirmTimeoutMs)
        case (.retrieveEndpointFiles, .retrieveEndpointFiles(let p)?):
            if !(1...100).contains(p.paths.count) { return "paths must hold 1 to 100 entries" }
            for path in p.paths { if let problem = pathProblem(path, "paths entry") { return problem } }
            return nil
        case (.retrieveSecurityEventData, .retrieveSecurityEventData(let p)?):
            if !(1...100).contains(p.eventIds.count) { return "event_ids must hold 1 to 100 entries" }
            return p.eventIds.allSatisfy(isIdentifier) ? nil : "an event_ids entry is not an identifier"
        case (.retrieveSupportFile, .retrieveSupportFile?):
            return nil
        default:
            if BrokenVariant.isActive(.acceptsParametersOfOtherKind) { return nil }
            return "the parameters member does not belong to kind \(envelope.kind.rawValue)"
        }
    }

    private static func pathProblem(_ path: String, _ field: String) -> String? {
        guard (1...4096).contains(path.utf8.count), path.hasPrefix("/") else {
            return "\(field) must be an absolute path of 1 to 4096 bytes"
        }
        return nil
    }

    private static func digestProblem(_ digest: [UInt8]) -> String? {
        digest.isEmpty || digest.count == 32 ? nil : "sha256 must be empty or 32 bytes, not \(digest.count)"
    }

    private static func confirmTimeoutProblem(_ timeout: UInt32) -> String? {
        timeout == 0 || (1_000...3_600_000).contains(timeout)
            ? nil : "confirm_timeout_ms \(timeout) is outside 1000 to 3600000"
    }

    static func isIdentifier(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
            }
    }
}
