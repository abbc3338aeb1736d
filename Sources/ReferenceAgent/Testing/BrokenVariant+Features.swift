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
}
