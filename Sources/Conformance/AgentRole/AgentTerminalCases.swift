import EACPProtocol
import Foundation

/// The live terminal: the runner starts sessions with `START_LIVE_TERMINAL`, types into the shell
/// through `TerminalData` on the push channel, and reads what comes back.
///
/// The commands the runner types print computed values (`marker-$((6*7))` prints `marker-42`), so
/// the terminal's echo of the typed line never matches what a case waits for.
enum AgentTerminalCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [
            openResizeExit(harness), invalidParameters(harness), serverCloseAndUnknownSessions(harness),
            idleTimeout(harness),
            channelLoss(harness),
        ]
    }

    static func start(
        _ sessionID: String, rows: UInt32 = 24, columns: UInt32 = 80, idleTimeoutMs: UInt32 = 0
    ) -> ActionEnvelope.Parameters {
        var parameters = StartLiveTerminalParameters()
        parameters.sessionId = sessionID
        parameters.rows = rows
        parameters.columns = columns
        parameters.idleTimeoutMs = idleTimeoutMs
        return .startLiveTerminal(parameters)
    }

    static func newSessionID() -> String { "conf-term-" + UUID().uuidString.prefix(8).lowercased() }

    static func openResizeExit(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.terminal.open-type-resize-exit",
            "A session opens at the requested size, relays input and output in numbered frames, applies only in-range resizes, and ends EXITED with the shell's status",
            ["EACP-TERMINAL-001", "EACP-TERMINAL-002", "EACP-TERMINAL-003", "EACP-TERMINAL-004", "EACP-TERMINAL-007"],
            harness,
            profile: .liveTerminal
        ) { harness, context in
            let session = newSessionID()
            let envelope = try await open(session, harness, context, rows: 24, columns: 80)
            type("echo marker-$((6*7))-size-$(stty size | tr ' ' x)\n", session, sequence: 1, harness)
            let size = try await awaitOutput(#"marker-42-size-(\d+x\d+)"#, session, harness)
            try context.require(
                size == "24x80",
                "the shell's terminal is \(size ?? "of unknown size"), expected 24x80 (output: \(output(session, harness).suffix(200)))"
            )

            // One command line split over three frames: only input written in order runs it.
            type("ec", session, sequence: 2, harness)
            type("ho in-ord", session, sequence: 3, harness)
            type("er-$((9*9))\n", session, sequence: 4, harness)
            let ordered = try await awaitOutput(#"in-order-81"#, session, harness)
            try context.require(
                ordered != nil,
                "a command split over three TerminalData frames did not run (output: \(output(session, harness).suffix(200)))"
            )

            resize(session, rows: 30, columns: 100, harness)
            type("echo resized-$(stty size | tr ' ' x)\n", session, sequence: 5, harness)
            let resized = try await awaitOutput(#"resized-(\d+x\d+)"#, session, harness)
            try context.require(
                resized == "30x100", "after TerminalResize 30x100 the terminal is \(resized ?? "of unknown size")")

            resize(session, rows: 1_001, columns: 50, harness)
            type("echo kept-$(stty size | tr ' ' x)\n", session, sequence: 6, harness)
            let kept = try await awaitOutput(#"kept-(\d+x\d+)"#, session, harness)
            try context.require(
                kept == "30x100",
                "after an out-of-range TerminalResize 1001x50 the terminal is \(kept ?? "of unknown size"), expected 30x100"
            )

            type("exit 3\n", session, sequence: 7, harness)
            guard let close = try await awaitClose(session, harness, timeout: .seconds(10)) else {
                throw CaseStop.failed("no TerminalClose within 10 s after the shell ran exit 3")
            }
            try context.require(
                close.value.reason == .exited && close.value.exitStatus == 3,
                "after exit 3 the agent sent TerminalClose \(close.value.reason) with exit status \(close.value.exitStatus), expected EXITED 3"
            )
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                result.state == .succeeded,
                "a session that ended with the shell's exit ended \(result.state) \(result.errorCode)")
            try await Task.sleep(for: .milliseconds(300))
            try checkFrames(session, closedAt: nil, harness, context)
        }
    }

    static func invalidParameters(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.terminal.invalid-start-rejected",
            "START_LIVE_TERMINAL with a bad or busy session id or size is rejected, and without a push channel it fails PUSH_CHANNEL_UNAVAILABLE",
            ["EACP-TERMINAL-001"], harness, profile: .liveTerminal
        ) { harness, context in
            let busy = newSessionID()
            let first = try await open(busy, harness, context, idleTimeoutMs: 20_000)
            let bad: [(String, ActionEnvelope.Parameters)] = [
                ("session_id \"not an id\"", start("not an id")),
                ("rows 0", start(newSessionID(), rows: 0)),
                ("columns 1001", start(newSessionID(), columns: 1_001)),
                ("the session_id of an open session", start(busy, idleTimeoutMs: 2_000)),
            ]
            for (what, parameters) in bad {
                let envelope = harness.envelope(.startLiveTerminal, parameters)
                harness.handlers.push(.action(envelope))
                let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
                try context.require(
                    result.state == .rejected && result.errorCode == .invalidParameters,
                    "START_LIVE_TERMINAL with \(what) ended \(result.state) \(result.errorCode), expected REJECTED INVALID_PARAMETERS"
                )
            }
            closeFromServer(busy, harness)
            _ = try await AgentActionCases.requireAnswered(first, harness, context)

            harness.handlers.script.update { $0.acceptPushChannels = false }
            defer { harness.handlers.script.update { $0.acceptPushChannels = true } }
            harness.handlers.pushChannel.value?.close(code: .goingAway, reason: "conformance: push channel down")
            guard
                try await waitFor(timeout: .seconds(5), { harness.handlers.pushChannel.value == nil ? true : nil })
                    != nil
            else {
                throw CaseStop.failed("the push channel did not close within 5 s")
            }
            let envelope = harness.envelope(.startLiveTerminal, start(newSessionID()))
            harness.handlers.script.update { $0.heartbeatActions = [envelope] }
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                result.state == .failed && result.errorCode == .pushChannelUnavailable,
                "START_LIVE_TERMINAL without a push channel ended \(result.state) \(result.errorCode), expected FAILED PUSH_CHANNEL_UNAVAILABLE"
            )
        }
    }

    static func serverCloseAndUnknownSessions(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.terminal.server-close-and-unknown-sessions",
            "A TerminalClose from the server ends the shell and the session, and frames for unknown or ended sessions are ignored",
            ["EACP-TERMINAL-004", "EACP-TERMINAL-007", "EACP-TERMINAL-008"], harness, profile: .liveTerminal
        ) { harness, context in
            let session = newSessionID()
            let envelope = try await open(session, harness, context)
            let connections = harness.handlers.observations.value.pushConnections.count
            let unknown = "conf-no-such-session"
            type("echo unknown-$((2+2))\n", unknown, sequence: 1, harness)
            resize(unknown, rows: 10, columns: 10, harness)
            closeFromServer(unknown, harness)
            type("echo alive-$((1+1))-pid-$$\n", session, sequence: 1, harness)
            guard let pidText = try await awaitOutput(#"alive-2-pid-(\d+)"#, session, harness), let pid = Int32(pidText)
            else {
                throw CaseStop.failed(
                    "the open session stopped responding after frames for an unknown session (output: \(output(session, harness).suffix(200)))"
                )
            }
            try context.require(
                frames(unknown, harness).isEmpty,
                "the agent sent frames for a session it does not know: \(frames(unknown, harness).map(\.value))")
            try context.require(
                !output(session, harness).contains("unknown-4"),
                "the agent wrote TerminalData of an unknown session into the open session \(session)")

            let closedAt = ContinuousClock.now
            closeFromServer(session, harness)
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                result.state == .succeeded, "a session closed by the server ended \(result.state) \(result.errorCode)")
            let ended = try await waitFor(timeout: .seconds(5)) { processExists(pid) ? nil : true }
            try context.require(
                ended != nil, "the shell (pid \(pid)) still runs 5 s after the server closed its session")

            type("echo ended-$((3+3))\n", session, sequence: 2, harness)
            try await Task.sleep(for: .milliseconds(500))
            try checkFrames(session, closedAt: closedAt, harness, context)
            try context.require(
                frames(unknown, harness).isEmpty, "the agent sent frames for a session it does not know")
            try context.require(
                harness.handlers.observations.value.pushConnections.count == connections
                    && harness.handlers.pushChannel.value != nil,
                "the push channel closed after frames for unknown or ended sessions")
        }
    }

    static func idleTimeout(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.terminal.idle-timeout",
            "A session without input for idle_timeout_ms ends IDLE_TIMEOUT, and the action succeeds",
            ["EACP-TERMINAL-005", "EACP-TERMINAL-007"], harness, profile: .liveTerminal
        ) { harness, context in
            let session = newSessionID()
            let idleMs: UInt32 = 1_500
            let envelope = try await open(session, harness, context, idleTimeoutMs: idleMs)
            let lastInput = ContinuousClock.now
            type("echo typed-$((5+5))\n", session, sequence: 1, harness)
            // Tolerance: 4 s, for a timer that checks once a second and for a loaded machine.
            guard let close = try await awaitClose(session, harness, timeout: .milliseconds(Int(idleMs)) + .seconds(4))
            else {
                throw CaseStop.failed("no TerminalClose within \(idleMs) ms + 4 s of the last input")
            }
            try context.require(
                close.value.reason == .idleTimeout,
                "the idle session ended \(close.value.reason), expected IDLE_TIMEOUT")
            let idle = (close.at - lastInput).milliseconds
            try context.require(
                idle >= Int64(idleMs),
                "the session ended as idle \(idle) ms after the last input, before idle_timeout_ms \(idleMs)")
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                result.state == .succeeded, "a session that timed out ended \(result.state) \(result.errorCode)")
        }
    }

    static func channelLoss(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.terminal.channel-loss-ends-session",
            "When the push channel closes the agent ends the session and its shell, and the session id is free again",
            ["EACP-TERMINAL-006", "EACP-TERMINAL-007"], harness, profile: .liveTerminal
        ) { harness, context in
            let session = newSessionID()
            let envelope = try await open(session, harness, context)
            type("echo shell-pid-$$\n", session, sequence: 1, harness)
            guard let pidText = try await awaitOutput(#"shell-pid-(\d+)"#, session, harness), let pid = Int32(pidText)
            else {
                throw CaseStop.failed("the shell printed no pid (output: \(output(session, harness).suffix(200)))")
            }
            harness.handlers.pushChannel.value?.close(code: .goingAway, reason: "conformance: push channel lost")
            let ended = try await waitFor(timeout: .seconds(5)) { processExists(pid) ? nil : true }
            try context.require(ended != nil, "the shell (pid \(pid)) still runs 5 s after its push channel closed")
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            try context.require(
                result.state == .succeeded,
                "a session ended by the loss of its push channel ended \(result.state) \(result.errorCode)")

            let reopened = try await open(session, harness, context)
            closeFromServer(session, harness)
            _ = try await AgentActionCases.requireAnswered(reopened, harness, context)
        }
    }
}
