import EACPProtocol
import Foundation
import Glibc
import Synchronization

/// Live terminal sessions: a shell on a pseudo-terminal, relayed over the push channel.
final class TerminalSessions: Sendable {
    private final class Session: @unchecked Sendable {
        // @unchecked: the mutable fields are only touched under `TerminalSessions.sessions`' lock,
        // except `master`, which is set once before the session is shared.
        let id: String
        let master: Int32
        let process: Process
        var inputSequence: UInt64 = 0
        var lastInputUnixMs = AgentClock.nowUnixMs()
        var ending: (TerminalCloseReason, String)?
        var finished: CheckedContinuation<Void, Never>?

        init(id: String, master: Int32, process: Process) {
            self.id = id
            self.master = master
            self.process = process
        }
    }

    private let log: AgentLog
    private let sessions = Mutex<[String: Session]>([:])

    init(log: AgentLog) {
        self.log = log
    }

    /// Opens the session, relays it until it ends, and returns the action's outcome.
    func run(_ parameters: StartLiveTerminalParameters, actionID: String, push: PushChannel) async -> ActionOutcome {
        guard push.isConnected else { return .failed(.pushChannelUnavailable, "the push channel is not connected") }
        guard sessions.withLock({ $0[parameters.sessionId] == nil }) || BrokenVariant.isActive(.terminalReusesSessionID)
        else {
            return .rejected(.invalidParameters, "session_id \(parameters.sessionId) is in use")
        }
        let session: Session
        do {
            session = try start(id: parameters.sessionId, rows: parameters.rows, columns: parameters.columns)
        } catch {
            return .failed(.internal, "the shell could not start: \(error)")
        }
        sessions.withLock { $0[session.id] = session }
        var open = TerminalOpen()
        open.sessionId = session.id
        open.actionId = actionID
        open.rows = parameters.rows
        open.columns = parameters.columns
        _ = push.send(.terminalOpen(open))
        log.info("terminal", "terminal.opened", ["session": session.id, "action": actionID])

        let output = Thread { self.relayOutput(session, push: push) }
        output.start()
        let idleTimeout =
            parameters.idleTimeoutMs == 0 || BrokenVariant.isActive(.terminalIgnoresIdleTimeout)
            ? 900_000 : Int64(parameters.idleTimeoutMs)
        let watchdog = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let idle = sessions.withLock { _ in AgentClock.nowUnixMs() - session.lastInputUnixMs }
                if idle >= idleTimeout {
                    end(session.id, reason: .idleTimeout, detail: "no input for \(idleTimeout) ms")
                }
                if !session.process.isRunning {
                    end(session.id, reason: .exited, detail: "")
                }
            }
        }
        await withCheckedContinuation { continuation in
            let alreadyEnded = sessions.withLock { _ -> Bool in
                if session.ending != nil { return true }
                session.finished = continuation
                return false
            }
            if alreadyEnded { continuation.resume() }
        }
        watchdog.cancel()
        let (reason, detail) = sessions.withLock { _ in session.ending ?? (.failed, "") }
        if reason == .exited {
            // The output ends when the shell exits, a moment before setsid(1) exits with the shell's status.
            for _ in 0..<200 where session.process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        }
        if session.process.isRunning { session.process.terminate() }
        if reason != .closedByServer {
            var close = TerminalClose()
            close.sessionId = session.id
            close.reason = reason
            close.exitStatus =
                session.process.isRunning || BrokenVariant.isActive(.terminalDropsExitStatus)
                ? 0 : session.process.terminationStatus
            close.detail = detail.truncated(toUTF8Bytes: 1024)
            _ = push.send(.terminalClose(close))
        }
        log.info("terminal", "terminal.closed", ["session": session.id, "reason": reason])
        let failed =
            reason == .failed || (reason == .closedByServer && BrokenVariant.isActive(.terminalFailsClosedSession))
        return failed ? .failed(.internal, "the session failed: \(detail)") : .succeeded()
    }

    private func start(id: String, rows: UInt32, columns: UInt32) throws -> Session {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw LocalSocket.Failure("open /dev/ptmx", errno) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, Self.unlockRequest, &unlock) == 0, ioctl(master, Self.numberRequest, &number) == 0 else {
            close(master)
            throw LocalSocket.Failure("unlocking the pseudo-terminal", errno)
        }
        Self.setSize(master, rows: rows, columns: columns)
        let replica = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard replica >= 0 else {
            close(master)
            throw LocalSocket.Failure("open /dev/pts/\(number)", errno)
        }
        defer { close(replica) }
        let process = Process()
        // setsid(1) from util-linux starts the shell in a session of its own with the
        // pseudo-terminal on its standard input as the controlling terminal (--ctty), so Ctrl-C
        // and job control reach the shell's programs. --wait keeps it in the foreground, so the
        // session ends when the shell exits.
        process.executableURL = URL(fileURLWithPath: Self.setsidPath)
        process.arguments = ["--ctty", "--wait", "/bin/sh", "-i"]
        var environment = Foundation.ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm"
        environment["LINES"] = String(rows)
        environment["COLUMNS"] = String(columns)
        process.environment = environment
        let handle = FileHandle(fileDescriptor: replica, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return Session(id: id, master: master, process: process)
    }

    /// util-linux's setsid, which Debian installs on every system because util-linux is essential.
    static let setsidPath = "/usr/bin/setsid"

    // Linux ioctl request numbers that Swift's Glibc module does not export: TIOCSPTLCK and TIOCGPTN.
    private static let unlockRequest = UInt(0x4004_5431)
    private static let numberRequest = UInt(0x8004_5430)

    /// Sends SIGHUP to the process group of the shell, which leads the terminal's session.
    ///
    /// Closing the master alone does not hang up the terminal while the output thread is still
    /// blocked in read(2) on it. An interactive shell also ignores SIGTERM, and setsid(1) may run
    /// with SIGTERM blocked, so `terminate()` alone would leave the shell running.
    private static func hangUp(_ master: Int32) {
        var shell: pid_t = 0
        guard ioctl(master, UInt(TIOCGSID), &shell) == 0, shell > 1 else { return }
        _ = kill(-shell, SIGHUP)
    }

    private static func setSize(_ master: Int32, rows: UInt32, columns: UInt32) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    private func relayOutput(_ session: Session, push: PushChannel) {
        var sequence: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(session.master, $0.baseAddress, 65_536) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            sequence += 1
            var data = TerminalData()
            data.sessionId = session.id
            data.sequenceNumber = BrokenVariant.isActive(.terminalNumbersFromZero) ? sequence - 1 : sequence
            data.chunk = Array(buffer[0..<count])
            if sessions.withLock({ _ in session.ending != nil }) { break }
            _ = push.send(.terminalData(data))
        }
        end(session.id, reason: .exited, detail: "")
    }

    private func end(_ id: String, reason: TerminalCloseReason, detail: String) {
        let session = sessions.withLock { sessions -> Session? in
            guard let session = sessions.removeValue(forKey: id) else { return nil }
            if session.ending == nil { session.ending = (reason, detail) }
            return session
        }
        guard let session else { return }
        if session.process.isRunning { session.process.terminate() }
        if !BrokenVariant.isActive(.terminalKeepsShell) { Self.hangUp(session.master) }
        close(session.master)
        let continuation = sessions.withLock { _ in
            defer { session.finished = nil }
            return session.finished
        }
        continuation?.resume()
    }

    func input(_ data: TerminalData) {
        let session = sessions.withLock { sessions -> Session? in
            let known = sessions[data.sessionId]
            let target = BrokenVariant.isActive(.terminalFeedsUnknownSession) ? known ?? sessions.values.first : known
            guard let session = target, data.chunk.count <= 65_536, !data.chunk.isEmpty else { return nil }
            session.lastInputUnixMs = AgentClock.nowUnixMs()
            session.inputSequence += 1
            return session
        }
        guard let session else {
            log.info("terminal", "terminal.frame_for_unknown_session", ["session": data.sessionId])
            return
        }
        LocalSocket.writeAll(session.master, data.chunk)
    }

    func resize(_ resize: TerminalResize) {
        let inRange = (1...1000).contains(resize.rows) && (1...1000).contains(resize.columns)
        guard inRange || BrokenVariant.isActive(.terminalAppliesAnyResize) else {
            log.warning("terminal", "terminal.resize_out_of_range", ["rows": resize.rows, "columns": resize.columns])
            return
        }
        guard let master = sessions.withLock({ $0[resize.sessionId]?.master }) else {
            log.info("terminal", "terminal.frame_for_unknown_session", ["session": resize.sessionId])
            return
        }
        Self.setSize(master, rows: resize.rows, columns: resize.columns)
    }

    func closedByServer(_ close: TerminalClose) {
        end(close.sessionId, reason: .closedByServer, detail: close.detail)
    }

    /// Ends every session, for example when the push channel closes.
    func endAll(reason detail: String) {
        guard !BrokenVariant.isActive(.terminalSurvivesChannelLoss) else { return }
        for id in sessions.withLock({ Array($0.keys) }) {
            end(id, reason: .closedByServer, detail: detail)
        }
    }
}
