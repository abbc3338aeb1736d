import EACPTransport

// Variants of the agent's TLS client: certificate verification, the host name check and SNI.
extension BrokenVariant {
    /// Completes the handshake with any server certificate, without verifying its chain (breaks
    /// EACP-TLS-008).
    static let trustsAnyCertificate = BrokenVariant("trusts-any-certificate")
    /// Verifies the server's chain against the pinned CA but not against the server URL's host (breaks
    /// EACP-TLS-009).
    static let skipsHostCheck = BrokenVariant("skips-host-check")
    /// Sends the server URL's host as SNI when it is an IP literal too (breaks EACP-TLS-010).
    static let sendsSNIForIPLiteral = BrokenVariant("sends-sni-for-ip-literal")

    /// Applies the active TLS client variant, if any, to the agent's TLS configuration.
    static func applyTransportFaults(to configuration: inout TLSConfiguration) {
        if isActive(.trustsAnyCertificate) { configuration.skipsPeerVerificationForTesting = true }
        if isActive(.skipsHostCheck) { configuration.skipsHostNameCheckForTesting = true }
        if isActive(.sendsSNIForIPLiteral) { configuration.sendsServerNameForIPAddressForTesting = true }
    }
}
