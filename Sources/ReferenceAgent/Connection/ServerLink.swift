import EACPProtocol
import EACPTransport
import Synchronization

/// Everything the agent needs to reach its server: the pinned CA, the client certificate once
/// enrolled, the proxy in use, and the isolation gate. Requests and the push channel both go
/// through `connector()`, so a proxy change or isolation applies to both.
public final class ServerLink: Sendable {
    public let serverURL: ServerURL
    let group: EventLoopGroup
    /// The latest TLS handshake's version, cipher and server certificate.
    let observation = TLSObservationCell()
    private let pinnedCAPEM: String
    private let state: Mutex<LinkState>

    private struct LinkState {
        var context: TLSContext
        var proxy: LocalState.ProxySetting
        var client: HTTPClient?
        var downloadClient: HTTPClient?
        /// Hosts the agent may connect to while isolated; nil when not isolated.
        var isolationAllowedHosts: Set<String>?
    }

    /// The largest success body the agent reads, from the protocol's limits.
    static let maximumReplyBytes = BrokenVariant.isActive(.readsOversizedReplies) ? 4_194_304 : 1_048_576
    /// Requests fail when 60 s pass without a complete response.
    static let responseTimeout: Duration = .seconds(60)

    public init(serverURL: ServerURL, pinnedCAPEM: String, group: EventLoopGroup) throws {
        self.serverURL = serverURL
        self.pinnedCAPEM = pinnedCAPEM
        self.group = group
        let context = try TLSContext(configuration: BrokenVariant.clientTLS(.client(trustedCAPEM: pinnedCAPEM, expectedHostName: serverURL.host)))
        state = Mutex(LinkState(context: context, proxy: LocalState.ProxySetting()))
    }

    /// Presents this client certificate chain and key on every later connection.
    public func useCredentials(certificateChainPEM: String, privateKeyPEM: String) throws {
        let context = try TLSContext(configuration: BrokenVariant.clientTLS(.client(
            trustedCAPEM: pinnedCAPEM, expectedHostName: serverURL.host, certificateChainPEM: certificateChainPEM,
            privateKeyPEM: privateKeyPEM)))
        replace { $0.context = context }
    }

    /// Sends every later connection through `proxy`, or directly when it is direct.
    public func useProxy(_ proxy: LocalState.ProxySetting) {
        replace { $0.proxy = proxy }
    }

    public var proxy: LocalState.ProxySetting { state.withLock { $0.proxy } }

    /// Blocks connections to any host outside `allowedHosts` plus the server and the proxy; nil lifts the block.
    public func restrictConnections(allowedHosts: [String]?) {
        state.withLock { $0.isolationAllowedHosts = allowedHosts.map(Set.init) }
    }

    private func replace(_ change: (inout LinkState) -> Void) {
        let old = state.withLock { value in
            change(&value)
            defer {
                value.client = nil
                value.downloadClient = nil
            }
            return [value.client, value.downloadClient]
        }
        for client in old { client?.close() }
    }

    /// Makes a connector for the server through the current proxy, with the current credentials.
    /// `bypassingProxy` serves only the `push-bypasses-proxy` broken variant.
    func connector(bypassingProxy: Bool = false) throws(RequestFailure) -> ClientConnector {
        let (context, proxy, allowed) = state.withLock { ($0.context, $0.proxy, $0.isolationAllowedHosts) }
        if let allowed {
            // The management channel always stays reachable: the server's host and the proxy in use.
            var management: Set = [serverURL.host, proxy.host]
            if BrokenVariant.isActive(.isolationBlocksServer) { management = [] }
            if BrokenVariant.isActive(.isolationBlocksProxy) { management = [serverURL.host] }
            let dialed = proxy.isDirect || bypassingProxy ? serverURL.host : proxy.host
            guard allowed.union(management).contains(dialed) else {
                throw RequestFailure(.blockedByIsolation, "isolation blocks \(dialed)")
            }
        }
        let host = serverURL.host
        let observation = self.observation
        if !proxy.isDirect, BrokenVariant.isActive(.skipsConnectTunnel) {
            return ClientConnector(host: proxy.host, port: proxy.port) {
                try AgentTLSStream(context: context, serverName: host, observation: observation)
            }
        }
        return ClientConnector(
            host: host, port: serverURL.port,
            proxy: proxy.isDirect || bypassingProxy ? nil : HTTPProxyConfiguration(host: proxy.host, port: proxy.port),
            makeSecurity: { try AgentTLSStream(context: context, serverName: host, observation: observation) })
    }

    /// Returns the client for protocol requests, created on first use after each change.
    func client(forDownloads: Bool = false) throws(RequestFailure) -> HTTPClient {
        let connector = try connector()
        return state.withLock { value in
            if let existing = forDownloads ? value.downloadClient : value.client { return existing }
            var configuration = HTTPClientConfiguration()
            configuration.responseTimeout = Self.responseTimeout
            if !forDownloads { configuration.limits.maxBodyBytes = Self.maximumReplyBytes }
            let created = HTTPClient(connector: connector, group: group, configuration: configuration)
            if forDownloads { value.downloadClient = created } else { value.client = created }
            return created
        }
    }

    /// Closes idle connections.
    public func close() {
        replace { _ in }
    }
}
