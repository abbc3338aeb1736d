import EACPProtocol
import Foundation

/// Rules every action follows whatever its kind: the not-before time, how long the journal keeps an
/// action, and what happens to an action that a restart interrupted.
enum AgentActionRulesCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [
            notBefore(harness), waitingAcrossRestart(harness), journalKept(harness), interrupted(harness),
            resultSentAgain(harness),
        ]
    }

    /// Declared tolerance for comparing the agent's clock with the harness's: both run on one host,
    /// but the agent may correct its clock by the server time of a heartbeat reply, which is late by
    /// one request's travel.
    static let clockTolerance: Int64 = 250

    static func notBefore(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.not-before-honoured", "An action with a not-before time 3 s ahead does not start before it",
            ["EACP-ACTION-018"], harness
        ) { harness, context in
            let path = try harness.makeFile("not-before-quarantine.txt")
            var envelope = harness.envelope(.quarantineFile, AgentActionCases.quarantine(path))
            envelope.notBeforeUnixMs = envelope.createdUnixMs + 3_000
            context.transcript.note("not_before_unix_ms \(envelope.notBeforeUnixMs)")
            let result = try await AgentActionKindCases.run([envelope], harness, context)[0]
            let answered = Int64(Date().timeIntervalSince1970 * 1_000)
            try context.require(
                answered >= envelope.notBeforeUnixMs - clockTolerance,
                "the result arrived \(envelope.notBeforeUnixMs - answered) ms before the not-before time")
            try context.require(
                result.startedUnixMs == 0 || result.startedUnixMs >= envelope.notBeforeUnixMs - clockTolerance,
                "the action started at \(result.startedUnixMs), \(envelope.notBeforeUnixMs - result.startedUnixMs) ms before its not-before time"
            )
            try context.require(
                result.state == .succeeded,
                "the action ended \(result.state) \(result.errorCode) after its not-before time")
        }
    }

    static func waitingAcrossRestart(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.waiting-action-survives-restart",
            "An acknowledged action still waiting for its not-before time when the agent is killed runs once after the restart",
            ["EACP-ACTION-019", "EACP-ACTION-010", "EACP-ACTION-018", "EACP-ACTION-011"], harness, timeout: .seconds(60)
        ) { harness, context in
            let path = try harness.makeFile("waiting-quarantine.txt")
            var envelope = harness.envelope(.quarantineFile, AgentActionCases.quarantine(path))
            envelope.notBeforeUnixMs = envelope.createdUnixMs + 4_000
            if harness.handlers.pushChannel.value == nil || !harness.handlers.push(.action(envelope)) {
                harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            }
            let actionID = envelope.actionId
            guard
                try await waitFor(
                    timeout: .seconds(5), { harness.handlers.observations.value.acks(for: actionID).first }) != nil
            else { throw CaseStop.failed("the action was not acknowledged within 5 s") }
            try context.require(
                harness.handlers.observations.value.results(for: envelope.actionId).isEmpty,
                "the action ended before its not-before time")
            // The ack promises a durable journal entry, so a kill right after it loses nothing.
            context.transcript.note("acknowledged; killing the agent before the not-before time")
            try await harness.restartAgent(crash: true)
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                result.startedUnixMs == 0 || result.startedUnixMs >= envelope.notBeforeUnixMs - clockTolerance,
                "the action started \(envelope.notBeforeUnixMs - result.startedUnixMs) ms before its not-before time")
            try context.require(result.state == .succeeded, "the action ended \(result.state) \(result.errorCode)")
            try await Task.sleep(for: .milliseconds(500))
            let results = Set(harness.handlers.observations.value.results(for: envelope.actionId))
            try context.require(results.count == 1, "the action got \(results.count) different results")
        }
    }

    static func journalKept(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.journal-kept-after-receipt",
            "An answered action whose receipt arrived is still in the journal after a restart, so a new delivery gets the stored result",
            ["EACP-ACTION-020", "EACP-ACTION-011"], harness, timeout: .seconds(60)
        ) { harness, context in
            let path = try harness.makeFile("journal-quarantine.txt")
            let envelope = harness.envelope(.quarantineFile, AgentActionCases.quarantine(path))
            let first = try await AgentActionKindCases.run([envelope], harness, context)[0]
            let answeredAt = ContinuousClock.now
            // The harness sends an ActionReceipt for each result. A heartbeat built after the agent handled
            // it reports no action reply waiting.
            let handled = try await waitFor(timeout: .seconds(8)) {
                harness.handlers.observations.value.heartbeats.last {
                    $0.at > answeredAt && $0.value.queueDepths?.actionReplies == 0
                }
            }
            context.transcript.note(
                handled == nil
                    ? "no heartbeat reported zero action replies within 8 s"
                    : "a heartbeat reported zero action replies")

            try await harness.restartAgent(crash: false)
            _ = try harness.makeFile("journal-quarantine.txt")
            let acksBefore = harness.handlers.observations.value.acks(for: envelope.actionId).count
            harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            guard
                let repeated = try await waitFor(
                    timeout: .seconds(10),
                    {
                        let results = harness.handlers.observations.value.results(for: envelope.actionId)
                        return results.count >= 2 ? results[1] : nil
                    })
            else { throw CaseStop.failed("the delivery after the restart got no result within 10 s") }
            try context.require(
                harness.handlers.observations.value.acks(for: envelope.actionId).count > acksBefore,
                "the delivery after the restart was not acknowledged")
            try context.require(repeated == first, "the delivery after the restart got another result: \(repeated)")
            try context.require(
                FileManager.default.fileExists(atPath: path),
                "the action ran again after the restart: the new file at \(path) is gone")
        }
    }

    static func interrupted(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.interrupted-not-rerun",
            "An action running when the agent is killed ends FAILED INTERNAL after the restart and does not run again",
            ["EACP-ACTION-028", "EACP-ACTION-011"], harness, timeout: .seconds(60)
        ) { harness, context in
            // The target writes one line per SIGTERM and keeps running, so the action stays busy waiting
            // for it to exit, and every termination attempt leaves a trace.
            let marker = harness.workDirectory + "/interrupted-sigterms.txt"
            try? FileManager.default.removeItem(atPath: marker)
            let script = "trap 'echo sigterm >> \"$0\"' TERM; while :; do sleep 0.1; done"
            let target = try ChildProcess(
                command: ["/bin/sh", "-c", script, marker], environment: [:],
                logPath: harness.workDirectory + "/interrupted-target.log")
            defer { target.kill() }
            try await Task.sleep(for: .milliseconds(200))
            let envelope = harness.envelope(
                .terminateProcess, AgentActionKindCases.terminate(UInt32(target.processIdentifier)))
            if harness.handlers.pushChannel.value == nil || !harness.handlers.push(.action(envelope)) {
                harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            }
            guard try await waitFor(timeout: .seconds(10), { sigterms(marker) > 0 ? true : nil }) != nil else {
                if let result = harness.handlers.observations.value.results(for: envelope.actionId).first {
                    try AgentActionKindCases.requirePrivilege(result, "terminate processes")
                    // An agent that ends processes with SIGKILL alone finishes at once, so nothing runs long
                    // enough to be interrupted.
                    throw CaseStop.notChecked(
                        "TERMINATE_PROCESS ended \(result.state) without a SIGTERM to the target, so no action was running to interrupt")
                }
                throw CaseStop.failed("the target process got no SIGTERM within 10 s of the TERMINATE_PROCESS action")
            }
            try context.require(
                harness.handlers.observations.value.results(for: envelope.actionId).isEmpty,
                "the action ended before the target exited")
            context.transcript.note("the action is running: the target got SIGTERM; killing the agent")

            try await harness.restartAgent(crash: true)
            // A server that never saw the ack delivers the action again.
            harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            guard let result = try await harness.result(for: envelope.actionId) else {
                throw CaseStop.failed("no result for the interrupted action within 15 s of the restart")
            }
            context.transcript.note("result \(result.state) \(result.errorCode) \"\(result.detail)\"")
            try context.require(
                result.state == .failed && result.errorCode == .internal,
                "the interrupted action ended \(result.state) \(result.errorCode), expected FAILED INTERNAL")
            try context.require(!result.detail.isEmpty, "the interrupted action's result has no detail")
            try await Task.sleep(for: .milliseconds(500))
            try context.require(
                sigterms(marker) == 1, "the target got \(sigterms(marker)) SIGTERMs: the action ran again")
            try context.require(target.isRunning, "the target process ended: the action ran again after the restart")
        }
    }

    static func resultSentAgain(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.result-sent-again",
            "With the push channel down, a result whose POST got 503 is sent again until it is stored",
            ["EACP-ACTION-013"], harness, timeout: .seconds(60)
        ) { harness, context in
            harness.handlers.script.update {
                $0.acceptPushChannels = false
                $0.failedResultPosts = 1
            }
            harness.handlers.pushChannel.value?.close(code: .goingAway, reason: "conformance: push channel down")
            try await Task.sleep(for: .milliseconds(500))
            let postsBefore = resultPosts(harness)
            let envelope = harness.envelope(
                .quarantineFile, AgentActionCases.quarantine(try harness.makeFile("resent-result.txt")))
            harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            context.transcript.note("the first POST /eacp/v1/actions/result gets 503")

            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            let posts = resultPosts(harness) - postsBefore
            context.transcript.note("\(posts) result requests; stored result \(result.state)")
            try context.require(posts >= 2, "the result was stored after \(posts) request, but the first one got 503")
            harness.handlers.script.update { $0.acceptPushChannels = true }
        }
    }

    /// Returns how many `POST /eacp/v1/actions/result` requests the harness has received.
    static func resultPosts(_ harness: AgentHarness) -> Int {
        harness.handlers.observations.value.requests.filter { $0.value.path == "/eacp/v1/actions/result" }.count
    }

    /// Returns the number of SIGTERMs the target process recorded.
    static func sigterms(_ marker: String) -> Int {
        ((try? String(contentsOfFile: marker, encoding: .utf8)) ?? "").split(separator: "\n").count
    }
}
