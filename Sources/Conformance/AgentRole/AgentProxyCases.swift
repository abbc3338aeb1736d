import CEACPOpenSSL
import EACPProtocol
import EACPTransport
import Foundation

/// Proxy changes and connections through a CONNECT proxy: the runner sets its own loopback proxy
/// (`HarnessProxy`) with `SET_ENDPOINT_PROXY`, watches the tunnels the agent opens, and rejects them
/// to see the agent revert.
enum AgentProxyCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [
            invalidParameters(harness), confirmedAndDisabled(harness), unconfirmedReverted(harness),
            revertsToSavedProxy(harness), pendingAcrossRestarts(harness),
        ]
    }

    /// The heartbeat interval of the proxy cases, the minimum EACP allows: the push channel is often
    /// in reconnect backoff after a proxy change, so heartbeat replies carry most actions.
    static let fastHeartbeatMs: UInt32 = 1_000

    static func setProxy(host: String, port: UInt32, confirmTimeoutMs: UInt32) -> ActionEnvelope.Parameters {
        var parameters = SetEndpointProxyParameters()
        parameters.host = host
        parameters.port = port
        parameters.confirmTimeoutMs = confirmTimeoutMs
        return .setEndpointProxy(parameters)
    }

    static func disableProxy(confirmTimeoutMs: UInt32) -> ActionEnvelope.Parameters {
        var parameters = DisableEndpointProxyParameters()
        parameters.confirmTimeoutMs = confirmTimeoutMs
        return .disableEndpointProxy(parameters)
    }

    /// Pushes `envelope` when a push channel is open, and puts it in heartbeat replies too, as a
    /// server does whose push is not yet acknowledged. The agent runs it once either way.
    static func deliver(_ envelope: ActionEnvelope, _ harness: AgentHarness) {
        harness.handlers.push(.action(envelope))
        harness.handlers.script.update { $0.heartbeatActions.append(envelope) }
    }

    /// Waits for the first heartbeat that arrived after `instant` and matches `condition`.
    static func heartbeat(
        after instant: ContinuousClock.Instant, timeout: Duration,
        where condition: @escaping @Sendable (Heartbeat) -> Bool = { _ in true },
        _ harness: AgentHarness
    ) async throws -> Heartbeat? {
        try await waitFor(timeout: timeout) {
            harness.handlers.observations.value.heartbeats.first { $0.at > instant && condition($0.value) }?.value
        }
    }

    /// Sets the heartbeat interval to 1 s and makes the agent take it now with `PERFORM_HEARTBEAT`.
    /// Returns the heartbeat that exchange sent.
    ///
    /// Waiting for the push channel first also means that no push connection through an older
    /// setting is still being opened when the case goes on to change the setting again.
    static func heartbeatNow(_ harness: AgentHarness, _ context: CaseContext) async throws -> Heartbeat {
        harness.handlers.script.update { $0.heartbeatIntervalMs = fastHeartbeatMs }
        guard try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) != nil else {
            throw CaseStop.failed("the agent has no push channel open to take PERFORM_HEARTBEAT")
        }
        let sent = ContinuousClock.now
        let envelope = harness.envelope(.performHeartbeat, .performHeartbeat(PerformHeartbeatParameters()))
        deliver(envelope, harness)
        guard let heartbeat = try await heartbeat(after: sent, timeout: .seconds(10), harness) else {
            throw CaseStop.failed("no heartbeat within 10 s of PERFORM_HEARTBEAT")
        }
        _ = try await AgentActionCases.requireAnswered(envelope, harness, context)
        return heartbeat
    }

    static func describe(_ proxy: Heartbeat.ProxyState?) -> String {
        guard let proxy else { return "no proxy state" }
        return "\(proxy.mode) \(proxy.host):\(proxy.port) action \"\(proxy.actionId)\""
    }

    /// Checks every CONNECT request of `requests`: the request line, one Host header with the same
    /// authority, and no bytes before the proxy's response.
    static func checkConnects(
        _ requests: [HarnessProxy.ConnectRequest], authority: String, _ context: CaseContext
    ) throws {
        try context.require(!requests.isEmpty, "the agent sent no CONNECT request to the proxy")
        for request in requests {
            try context.require(
                !request.requestLine.isEmpty,
                "the agent sent \(request.bytesBeforeResponse) bytes to the proxy that are not an HTTP request head, such as a TLS record"
            )
            context.transcript.record(
                "agent->proxy", request.requestLine,
                request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n"))
            try context.require(
                request.requestLine == "CONNECT \(authority) HTTP/1.1",
                "the request line is \"\(request.requestLine)\", expected \"CONNECT \(authority) HTTP/1.1\"")
            try context.require(
                request.values(of: "Host") == [authority],
                "the Host headers are \(request.values(of: "Host")), expected [\"\(authority)\"]")
            try context.require(
                request.bytesBeforeResponse == 0,
                "the agent sent \(request.bytesBeforeResponse) bytes after CONNECT before the proxy responded")
        }
    }

    static func invalidParameters(_ harness: AgentHarness?) -> ConformanceCase {
        .agentRestoringSettings(
            "agent.proxy.invalid-parameters-rejected",
            "SET_ENDPOINT_PROXY with an empty or overlong host or a port outside 1 to 65535 is rejected INVALID_PARAMETERS",
            ["EACP-PROXY-001"], harness, profile: .proxy, disablesProxy: true, cancelsIsolation: false
        ) { harness, context in
            harness.handlers.script.update { $0.heartbeatIntervalMs = fastHeartbeatMs }
            // The proxy rejects every tunnel, so an agent that applies a bad setting cannot confirm it.
            let proxy = try HarnessProxy(backendPort: harness.front.backendPort)
            defer { proxy.stop() }
            proxy.rejectionStatus.update { $0 = 403 }
            let port = UInt32(proxy.port)
            let cases: [(String, ActionEnvelope.Parameters)] = [
                ("an empty host", setProxy(host: "", port: port, confirmTimeoutMs: 1_000)),
                (
                    "a host of 256 bytes",
                    setProxy(host: String(repeating: "a", count: 256), port: port, confirmTimeoutMs: 1_000)
                ),
                ("port 0", setProxy(host: "127.0.0.1", port: 0, confirmTimeoutMs: 1_000)),
                ("port 65536", setProxy(host: "127.0.0.1", port: 65_536, confirmTimeoutMs: 1_000)),
            ]
            let start = ContinuousClock.now
            for (what, parameters) in cases {
                let envelope = harness.envelope(.setEndpointProxy, parameters)
                deliver(envelope, harness)
                let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
                try context.require(
                    result.state == .rejected && result.errorCode == .invalidParameters,
                    "SET_ENDPOINT_PROXY with \(what) ended \(result.state) \(result.errorCode), expected REJECTED INVALID_PARAMETERS"
                )
            }
            guard let after = try await harness.requestHeartbeatNow()?.value else {
                throw CaseStop.failed("no heartbeat within 10 s after the rejected changes")
            }
            try context.require(
                after.proxy?.mode == .direct, "after rejected changes the agent reports \(describe(after.proxy))")
            try context.require(
                proxy.requests(after: start).isEmpty, "the agent opened a tunnel through a rejected setting")
        }
    }

    static func confirmedAndDisabled(_ harness: AgentHarness?) -> ConformanceCase {
        .agentRestoringSettings(
            "agent.proxy.confirmed-and-disabled",
            "A proxy change is confirmed by a heartbeat through the tunnel, carries every connection with TLS checked, and is undone by DISABLE_ENDPOINT_PROXY",
            ["EACP-PROXY-001", "EACP-PROXY-002", "EACP-PROXY-006", "EACP-TRANSPORT-015", "EACP-TRANSPORT-016"], harness,
            profile: .proxy, disablesProxy: true, cancelsIsolation: false, timeout: .seconds(60)
        ) { harness, context in
            let proxy = try HarnessProxy(backendPort: harness.front.backendPort)
            defer { proxy.stop() }
            let authority = "127.0.0.1:\(harness.front.port)"
            // A 30 s interval, so that a heartbeat soon after the change is the agent's own doing.
            harness.handlers.script.update { $0.heartbeatIntervalMs = 30_000 }
            guard try await harness.requestHeartbeatNow() != nil else {
                throw CaseStop.failed("no heartbeat within 10 s to carry the 30 s interval")
            }

            let relaysBefore = harness.front.relayCount
            let changed = ContinuousClock.now
            let envelope = harness.envelope(
                .setEndpointProxy, setProxy(host: "127.0.0.1", port: UInt32(proxy.port), confirmTimeoutMs: 20_000))
            deliver(envelope, harness)
            // Tolerance: 15 s for a tunnel, a TLS handshake and a request on a loaded machine, half the 30 s interval.
            let pending = try await heartbeat(
                after: changed, timeout: .seconds(15), where: { $0.proxy?.mode == .proxyPending }, harness)
            try checkConnects(proxy.requests(after: changed), authority: authority, context)
            try context.require(
                pending != nil, "no heartbeat reporting PROXY_MODE_PROXY_PENDING within 15 s of the change")
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                result.state == .succeeded,
                "SET_ENDPOINT_PROXY ended \(result.state) \(result.errorCode): \(result.detail)")
            guard
                try await waitFor(
                    timeout: .seconds(10),
                    {
                        harness.handlers.observations.value.pushConnections.last.map { $0 > changed } == true
                            ? true : nil
                    }) != nil
            else { throw CaseStop.failed("the agent did not open its push channel again within 10 s of the change") }
            try context.require(
                harness.front.relayCount == relaysBefore,
                "the agent made \(harness.front.relayCount - relaysBefore) direct connections after the change")

            try await probeThroughTunnel(proxy, harness, context)
            let confirmed = try await heartbeatNow(harness, context)
            try context.require(
                confirmed.proxy?.mode == .proxyConfirmed && confirmed.proxy?.host == "127.0.0.1"
                    && confirmed.proxy?.port == UInt32(proxy.port) && confirmed.proxy?.actionId == envelope.actionId,
                "after the confirmation the agent reports \(describe(confirmed.proxy))")
            try context.require(
                harness.front.relayCount == relaysBefore, "the agent connected directly while the proxy was set")
            try checkConnects(proxy.requests(after: changed), authority: authority, context)
            try await disable(proxy, harness, context)
        }
    }

    /// Arms a certificate from another CA, then one for another host from the pinned CA, behind the
    /// next tunnels, and requires the agent to reject both as it would on a direct connection.
    static func probeThroughTunnel(_ proxy: HarnessProxy, _ harness: AgentHarness, _ context: CaseContext) async throws
    {
        let other = try CertificateAuthority.create(commonName: "Untrusted conformance CA")
        let otherKey = try PrivateKey.generateP256()
        let untrusted = try other.issueServerCertificate(
            dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], key: otherKey)
        try await probe(
            AgentTLSCases.tls12(try untrusted.pem(), try otherKey.pem()), "a certificate from another CA",
            expected: [TLSAlertDescriptionCode.unknownCA, TLSAlertDescriptionCode.badCertificate], proxy, harness,
            context)

        let key = try PrivateKey.generateP256()
        let wrongHost = try harness.authority.issueServerCertificate(dnsNames: ["wrong-host.invalid"], key: key)
        try await probe(
            AgentTLSCases.tls12(try wrongHost.pem(), try key.pem()), "a certificate for another host",
            expected: [TLSAlertDescriptionCode.badCertificate], proxy, harness, context)
    }

    /// Arms `probe` behind the next tunnel, closes the push channel so that the agent opens one, and
    /// judges the agent's reaction.
    private static func probe(
        _ probe: AgentProbe, _ what: String, expected: [UInt8], _ proxy: HarnessProxy, _ harness: AgentHarness,
        _ context: CaseContext
    ) async throws {
        let before = proxy.probeOutcomes.value.count
        proxy.nextProbe.update { $0 = probe }
        harness.handlers.pushChannel.value?.close(code: .goingAway, reason: "conformance: reconnect through the proxy")
        guard
            let outcome = try await waitFor(
                timeout: .seconds(15),
                {
                    proxy.probeOutcomes.value.count > before ? proxy.probeOutcomes.value[before] : nil
                })
        else {
            proxy.nextProbe.update { $0 = nil }
            throw CaseStop.failed("the agent opened no tunnel within 15 s after its push channel closed")
        }
        context.transcript.record("agent->proxy", "reaction to \(what) inside the tunnel", "\(outcome)")
        try AgentTLSCases.judge(outcome, expected: expected, context)
    }

    /// Disables the proxy and requires direct connections from then on.
    static func disable(_ proxy: HarnessProxy, _ harness: AgentHarness, _ context: CaseContext) async throws {
        let envelope = harness.envelope(.disableEndpointProxy, disableProxy(confirmTimeoutMs: 20_000))
        deliver(envelope, harness)
        let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
        try context.require(
            result.state == .succeeded,
            "DISABLE_ENDPOINT_PROXY ended \(result.state) \(result.errorCode): \(result.detail)")
        let tunnels = proxy.requests.value.count
        let relays = harness.front.relayCount
        let direct = try await heartbeatNow(harness, context)
        try context.require(
            direct.proxy?.mode == .direct, "after DISABLE_ENDPOINT_PROXY the agent reports \(describe(direct.proxy))")
        harness.handlers.pushChannel.value?.close(code: .goingAway, reason: "conformance: reconnect directly")
        guard try await waitFor(timeout: .seconds(10), { harness.front.relayCount > relays ? true : nil }) != nil else {
            throw CaseStop.failed("the agent made no direct connection within 10 s after DISABLE_ENDPOINT_PROXY")
        }
        try context.require(
            proxy.requests.value.count == tunnels, "the agent still opened tunnels after DISABLE_ENDPOINT_PROXY")
    }

    static func unconfirmedReverted(_ harness: AgentHarness?) -> ConformanceCase {
        .agentRestoringSettings(
            "agent.proxy.unconfirmed-reverted",
            "A proxy that rejects every tunnel is reverted at the confirmation deadline, and the action fails PROXY_NOT_CONFIRMED",
            ["EACP-PROXY-003", "EACP-TRANSPORT-015"], harness, profile: .proxy, disablesProxy: true,
            cancelsIsolation: false
        ) { harness, context in
            let proxy = try HarnessProxy(backendPort: harness.front.backendPort)
            defer { proxy.stop() }
            harness.handlers.script.update { $0.heartbeatIntervalMs = fastHeartbeatMs }
            proxy.rejectionStatus.update { $0 = 403 }
            let changed = ContinuousClock.now
            let envelope = harness.envelope(
                .setEndpointProxy, setProxy(host: "127.0.0.1", port: UInt32(proxy.port), confirmTimeoutMs: 2_000))
            deliver(envelope, harness)
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                result.state == .failed && result.errorCode == .proxyNotConfirmed,
                "an unconfirmed change ended \(result.state) \(result.errorCode), expected FAILED PROXY_NOT_CONFIRMED")
            let rejected = proxy.requests(after: changed)
            try checkConnects(rejected, authority: "127.0.0.1:\(harness.front.port)", context)
            for request in rejected {
                try context.require(
                    request.bytesAfterRejection == 0,
                    "after a 403 to CONNECT the agent sent \(request.bytesAfterRejection) more bytes on that connection"
                )
            }
            guard let after = try await harness.requestHeartbeatNow()?.value else {
                throw CaseStop.failed("no heartbeat within 10 s after the revert")
            }
            try context.require(
                after.proxy?.mode == .direct, "after the revert the agent reports \(describe(after.proxy))")
        }
    }

    static func pendingAcrossRestarts(_ harness: AgentHarness?) -> ConformanceCase {
        .agentRestoringSettings(
            "agent.proxy.pending-across-restarts",
            "An unconfirmed change is used again after a restart, and reverted before any request once its deadline has passed",
            ["EACP-PROXY-004"], harness, profile: .proxy, disablesProxy: true, cancelsIsolation: false,
            timeout: .seconds(60)
        ) { harness, context in
            let proxy = try HarnessProxy(backendPort: harness.front.backendPort)
            defer { proxy.stop() }
            harness.handlers.script.update { $0.heartbeatIntervalMs = fastHeartbeatMs }
            proxy.rejectionStatus.update { $0 = 403 }
            let timeoutMs: UInt32 = 6_000
            let changed = ContinuousClock.now
            let envelope = harness.envelope(
                .setEndpointProxy, setProxy(host: "127.0.0.1", port: UInt32(proxy.port), confirmTimeoutMs: timeoutMs))
            deliver(envelope, harness)
            // The agent sets the deadline before it applies the change, so at the latest when the first
            // CONNECT request arrives.
            guard let firstConnect = try await waitFor(timeout: .seconds(5), { proxy.requests(after: changed).first })
            else {
                throw CaseStop.failed("the agent sent no CONNECT request within 5 s of the change")
            }

            harness.agent.value?.kill()
            let restarted = ContinuousClock.now
            try await harness.startAgent()
            context.transcript.note(
                "agent killed and started again \((restarted - changed).milliseconds) ms after the change")
            let usedAgain = try await waitFor(timeout: .seconds(3)) { proxy.requests(after: restarted).first }
            try context.require(
                usedAgain != nil, "the restarted agent did not use the pending proxy setting within 3 s")

            harness.agent.value?.kill()
            let deadline = firstConnect.at + .milliseconds(Int(timeoutMs))
            if deadline > .now { try await Task.sleep(until: deadline + .milliseconds(500)) }
            let restartedLate = ContinuousClock.now
            try await harness.startAgent()
            guard let first = try await heartbeat(after: restartedLate, timeout: .seconds(15), harness) else {
                throw CaseStop.failed("the agent sent no heartbeat within 15 s of a restart past the deadline")
            }
            try context.require(
                proxy.requests(after: restartedLate).isEmpty,
                "the agent restarted past the deadline tried the proxy before it reverted")
            try context.require(
                first.proxy?.mode == .direct, "the agent restarted past the deadline reports \(describe(first.proxy))")
        }
    }

    static func revertsToSavedProxy(_ harness: AgentHarness?) -> ConformanceCase {
        .agentRestoringSettings(
            "agent.proxy.reverts-to-saved-proxy",
            "An unconfirmed change made while a proxy is confirmed goes back to that proxy, and its failure travels through it",
            ["EACP-PROXY-001", "EACP-PROXY-003"], harness, profile: .proxy, disablesProxy: true,
            cancelsIsolation: false, timeout: .seconds(60)
        ) { harness, context in
            harness.handlers.script.update { $0.heartbeatIntervalMs = fastHeartbeatMs }
            let saved = try HarnessProxy(backendPort: harness.front.backendPort)
            defer { saved.stop() }
            let rejecting = try HarnessProxy(backendPort: harness.front.backendPort)
            defer { rejecting.stop() }
            rejecting.rejectionStatus.update { $0 = 403 }

            let first = harness.envelope(
                .setEndpointProxy, setProxy(host: "127.0.0.1", port: UInt32(saved.port), confirmTimeoutMs: 10_000))
            deliver(first, harness)
            let confirmed = try await AgentActionCases.requireAnswered(first, harness, context)
            try context.require(
                confirmed.state == .succeeded,
                "SET_ENDPOINT_PROXY through a working proxy ended \(confirmed.state) \(confirmed.errorCode): \(confirmed.detail)"
            )
            // From the confirmation on, every new connection goes through the saved proxy.
            let relays = harness.front.relayCount

            let changed = ContinuousClock.now
            let second = harness.envelope(
                .setEndpointProxy, setProxy(host: "127.0.0.1", port: UInt32(rejecting.port), confirmTimeoutMs: 2_000))
            deliver(second, harness)
            let failed = try await AgentActionCases.requireAnswered(second, harness, context)
            try context.require(
                failed.state == .failed && failed.errorCode == .proxyNotConfirmed,
                "an unconfirmed change ended \(failed.state) \(failed.errorCode), expected FAILED PROXY_NOT_CONFIRMED")
            try context.require(!rejecting.requests(after: changed).isEmpty, "the agent never tried the second proxy")
            try context.require(
                !saved.requests(after: changed).isEmpty,
                "the result of the unconfirmed change did not come through the saved proxy")
            try context.require(
                harness.front.relayCount == relays, "the agent connected directly instead of through the saved proxy")

            let after = try await heartbeatNow(harness, context)
            try context.require(
                after.proxy?.mode == .proxyConfirmed && after.proxy?.port == UInt32(saved.port)
                    && after.proxy?.actionId == first.actionId,
                "after the revert the agent reports \(describe(after.proxy)), "
                    + "expected the saved proxy at port \(saved.port) set by \(first.actionId)")
            try await disable(saved, harness, context)
        }
    }
}
