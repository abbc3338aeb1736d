extension BrokenVariant {
    /// Accepts a `SET_ENDPOINT_PROXY` whose port is outside 1 to 65535 (breaks EACP-PROXY-001).
    static let acceptsProxyPortOutOfRange = BrokenVariant("accepts-proxy-port-out-of-range")
    /// Keeps an unconfirmed proxy change past its deadline instead of going back to the saved setting
    /// (breaks EACP-PROXY-003).
    static let neverRevertsProxy = BrokenVariant("never-reverts-proxy")
    /// Never confirms a proxy change, even when a heartbeat reply came back through it (breaks
    /// EACP-PROXY-002).
    static let neverConfirmsProxy = BrokenVariant("never-confirms-proxy")
    /// Drops an unconfirmed proxy change at a restart although its deadline has not passed (breaks
    /// EACP-PROXY-004).
    static let forgetsPendingProxy = BrokenVariant("forgets-pending-proxy")
    /// Reports `DISABLE_ENDPOINT_PROXY` as succeeded but keeps the proxy (breaks EACP-PROXY-006).
    static let disableKeepsProxy = BrokenVariant("disable-keeps-proxy")
    /// Opens TLS straight to the proxy's port without a CONNECT request (breaks EACP-TRANSPORT-015).
    static let skipsConnectTunnel = BrokenVariant("skips-connect-tunnel")
    /// Opens the push channel directly while a proxy is set (breaks EACP-TRANSPORT-016).
    static let pushBypassesProxy = BrokenVariant("push-bypasses-proxy")
    /// Stores an endpoint as not isolated after `ISOLATE_ENDPOINT` succeeded, so heartbeats report
    /// `ISOLATION_STATUS_NOT_ISOLATED` (breaks EACP-ISOLATION-001).
    static let isolationNotReported = BrokenVariant("isolation-not-reported")
    /// Blocks the agent's own connections to its server while isolated (breaks EACP-ISOLATION-002).
    static let isolationBlocksServer = BrokenVariant("isolation-blocks-server")
    /// Blocks the agent's connections to a proxy set while isolated (breaks EACP-ISOLATION-002).
    static let isolationBlocksProxy = BrokenVariant("isolation-blocks-proxy")
    /// Reverts an unconfirmed proxy change to direct connections instead of the saved setting (breaks
    /// EACP-PROXY-003).
    static let revertsToDirect = BrokenVariant("reverts-to-direct")
    /// Drops isolation when the agent starts (breaks EACP-ISOLATION-003).
    static let forgetsIsolationAtStart = BrokenVariant("forgets-isolation-at-start")
    /// Fails `CANCEL_ISOLATION` on an endpoint that is not isolated (breaks EACP-ISOLATION-004).
    static let cancelFailsWhenNotIsolated = BrokenVariant("cancel-fails-when-not-isolated")
    /// Fails `ISOLATE_ENDPOINT` on an endpoint that is already isolated (breaks EACP-ISOLATION-005).
    static let isolateAgainFails = BrokenVariant("isolate-again-fails")
    /// Opens a second session with the `session_id` of an open one (breaks EACP-TERMINAL-001).
    static let terminalReusesSessionID = BrokenVariant("terminal-reuses-session-id")
    /// Numbers its `TerminalData` frames from 0 (breaks EACP-TERMINAL-002).
    static let terminalNumbersFromZero = BrokenVariant("terminal-numbers-from-zero")
    /// Applies a `TerminalResize` outside 1 to 1000 (breaks EACP-TERMINAL-003).
    static let terminalAppliesAnyResize = BrokenVariant("terminal-applies-any-resize")
    /// Sends exit status 0 when the shell exits on its own (breaks EACP-TERMINAL-004).
    static let terminalDropsExitStatus = BrokenVariant("terminal-drops-exit-status")
    /// Leaves the shell running when a session ends (breaks EACP-TERMINAL-004).
    static let terminalKeepsShell = BrokenVariant("terminal-keeps-shell")
    /// Ignores `idle_timeout_ms` and waits the default 900000 ms (breaks EACP-TERMINAL-005).
    static let terminalIgnoresIdleTimeout = BrokenVariant("terminal-ignores-idle-timeout")
    /// Keeps sessions open when their push channel closes (breaks EACP-TERMINAL-006).
    static let terminalSurvivesChannelLoss = BrokenVariant("terminal-survives-channel-loss")
    /// Fails the action of a session that the server closed (breaks EACP-TERMINAL-007).
    static let terminalFailsClosedSession = BrokenVariant("terminal-fails-closed-session")
    /// Writes `TerminalData` for an unknown session into an open one (breaks EACP-TERMINAL-008).
    static let terminalFeedsUnknownSession = BrokenVariant("terminal-feeds-unknown-session")
}
