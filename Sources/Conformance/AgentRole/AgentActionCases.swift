import EACPProtocol
import Foundation

/// Action delivery on both paths, exactly-once execution, and the checks an agent makes before
/// it starts an action.
enum AgentActionCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [byPush(harness), byHeartbeat(harness), duplicate(harness), expired(harness), unsupportedKind(harness),
         minimumVersion(harness)]
    }

    static func quarantine(_ path: String) -> ActionEnvelope.Parameters {
        var parameters = QuarantineFileParameters()
        parameters.path = path
        return .quarantineFile(parameters)
    }

    /// Requires one ack and one result of `envelope`'s kind in a terminal state, and returns the result.
    static func requireAnswered(_ envelope: ActionEnvelope, _ harness: AgentHarness, _ context: CaseContext) async throws -> ActionResult {
        guard let result = try await harness.result(for: envelope.actionId) else {
            throw CaseStop.failed("no ActionResult for \(envelope.actionId) within 15 s")
        }
        let acks = harness.handlers.observations.value.acks(for: envelope.actionId)
        try context.require(!acks.isEmpty, "the agent sent a result for \(envelope.actionId) but no ActionAck")
        try context.require(result.kind == envelope.kind, "the result's kind is \(result.kind), the action's \(envelope.kind)")
        try context.require(result.state != .unspecified, "the result has no terminal state")
        // Failed and rejected results name a cause; the other terminal states have none.
        let needsCause = [ActionTerminalState.failed, .rejected].contains(result.state)
        try context.require((result.errorCode != .unspecified) == needsCause,
                            "the result is \(result.state) with error code \(result.errorCode)")
        return result
    }

    static func byPush(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.actions.push-acknowledged-and-run", "A pushed action is acknowledged on the push channel and run once",
               ["EACP-ACTION-010", "EACP-ACTION-013", "EACP-ACTION-019", "EACP-ACTION-021"], harness, profile: .pushChannel) { harness, context in
            guard try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) != nil else {
                throw CaseStop.failed("the agent has no push channel open")
            }
            let path = try harness.makeFile("push-quarantine.txt")
            let envelope = harness.envelope(.quarantineFile, quarantine(path))
            harness.handlers.push(.action(envelope))
            let result = try await requireAnswered(envelope, harness, context)
            try context.require(harness.handlers.observations.value.acks(for: envelope.actionId).first == "push",
                                "the ActionAck did not come on the open push channel")
            if result.state == .succeeded {
                try context.require(!FileManager.default.fileExists(atPath: path), "the quarantined file is still at \(path)")
            } else if result.errorCode == .permissionDenied {
                throw CaseStop.notChecked("the agent lacks the privilege to quarantine files")
            } else {
                throw CaseStop.failed("quarantining an existing file ended \(result.state) \(result.errorCode): \(result.detail)")
            }
        }
    }

    static func byHeartbeat(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.actions.socket-down-next-heartbeat",
               "With the push channel down, an action in a heartbeat reply is acknowledged and answered over HTTP",
               ["EACP-ACTION-009", "EACP-ACTION-010", "EACP-ACTION-013"], harness) { harness, context in
            // A 1 s interval brings each heartbeat reply's actions sooner, here and in the cases after this one.
            harness.handlers.script.update {
                $0.acceptPushChannels = false
                $0.heartbeatIntervalMs = 1_000
            }
            harness.handlers.pushChannel.value?.close(code: .goingAway, reason: "conformance: push channel down")
            try await Task.sleep(for: .milliseconds(500))
            let envelope = harness.envelope(.quarantineFile, quarantine(try harness.makeFile("heartbeat-quarantine.txt")))
            harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            let result = try await requireAnswered(envelope, harness, context)
            let observed = harness.handlers.observations.value
            try context.require(observed.acks(for: envelope.actionId).allSatisfy { $0 == "http" }, "an ack came on a push channel that was down")
            try context.require(observed.results.filter { $0.value.result.actionId == envelope.actionId }.allSatisfy { $0.value.path == "http" },
                                "the result did not come over HTTP")
            context.transcript.note("result \(result.state)")
            harness.handlers.script.update { $0.acceptPushChannels = true }
        }
    }

    static func duplicate(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.actions.duplicate-runs-once",
               "The same action delivered again by heartbeat is acknowledged again, not run again, and answered with the stored result",
               ["EACP-ACTION-011"], harness, profile: .pushChannel) { harness, context in
            guard try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) != nil else {
                throw CaseStop.failed("the agent has no push channel open")
            }
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            let path = try harness.makeFile("duplicate-quarantine.txt")
            let envelope = harness.envelope(.quarantineFile, quarantine(path))
            harness.handlers.push(.action(envelope))
            let first = try await requireAnswered(envelope, harness, context)
            // A second copy of the file: running the action again would quarantine it too.
            _ = try harness.makeFile("duplicate-quarantine.txt")
            harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            guard let repeated = try await waitFor(timeout: .seconds(10), {
                let results = harness.handlers.observations.value.results(for: envelope.actionId)
                return results.count >= 2 ? results[1] : nil
            }) else { throw CaseStop.failed("the repeated delivery got no result within 10 s") }
            try context.require(repeated == first, "the repeated delivery got another result: \(repeated)")
            try context.require(FileManager.default.fileExists(atPath: path), "the action ran again: the new file at \(path) is gone")
        }
    }

    static func expired(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.actions.expired-not-run", "An action whose expiry has passed ends EXPIRED without running",
               ["EACP-ACTION-017"], harness) { harness, context in
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            let path = try harness.makeFile("expired-quarantine.txt")
            var envelope = harness.envelope(.quarantineFile, quarantine(path))
            envelope.expiresUnixMs = Int64(Date().timeIntervalSince1970 * 1_000) - 60_000
            harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            let result = try await requireAnswered(envelope, harness, context)
            try context.require(result.state == .expired, "an expired action ended \(result.state)")
            try context.require(FileManager.default.fileExists(atPath: path), "the expired action ran: \(path) is gone")
        }
    }

    static func unsupportedKind(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.actions.unknown-kind-rejected", "An action of a kind the agent does not know ends REJECTED UNSUPPORTED_KIND",
               ["EACP-ACTION-017", "EACP-ENCODING-003"], harness) { harness, context in
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            let envelope = harness.envelope(.unrecognized(99), nil)
            harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            guard let result = try await harness.result(for: envelope.actionId) else {
                throw CaseStop.failed("no result for an action of unknown kind 99")
            }
            try context.require(result.state == .rejected && result.errorCode == .unsupportedKind,
                                "an action of unknown kind 99 ended \(result.state) \(result.errorCode)")
        }
    }

    static func minimumVersion(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.actions.minimum-version-checked",
               "A malformed minimum_agent_version is INVALID_PARAMETERS; one above the agent's is AGENT_VERSION_TOO_OLD",
               ["EACP-ACTION-017", "EACP-VERSION-002", "EACP-VERSION-003"], harness) { harness, context in
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            for (minimum, expected) in [("8..5", ActionErrorCode.invalidParameters), ("4294967295", .agentVersionTooOld)] {
                let path = try harness.makeFile("minimum-\(expected.rawValue).txt")
                var envelope = harness.envelope(.quarantineFile, quarantine(path))
                envelope.minimumAgentVersion = minimum
                harness.handlers.script.update { $0.heartbeatActions = [envelope] }
                let result = try await requireAnswered(envelope, harness, context)
                try context.require(result.state == .rejected && result.errorCode == expected,
                                    "minimum_agent_version \"\(minimum)\" ended \(result.state) \(result.errorCode), expected REJECTED \(expected)")
                try context.require(FileManager.default.fileExists(atPath: path), "the rejected action ran: \(path) is gone")
            }
        }
    }

    static func performHeartbeat(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.actions.perform-heartbeat", "PERFORM_HEARTBEAT makes the agent send a heartbeat at once",
               ["EACP-ACTION-027"], harness, profile: .pushChannel) { harness, context in
            harness.handlers.script.update { $0.heartbeatIntervalMs = 30_000 }
            let count = harness.handlers.observations.value.heartbeats.count
            _ = try await waitFor(timeout: .seconds(5)) { harness.handlers.observations.value.heartbeats.count > count ? true : nil }
            try await Task.sleep(for: .milliseconds(300))
            guard try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) != nil else {
                throw CaseStop.failed("the agent has no push channel open")
            }
            let before = harness.handlers.observations.value.heartbeats.count
            let envelope = harness.envelope(.performHeartbeat, .performHeartbeat(PerformHeartbeatParameters()))
            harness.handlers.push(.action(envelope))
            // Tolerance: 3 s for one TLS request on a loaded machine; the interval is 30 s.
            let arrived = try await waitFor(timeout: .seconds(3)) {
                harness.handlers.observations.value.heartbeats.count > before ? true : nil
            }
            try context.require(arrived != nil, "no heartbeat within 3 s of PERFORM_HEARTBEAT; the interval is 30 s")
            let result = try await requireAnswered(envelope, harness, context)
            try context.require(result.state == .succeeded, "PERFORM_HEARTBEAT ended \(result.state) \(result.errorCode)")

            // One more heartbeat hands the agent the usual interval now, so the next case does not wait 30 s.
            harness.handlers.script.update { $0.heartbeatIntervalMs = 2_000 }
            let restoring = harness.handlers.observations.value.heartbeats.count
            harness.handlers.push(.action(harness.envelope(.performHeartbeat, .performHeartbeat(PerformHeartbeatParameters()))))
            _ = try await waitFor(timeout: .seconds(5)) {
                harness.handlers.observations.value.heartbeats.count > restoring ? true : nil
            }
        }
    }
}
