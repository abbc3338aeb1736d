/// The settings of a TLSContext: its role, its own certificate and key, the CA it trusts, and the
/// client-certificate policy (servers) or the host name to verify (clients).
///
/// The protocol version (TLS 1.2 only), the cipher suites, the renegotiation ban and a client's checks
/// of the server certificate and SNI are fixed by the context and session, not configured, except
/// through the properties whose names end in `ForTesting`.
public struct TLSConfiguration: Sendable {
    public enum Role: Hashable, Sendable {
        case client
        case server
    }

    /// A TLS protocol version that a context may negotiate.
    public enum ProtocolVersion: Hashable, Sendable {
        case tls1_2
        case tls1_3
    }

    /// Whether a server requests a client certificate, and whether it rejects clients without one.
    /// A certificate that is sent is always verified against `trustedCAPEM`.
    public enum ClientCertificatePolicy: Hashable, Sendable {
        case none
        case optional
        case required
    }

    public var role: Role
    /// This side's certificate followed by any intermediates, as PEM. Required for servers; a client
    /// sets it to authenticate with a client certificate.
    public var certificateChainPEM: String?
    /// The private key for the first certificate in `certificateChainPEM`, as unencrypted PEM.
    public var privateKeyPEM: String?
    /// The CA certificates this side trusts to sign the peer's certificate, as PEM. Only these are trusted;
    /// the system's CA store is never loaded. Required for clients and for servers that ask for client
    /// certificates.
    public var trustedCAPEM: String?
    public var clientCertificatePolicy: ClientCertificatePolicy
    /// The DNS name or IP address the server certificate must match, for clients. A session's
    /// `serverName` takes its place when given.
    public var expectedHostName: String?
    /// Application protocols for ALPN (RFC 7301), most preferred first.
    public var alpnProtocols: [String]
    /// The highest version the context negotiates. EACP allows only TLS 1.2, so only tests set this, to
    /// build a faulty peer that a conformance case must catch.
    public var maximumProtocolVersionForTesting: ProtocolVersion = .tls1_2
    /// An OpenSSL cipher list that replaces `TLSContext.cipherSuites`. EACP allows only those AEAD
    /// suites, so only tests set this, to build a faulty peer that a conformance case must catch.
    public var cipherListForTesting: String?
    /// Lets a server take part in a renegotiation that the client starts. EACP forbids
    /// renegotiation, so only tests set this, to build a faulty peer that a conformance case must catch.
    public var allowsRenegotiationForTesting = false
    /// Lowers the minimum version to TLS 1.0. TLS 1.0 and 1.1 need CBC suites, which
    /// `cipherListForTesting` must then add. EACP forbids both versions, so only tests set this.
    public var acceptsTLS10And11ForTesting = false
    /// Completes a client handshake whatever certificate the server presents, unverified. EACP requires
    /// the chain to lead to the pinned CA, so only tests set this, to build a faulty peer.
    public var skipsPeerVerificationForTesting = false
    /// Leaves out the client's check of the server certificate against the host name, while the chain is
    /// still verified. EACP requires the check, so only tests set this, to build a faulty peer.
    public var skipsHostNameCheckForTesting = false
    /// Sends an IP address host as SNI too. RFC 6066 and EACP forbid that, so only tests set this, to
    /// build a faulty peer.
    public var sendsServerNameForIPAddressForTesting = false

    public init(
        role: Role,
        certificateChainPEM: String? = nil,
        privateKeyPEM: String? = nil,
        trustedCAPEM: String? = nil,
        clientCertificatePolicy: ClientCertificatePolicy = .none,
        expectedHostName: String? = nil,
        alpnProtocols: [String] = ["http/1.1"]
    ) {
        self.role = role
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
        self.trustedCAPEM = trustedCAPEM
        self.clientCertificatePolicy = clientCertificatePolicy
        self.expectedHostName = expectedHostName
        self.alpnProtocols = alpnProtocols
    }

    /// Makes a server configuration that presents `certificateChainPEM` and applies `clientCertificatePolicy`.
    public static func server(
        certificateChainPEM: String, privateKeyPEM: String, trustedCAPEM: String? = nil,
        clientCertificatePolicy: ClientCertificatePolicy = .none
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .server, certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM,
            trustedCAPEM: trustedCAPEM, clientCertificatePolicy: clientCertificatePolicy)
    }

    /// Makes a client configuration that trusts only `trustedCAPEM`. When a chain and key are given, the
    /// client presents them as its client certificate.
    public static func client(
        trustedCAPEM: String, expectedHostName: String? = nil, certificateChainPEM: String? = nil,
        privateKeyPEM: String? = nil
    ) -> TLSConfiguration {
        TLSConfiguration(
            role: .client, certificateChainPEM: certificateChainPEM, privateKeyPEM: privateKeyPEM,
            trustedCAPEM: trustedCAPEM, expectedHostName: expectedHostName)
    }
}
