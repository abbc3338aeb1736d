import EACPProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal frames the cases send and read, and the checks they share.
extension AgentTerminalCases {
    /// Returns the frames the agent sent for `sessionID`, in arrival order.
    static func frames(
        _ sessionID: String, _ harness: AgentHarness
    ) -> [HarnessObservations.Stamped<PushMessage.AgentPush.Payload>] {
        harness.handlers.observations.value.terminalFrames.filter { frame in
            switch frame.value {
            case .terminalOpen(let open): open.sessionId == sessionID
            case .terminalData(let data): data.sessionId == sessionID
            case .terminalClose(let close): close.sessionId == sessionID
            default: false
            }
        }
    }

    /// Returns everything the terminal of `sessionID` printed so far, as text.
    static func output(_ sessionID: String, _ harness: AgentHarness) -> String {
        var bytes: [UInt8] = []
        for frame in frames(sessionID, harness) {
            if case .terminalData(let data) = frame.value { bytes += data.chunk }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Pushes `text` as the next `TerminalData` frame of `sessionID`.
    static func type(_ text: String, _ sessionID: String, sequence: UInt64, _ harness: AgentHarness) {
        var data = TerminalData()
        data.sessionId = sessionID
        data.sequenceNumber = sequence
        data.chunk = Array(text.utf8)
        harness.handlers.push(.terminalData(data))
    }

    static func resize(_ sessionID: String, rows: UInt32, columns: UInt32, _ harness: AgentHarness) {
        var resize = TerminalResize()
        resize.sessionId = sessionID
        resize.rows = rows
        resize.columns = columns
        harness.handlers.push(.terminalResize(resize))
    }

    static func closeFromServer(_ sessionID: String, _ harness: AgentHarness) {
        var close = TerminalClose()
        close.sessionId = sessionID
        close.reason = .closedByServer
        close.detail = "closed by the conformance runner"
        harness.handlers.push(.terminalClose(close))
    }

    /// Waits until the terminal's output matches `pattern` and returns the first capture group, or
    /// the whole match when the pattern has no group.
    static func awaitOutput(
        _ pattern: String, _ sessionID: String, _ harness: AgentHarness, timeout: Duration = .seconds(10)
    ) async throws -> String? {
        let expression = try NSRegularExpression(pattern: pattern)
        return try await waitFor(timeout: timeout) {
            let text = output(sessionID, harness)
            guard let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
                return nil
            }
            let range = Range(match.range(at: match.numberOfRanges > 1 ? 1 : 0), in: text)
            return range.map { String(text[$0]) }
        }
    }

    static func awaitClose(
        _ sessionID: String, _ harness: AgentHarness, timeout: Duration
    ) async throws -> HarnessObservations.Stamped<TerminalClose>? {
        try await waitFor(timeout: timeout) {
            for frame in frames(sessionID, harness) {
                if case .terminalClose(let close) = frame.value { return .init(at: frame.at, value: close) }
            }
            return nil
        }
    }

    /// Starts a session over the push channel and requires a `TerminalOpen` that matches it.
    static func open(
        _ sessionID: String, _ harness: AgentHarness, _ context: CaseContext, rows: UInt32 = 24, columns: UInt32 = 80,
        idleTimeoutMs: UInt32 = 0
    ) async throws -> ActionEnvelope {
        guard try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) != nil else {
            throw CaseStop.failed("the agent has no push channel open")
        }
        let envelope = harness.envelope(
            .startLiveTerminal, start(sessionID, rows: rows, columns: columns, idleTimeoutMs: idleTimeoutMs))
        let sent = ContinuousClock.now
        harness.handlers.push(.action(envelope))
        guard
            let opened = try await waitFor(
                timeout: .seconds(10),
                { () -> TerminalOpen? in
                    for frame in frames(sessionID, harness) where frame.at > sent {
                        if case .terminalOpen(let open) = frame.value { return open }
                    }
                    return nil
                })
        else {
            let result = harness.handlers.observations.value.results(for: envelope.actionId).first
            let outcome = result.map { "\($0.state) \($0.errorCode) \($0.detail)" } ?? "none yet"
            throw CaseStop.failed("no TerminalOpen for \(sessionID) within 10 s. The action's result: \(outcome)")
        }
        try context.require(
            opened.actionId == envelope.actionId && opened.rows == rows && opened.columns == columns,
            "TerminalOpen carries action \"\(opened.actionId)\" and size \(opened.rows)x\(opened.columns), "
                + "expected \"\(envelope.actionId)\" and \(rows)x\(columns)")
        return envelope
    }

    /// Checks that the agent numbered its `TerminalData` frames of `sessionID` 1, 2, 3 ... with 1 to
    /// 65536 bytes each, and sent nothing after its `TerminalClose` or the one it received at `closedAt`.
    static func checkFrames(
        _ sessionID: String, closedAt: ContinuousClock.Instant?, _ harness: AgentHarness, _ context: CaseContext
    ) throws {
        var expected: UInt64 = 1
        var closed: ContinuousClock.Instant? = closedAt
        for frame in frames(sessionID, harness) {
            if let closed, frame.at > closed {
                throw CaseStop.failed(
                    "the agent sent a frame for \(sessionID) after the session was closed: \(frame.value)")
            }
            switch frame.value {
            case .terminalData(let data):
                try context.require(
                    data.sequenceNumber == expected,
                    "TerminalData \(expected) of \(sessionID) carries sequence_number \(data.sequenceNumber)")
                try context.require(
                    (1...65_536).contains(data.chunk.count),
                    "TerminalData \(expected) of \(sessionID) carries \(data.chunk.count) bytes")
                expected += 1
            case .terminalClose:
                if closed == nil { closed = frame.at }
            default:
                break
            }
        }
    }

    /// Returns whether a process with `pid` exists on this host.
    ///
    /// NOTE: This assumes the agent's shells run in the runner's PID namespace, as they do when the
    /// runner starts the agent itself. An agent that runs its shells elsewhere fails these checks.
    static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
