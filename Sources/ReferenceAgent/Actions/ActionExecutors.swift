import EACPProtocol

/// The code that carries out one checked action on this endpoint and reports how it ended.
struct ActionExecutors {
    let agent: Agent

    func execute(_ envelope: ActionEnvelope) async -> ActionOutcome {
        switch envelope.parameters {
        case .quarantineFile(let parameters)?:
            return FileQuarantine(agent: agent).quarantine(parameters, actionID: envelope.actionId)
        case .restoreFile(let parameters)?:
            return FileQuarantine(agent: agent).restore(parameters)
        case .terminateProcess(let parameters)?:
            return await ProcessTermination.terminate(parameters)
        case .isolateEndpoint(let parameters)?:
            return await agent.isolate(allowedHosts: parameters.allowedHosts, actionID: envelope.actionId)
        case .cancelIsolation?:
            return await agent.cancelIsolation(actionID: envelope.actionId)
        case .startLiveTerminal(let parameters)?:
            return await agent.push.terminals.run(parameters, actionID: envelope.actionId, push: agent.push)
        case .setEndpointProxy(let parameters)?:
            let setting = LocalState.ProxySetting(host: parameters.host, port: UInt16(parameters.port))
            return await agent.changeProxy(to: setting, confirmTimeoutMs: parameters.confirmTimeoutMs, actionID: envelope.actionId)
        case .disableEndpointProxy(let parameters)?:
            return await agent.changeProxy(
                to: LocalState.ProxySetting(), confirmTimeoutMs: parameters.confirmTimeoutMs, actionID: envelope.actionId)
        case .retrieveEndpointFiles(let parameters)?:
            return await Retrievals(agent: agent, actionID: envelope.actionId).endpointFiles(parameters)
        case .retrieveSecurityEventData(let parameters)?:
            return await Retrievals(agent: agent, actionID: envelope.actionId).securityEventData(parameters)
        case .retrieveSupportFile(let parameters)?:
            return await Retrievals(agent: agent, actionID: envelope.actionId).supportFile(parameters)
        case .performHeartbeat?:
            if BrokenVariant.isActive(.skipsPerformedHeartbeat) { return .succeeded() }
            switch await agent.heartbeatNow() {
            case .success: return .succeeded()
            case .failure(let error): return .failed(.internal, "the heartbeat exchange failed: \(error.message)")
            }
        case nil:
            return .rejected(.invalidParameters, "the envelope has no parameters")
        }
    }
}
