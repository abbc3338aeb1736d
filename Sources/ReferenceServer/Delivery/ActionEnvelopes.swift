import EACPProtocol

/// Builds the `ActionEnvelope` of a stored action: the same bytes on the push channel and in a
/// heartbeat reply, because both come from the one stored record.
enum ActionEnvelopes {
    static func envelope(for record: ActionRecord) throws -> ActionEnvelope {
        var envelope = ActionEnvelope()
        envelope.actionId = record.action.actionID
        envelope.kind = ActionKind(rawValue: record.action.kind)
        envelope.sequenceNumber = UInt64(record.sequenceNumber) + (BrokenVariant.isActive(.numbersActionsFromTwo) ? 1 : 0)
        envelope.createdUnixMs = record.action.createdUnixMs
        envelope.notBeforeUnixMs = record.action.notBeforeUnixMs
        envelope.expiresUnixMs = record.action.expiresUnixMs
        envelope.minimumAgentVersion = record.action.minimumAgentVersion
        envelope.parameters = try parameters(kind: envelope.kind, encoded: record.action.parameters)
        return envelope
    }

    /// Decodes stored parameter bytes into the envelope member that matches `kind`.
    static func parameters(kind: ActionKind, encoded bytes: [UInt8]) throws -> ActionEnvelope.Parameters? {
        switch kind {
        case .quarantineFile: .quarantineFile(try QuarantineFileParameters(wireBytes: bytes))
        case .restoreFile: .restoreFile(try RestoreFileParameters(wireBytes: bytes))
        case .terminateProcess: .terminateProcess(try TerminateProcessParameters(wireBytes: bytes))
        case .isolateEndpoint: .isolateEndpoint(try IsolateEndpointParameters(wireBytes: bytes))
        case .cancelIsolation: .cancelIsolation(try CancelIsolationParameters(wireBytes: bytes))
        case .startLiveTerminal: .startLiveTerminal(try StartLiveTerminalParameters(wireBytes: bytes))
        case .setEndpointProxy: .setEndpointProxy(try SetEndpointProxyParameters(wireBytes: bytes))
        case .disableEndpointProxy: .disableEndpointProxy(try DisableEndpointProxyParameters(wireBytes: bytes))
        case .retrieveEndpointFiles: .retrieveEndpointFiles(try RetrieveEndpointFilesParameters(wireBytes: bytes))
        case .retrieveSecurityEventData:
            .retrieveSecurityEventData(try RetrieveSecurityEventDataParameters(wireBytes: bytes))
        case .retrieveSupportFile: .retrieveSupportFile(try RetrieveSupportFileParameters(wireBytes: bytes))
        case .performHeartbeat: .performHeartbeat(try PerformHeartbeatParameters(wireBytes: bytes))
        case .unspecified, .unrecognized: nil
        }
    }
}
