extension BrokenVariantCatalog {
    /// Agent variants for the endpoint proxy, isolation, the live terminal and proxied connections.
    static let agentFeatures: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "accepts-proxy-port-out-of-range", role: .agent, breaks: ["EACP-PROXY-001"],
            caughtBy: ["agent.proxy.invalid-parameters-rejected"],
            "applies a proxy change whose port is outside 1 to 65535"),
        BrokenVariantEntry(
            "never-confirms-proxy", role: .agent, breaks: ["EACP-PROXY-002"],
            caughtBy: ["agent.proxy.confirmed-and-disabled"],
            "never confirms a proxy change, so the action cannot succeed"),
        BrokenVariantEntry(
            "never-reverts-proxy", role: .agent, breaks: ["EACP-PROXY-003"],
            caughtBy: ["agent.proxy.unconfirmed-reverted"],
            "keeps an unconfirmed proxy change past its deadline"),
        BrokenVariantEntry(
            "forgets-pending-proxy", role: .agent, breaks: ["EACP-PROXY-004"],
            caughtBy: ["agent.proxy.pending-across-restarts"],
            "drops an unconfirmed proxy change at a restart before its deadline"),
        BrokenVariantEntry(
            "disable-keeps-proxy", role: .agent, breaks: ["EACP-PROXY-006"],
            caughtBy: ["agent.proxy.confirmed-and-disabled"],
            "reports DISABLE_ENDPOINT_PROXY as done but keeps the proxy"),
        BrokenVariantEntry(
            "skips-connect-tunnel", role: .agent, breaks: ["EACP-TRANSPORT-015"],
            caughtBy: ["agent.proxy.confirmed-and-disabled"],
            "opens TLS straight to the proxy's port without a CONNECT request"),
        BrokenVariantEntry(
            "push-bypasses-proxy", role: .agent, breaks: ["EACP-TRANSPORT-016"],
            caughtBy: ["agent.proxy.confirmed-and-disabled"],
            "opens the push channel directly while a proxy is set"),
        BrokenVariantEntry(
            "isolation-not-reported", role: .agent, breaks: ["EACP-ISOLATION-001"],
            caughtBy: ["agent.isolation.isolate-and-cancel"],
            "reports NOT_ISOLATED after ISOLATE_ENDPOINT succeeded"),
        BrokenVariantEntry(
            "isolation-blocks-server", role: .agent, breaks: ["EACP-ISOLATION-002"],
            caughtBy: ["agent.isolation.isolate-and-cancel"],
            "blocks its own connections to the server while isolated"),
        BrokenVariantEntry(
            "forgets-isolation-at-start", role: .agent, breaks: ["EACP-ISOLATION-003"],
            caughtBy: ["agent.isolation.survives-restart"],
            "drops isolation when the agent starts again"),
        BrokenVariantEntry(
            "cancel-fails-when-not-isolated", role: .agent, breaks: ["EACP-ISOLATION-004"],
            caughtBy: ["agent.isolation.isolate-and-cancel"],
            "fails CANCEL_ISOLATION on an endpoint that is not isolated"),
        BrokenVariantEntry(
            "isolate-again-fails", role: .agent, breaks: ["EACP-ISOLATION-005"],
            caughtBy: ["agent.isolation.isolate-and-cancel"],
            "fails ISOLATE_ENDPOINT on an endpoint that is already isolated"),
        BrokenVariantEntry(
            "terminal-reuses-session-id", role: .agent, breaks: ["EACP-TERMINAL-001"],
            caughtBy: ["agent.terminal.invalid-start-rejected"],
            "opens a second session with the session_id of an open one"),
        BrokenVariantEntry(
            "terminal-numbers-from-zero", role: .agent, breaks: ["EACP-TERMINAL-002"],
            caughtBy: ["agent.terminal.open-type-resize-exit"], "numbers its TerminalData frames from 0"),
        BrokenVariantEntry(
            "terminal-applies-any-resize", role: .agent, breaks: ["EACP-TERMINAL-003"],
            caughtBy: ["agent.terminal.open-type-resize-exit"], "applies a TerminalResize outside 1 to 1000"),
        BrokenVariantEntry(
            "terminal-drops-exit-status", role: .agent, breaks: ["EACP-TERMINAL-004"],
            caughtBy: ["agent.terminal.open-type-resize-exit"], "sends exit status 0 when the shell exits on its own"),
        BrokenVariantEntry(
            "terminal-keeps-shell", role: .agent, breaks: ["EACP-TERMINAL-004"],
            caughtBy: ["agent.terminal.server-close-and-unknown-sessions"],
            "leaves the shell running when the server closes its session"),
        BrokenVariantEntry(
            "terminal-ignores-idle-timeout", role: .agent, breaks: ["EACP-TERMINAL-005"],
            caughtBy: ["agent.terminal.idle-timeout"], "ignores idle_timeout_ms and waits the default 900000 ms"),
        BrokenVariantEntry(
            "terminal-survives-channel-loss", role: .agent, breaks: ["EACP-TERMINAL-006"],
            caughtBy: ["agent.terminal.channel-loss-ends-session"],
            "keeps sessions and shells when their push channel closes"),
        BrokenVariantEntry(
            "terminal-fails-closed-session", role: .agent, breaks: ["EACP-TERMINAL-007"],
            caughtBy: ["agent.terminal.server-close-and-unknown-sessions"],
            "fails the action of a session that the server closed"),
        BrokenVariantEntry(
            "terminal-feeds-unknown-session", role: .agent, breaks: ["EACP-TERMINAL-008"],
            caughtBy: ["agent.terminal.server-close-and-unknown-sessions"],
            "writes TerminalData of an unknown session into an open one"),
        BrokenVariantEntry(
            "isolation-blocks-proxy", role: .agent, breaks: ["EACP-ISOLATION-002"],
            caughtBy: ["agent.isolation.proxy-change-while-isolated"],
            "blocks its connections to a proxy set while isolated"),
        BrokenVariantEntry(
            "reverts-to-direct", role: .agent, breaks: ["EACP-PROXY-003"],
            caughtBy: ["agent.proxy.reverts-to-saved-proxy"],
            "reverts an unconfirmed proxy change to direct connections instead of the saved proxy"),
    ]
}
