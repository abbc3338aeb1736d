/// The header, body and idle timeouts of a server connection.
///
/// A keep-alive connection moves through idle, header and body timeouts on every request. Scheduling and
/// cancelling a loop timer for each of them would cost a heap insert, a dictionary entry and a closure
/// per step. Instead the connection stores which timeout runs and its deadline, and keeps one loop timer
/// that fires no later than that deadline. When it fires early it checks the stored deadline and re-arms.
struct HTTPServerTimeout {
    enum Kind {
        /// Between requests. Ends with a quiet close.
        case idle
        /// From the first byte of a request until its head is complete. Ends with 408.
        case header
        /// From the end of the head until the end of the body. Ends with 408.
        case body
    }

    /// The running timeout, or nil when none runs (a handler is busy, or the connection closes).
    var kind: Kind?
    var deadline: UInt64 = 0
    /// The loop timer and when it fires, or nil when none is scheduled.
    var timer: TimerID?
    var timerFiresAt: UInt64 = 0
}

extension HTTPServerConnection {
    /// Starts `kind`'s timeout from now, replacing the one that ran.
    func setTimeout(_ kind: HTTPServerTimeout.Kind) {
        let now = monotonicNanoseconds()
        timeout.kind = kind
        timeout.deadline = now + duration(of: kind).nanoseconds
        // A timer that fires before the new deadline stays: it re-arms itself when it fires.
        if timeout.timer == nil || timeout.timerFiresAt > timeout.deadline { armTimer(now: now) }
    }

    /// Stops the running timeout. The loop timer stays scheduled and does nothing when it fires.
    func clearTimeout() {
        timeout.kind = nil
    }

    /// Stops the running timeout and cancels the loop timer, for a connection that closes or upgrades.
    func stopTimer() {
        timeout.kind = nil
        if let timer = timeout.timer { connection?.loop.cancelTimer(timer) }
        timeout.timer = nil
    }

    private func duration(of kind: HTTPServerTimeout.Kind) -> Duration {
        switch kind {
        case .idle: server.configuration.idleTimeout
        case .header: server.configuration.headerTimeout
        case .body: server.configuration.bodyTimeout
        }
    }

    /// Schedules the loop timer at the deadline, or sooner: no later than the shortest timeout from now.
    /// Then a later, shorter timeout (a header timeout after an idle one) falls after the scheduled
    /// firing and needs no new timer.
    private func armTimer(now: UInt64) {
        guard let loop = connection?.loop else { return }
        if let timer = timeout.timer { loop.cancelTimer(timer) }
        let configuration = server.configuration
        let shortest = min(configuration.idleTimeout, configuration.headerTimeout, configuration.bodyTimeout)
        let firesAt = min(timeout.deadline, now + shortest.nanoseconds)
        timeout.timerFiresAt = firesAt
        timeout.timer = loop.scheduleTimer(after: .nanoseconds(firesAt - min(firesAt, now))) { [weak self] in
            self?.timerFired()
        }
    }

    private func timerFired() {
        timeout.timer = nil
        guard let kind = timeout.kind else { return }
        let now = monotonicNanoseconds()
        guard now >= timeout.deadline else {
            armTimer(now: now)
            return
        }
        switch kind {
        case .idle: closeQuietly()
        case .header: respond(to: HTTPError(.headerTimeout, "request header section did not arrive in time"))
        case .body: respond(to: HTTPError(.bodyTimeout, "request body did not arrive in time"))
        }
    }
}
