import EACPProtocol
import Foundation

/// Isolation as the wire shows it: action results, the isolation state in heartbeats, a management
/// channel that keeps working while isolated, and isolation that outlives a restart.
///
/// NOTE: Whether the agent really blocks the endpoint's other traffic is not visible to the runner,
/// which sees only the agent's own connections to its server, so no case checks the block itself.
enum AgentIsolationCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [isolateAndCancel(harness), survivesRestart(harness), proxyChangeWhileIsolated(harness)]
    }

    static func isolate(_ allowedHosts: [String]) -> ActionEnvelope.Parameters {
        var parameters = IsolateEndpointParameters()
        parameters.allowedHosts = allowedHosts
        return .isolateEndpoint(parameters)
    }

    /// Runs `parameters` as a new action, requires it to succeed, and returns the state the first
    /// heartbeat after its result reports.
    static func runAndReport(
        _ kind: ActionKind, _ parameters: ActionEnvelope.Parameters, _ what: String, _ harness: AgentHarness,
        _ context: CaseContext
    ) async throws -> (envelope: ActionEnvelope, isolation: Heartbeat.IsolationState?) {
        let envelope = harness.envelope(kind, parameters)
        AgentProxyCases.deliver(envelope, harness)
        let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
        try context.require(
            result.state == .succeeded, "\(what) ended \(result.state) \(result.errorCode): \(result.detail)")
        guard let heartbeat = try await harness.requestHeartbeatNow()?.value else {
            throw CaseStop.failed("no heartbeat within 10 s after \(what)")
        }
        context.transcript.note("after \(what): \(describe(heartbeat.isolation))")
        return (envelope, heartbeat.isolation)
    }

    static func describe(_ isolation: Heartbeat.IsolationState?) -> String {
        guard let isolation else { return "no isolation state" }
        return "\(isolation.status) action \"\(isolation.actionId)\" since \(isolation.sinceUnixMs)"
    }

    /// Closes the push channel and requires the agent to open a new one within 10 s.
    static func requirePushReopens(_ harness: AgentHarness, _ context: CaseContext, _ when: String) async throws {
        guard try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) != nil else {
            throw CaseStop.failed("the agent has no push channel open \(when)")
        }
        let opened = harness.handlers.observations.value.pushConnections.count
        harness.handlers.pushChannel.value?.close(code: .goingAway, reason: "conformance: reconnect while isolated")
        let reopened = try await waitFor(timeout: .seconds(10)) {
            harness.handlers.observations.value.pushConnections.count > opened ? true : nil
        }
        try context.require(reopened != nil, "the agent did not open its push channel again within 10 s \(when)")
    }

    static func isolateAndCancel(_ harness: AgentHarness?) -> ConformanceCase {
        .agentRestoringSettings(
            "agent.isolation.isolate-and-cancel",
            "Isolation succeeds and is reported, keeps the management channel up, takes a new host list, and is cancelled, also twice",
            ["EACP-ISOLATION-001", "EACP-ISOLATION-002", "EACP-ISOLATION-004", "EACP-ISOLATION-005"], harness,
            profile: .core, disablesProxy: false, cancelsIsolation: true, timeout: .seconds(60)
        ) { harness, context in
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            defer { harness.handlers.script.update { $0.heartbeatIntervalMs = 2_000 } }

            let first = try await runAndReport(
                .isolateEndpoint, isolate(["127.0.0.2"]), "ISOLATE_ENDPOINT", harness, context)
            try context.require(
                first.isolation?.status == .isolated && first.isolation?.actionId == first.envelope.actionId,
                "after ISOLATE_ENDPOINT succeeded the agent reports \(describe(first.isolation))")
            try await requirePushReopens(harness, context, "while isolated")

            let again = try await runAndReport(
                .isolateEndpoint, isolate(["127.0.0.3"]), "a second ISOLATE_ENDPOINT", harness, context)
            try context.require(
                again.isolation?.status == .isolated,
                "after a second ISOLATE_ENDPOINT the agent reports \(describe(again.isolation))")

            let cancelled = try await runAndReport(
                .cancelIsolation, .cancelIsolation(CancelIsolationParameters()), "CANCEL_ISOLATION",
                harness, context)
            try context.require(
                cancelled.isolation?.status == .notIsolated,
                "after CANCEL_ISOLATION succeeded the agent reports \(describe(cancelled.isolation))")
            let repeated = try await runAndReport(
                .cancelIsolation, .cancelIsolation(CancelIsolationParameters()),
                "CANCEL_ISOLATION on an endpoint that is not isolated", harness, context)
            try context.require(
                repeated.isolation?.status == .notIsolated,
                "after a second CANCEL_ISOLATION the agent reports \(describe(repeated.isolation))")
        }
    }

    static func survivesRestart(_ harness: AgentHarness?) -> ConformanceCase {
        .agentRestoringSettings(
            "agent.isolation.survives-restart",
            "Isolation is still reported and the push channel still opens after a crash, until CANCEL_ISOLATION",
            ["EACP-ISOLATION-003", "EACP-ISOLATION-002"], harness, profile: .core, disablesProxy: false,
            cancelsIsolation: true, timeout: .seconds(90)
        ) { harness, context in
            let isolated = try await runAndReport(.isolateEndpoint, isolate([]), "ISOLATE_ENDPOINT", harness, context)
            try context.require(
                isolated.isolation?.status == .isolated,
                "after ISOLATE_ENDPOINT succeeded the agent reports \(describe(isolated.isolation))")

            let restarted = ContinuousClock.now
            try await harness.restartAgent(crash: true)
            guard let heartbeat = try await AgentProxyCases.heartbeat(after: restarted, timeout: .seconds(1), harness)
            else {
                throw CaseStop.failed("the heartbeat the restarted agent sent was not recorded")
            }
            try context.require(
                heartbeat.isolation?.status == .isolated,
                "after a crash and restart the isolated agent reports \(describe(heartbeat.isolation))")
            try await requirePushReopens(harness, context, "after a restart while isolated")

            let cancelled = try await runAndReport(
                .cancelIsolation, .cancelIsolation(CancelIsolationParameters()), "CANCEL_ISOLATION",
                harness, context)
            try context.require(
                cancelled.isolation?.status == .notIsolated,
                "after CANCEL_ISOLATION succeeded the agent reports \(describe(cancelled.isolation))")
            let restartedAgain = ContinuousClock.now
            try await harness.restartAgent(crash: false)
            let after = try await AgentProxyCases.heartbeat(after: restartedAgain, timeout: .seconds(1), harness)
            try context.require(
                after?.isolation?.status == .notIsolated,
                "after CANCEL_ISOLATION and a restart the agent reports \(describe(after?.isolation))")
        }
    }

    static func proxyChangeWhileIsolated(_ harness: AgentHarness?) -> ConformanceCase {
        .agentRestoringSettings(
            "agent.isolation.proxy-change-while-isolated",
            "While isolated, a proxy on another loopback address is confirmed and disabled, and isolation stays in force",
            ["EACP-ISOLATION-002"], harness, profile: .proxy, disablesProxy: true, cancelsIsolation: true,
            timeout: .seconds(60)
        ) { harness, context in
            // Another address than the server's, so that only an exemption for the proxy lets the agent reach it.
            let proxy = try HarnessProxy(backendPort: harness.front.backendPort, host: "127.0.0.2")
            defer { proxy.stop() }
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            defer { harness.handlers.script.update { $0.heartbeatIntervalMs = 2_000 } }
            let isolated = try await runAndReport(.isolateEndpoint, isolate([]), "ISOLATE_ENDPOINT", harness, context)
            try context.require(
                isolated.isolation?.status == .isolated,
                "after ISOLATE_ENDPOINT succeeded the agent reports \(describe(isolated.isolation))")

            let envelope = harness.envelope(
                .setEndpointProxy,
                AgentProxyCases.setProxy(host: proxy.host, port: UInt32(proxy.port), confirmTimeoutMs: 5_000))
            AgentProxyCases.deliver(envelope, harness)
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                result.state == .succeeded,
                "SET_ENDPOINT_PROXY while isolated ended \(result.state) \(result.errorCode): \(result.detail)")
            let through = try await AgentProxyCases.heartbeatNow(harness, context)
            try context.require(
                through.isolation?.status == .isolated && through.proxy?.mode == .proxyConfirmed,
                "after a proxy change while isolated the agent reports \(describe(through.isolation)), "
                    + AgentProxyCases.describe(through.proxy))

            try await AgentProxyCases.disable(proxy, harness, context)
            let cancelled = try await runAndReport(
                .cancelIsolation, .cancelIsolation(CancelIsolationParameters()), "CANCEL_ISOLATION", harness, context)
            try context.require(
                cancelled.isolation?.status == .notIsolated,
                "after CANCEL_ISOLATION succeeded the agent reports \(describe(cancelled.isolation))")
        }
    }
}
