import EACPProtocol

/// Proxy and isolation cases change settings that outlive a case. When one of them stops early,
/// these helpers put the agent back on direct, unisolated connections, so that one failure does not
/// spill into the cases after it.
extension ConformanceCase {
    /// Returns an agent case whose body, when it throws, is followed by `DISABLE_ENDPOINT_PROXY` when
    /// `disablesProxy` is set and `CANCEL_ISOLATION` when `cancelsIsolation` is set. The error is
    /// then thrown again, so the case still fails with the body's message.
    static func agentRestoringSettings(
        _ id: String, _ title: String, _ requirements: [String], _ harness: AgentHarness?, profile: Profile,
        disablesProxy: Bool, cancelsIsolation: Bool, timeout: Duration = .seconds(40),
        _ body: @escaping @Sendable (AgentHarness, CaseContext) async throws -> Void
    ) -> ConformanceCase {
        .agent(id, title, requirements, harness, profile: profile, timeout: timeout) { harness, context in
            do {
                try await body(harness, context)
            } catch {
                var envelopes: [ActionEnvelope] = []
                if disablesProxy {
                    envelopes.append(
                        harness.envelope(.disableEndpointProxy, AgentProxyCases.disableProxy(confirmTimeoutMs: 5_000)))
                }
                if cancelsIsolation {
                    envelopes.append(harness.envelope(.cancelIsolation, .cancelIsolation(CancelIsolationParameters())))
                }
                await restore(envelopes, harness, context)
                throw error
            }
        }
    }

    /// Delivers `envelopes` one after another and waits up to 10 s for the result of each.
    private static func restore(_ envelopes: [ActionEnvelope], _ harness: AgentHarness, _ context: CaseContext) async {
        context.transcript.note("the case stopped early, so the runner restores the agent's connection settings")
        harness.handlers.script.update { $0.heartbeatIntervalMs = 2_000 }
        for envelope in envelopes {
            AgentProxyCases.deliver(envelope, harness)
            let result = try? await harness.result(for: envelope.actionId, timeout: .seconds(10))
            context.transcript.note(
                "\(envelope.kind) to restore settings: \(result.map { "\($0.state)" } ?? "no result")")
        }
    }
}
