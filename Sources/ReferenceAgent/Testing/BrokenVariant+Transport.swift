import EACPTransport

// Variants of the agent's TLS client (certificate verification, the host name check and SNI) and of
// its push channel's WebSocket framing.
extension BrokenVariant {
    /// Completes the handshake with any server certificate, without verifying its chain (breaks
    /// EACP-TLS-008).
    static let trustsAnyCertificate = BrokenVariant("trusts-any-certificate")
    /// Verifies the server's chain against the pinned CA but not against the server URL's host (breaks
    /// EACP-TLS-009).
    static let skipsHostCheck = BrokenVariant("skips-host-check")
    /// Sends the server URL's host as SNI when it is an IP literal too (breaks EACP-TLS-010).
    static let sendsSNIForIPLiteral = BrokenVariant("sends-sni-for-ip-literal")

    /// Takes a text message on the push channel as a binary one instead of closing with 1003 (breaks
    /// EACP-PUSH-003).
    static let readsTextAsBinary = BrokenVariant("reads-text-as-binary")
    /// Replies to a ping on the push channel with a pong that carries no data (breaks EACP-PUSH-007).
    static let pongsWithoutData = BrokenVariant("pongs-without-data")

    /// Applies the active TLS client variant, if any, to the agent's TLS configuration.
    static func applyTransportFaults(to configuration: inout TLSConfiguration) {
        if isActive(.trustsAnyCertificate) { configuration.skipsPeerVerificationForTesting = true }
        if isActive(.skipsHostCheck) { configuration.skipsHostNameCheckForTesting = true }
        if isActive(.sendsSNIForIPLiteral) { configuration.sendsServerNameForIPAddressForTesting = true }
    }

    /// Applies the active push channel variant, if any, to the push channel's WebSocket configuration.
    static func applyPushFaults(to configuration: inout WebSocketConfiguration) {
        if isActive(.readsTextAsBinary) { configuration.treatsTextAsBinaryForTesting = true }
        if isActive(.pongsWithoutData) { configuration.sendsEmptyPongsForTesting = true }
    }
}
