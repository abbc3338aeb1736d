import EACPProtocol
import EACPTransport
import Foundation

/// A running EACP reference server: the HTTPS listener, the push channels and the expiry sweep,
/// over one store and one data folder.
public final class ReferenceServer: Sendable {
    public let context: ServerContext
    public let delivery: ActionDelivery
    public let terminals: TerminalRelay
    private let server: HTTPServer
    private let group: EventLoopGroup
    private let sweepTask = UncheckedBox<Task<Void, Never>?>(nil)

    /// How often expired actions are finished when no heartbeat does it first.
    static let expirySweepInterval: Duration = .seconds(5)

    /// Opens the store in the data folder, creating the folder, CA, certificate and tokens on a
    /// first start, and prepares the listener. `start()` begins serving.
    public init(settings: ServerSettings, log: ServerLog, clock: ServerClock = .system) throws {
        let folder = DataFolder(path: settings.dataDirectory)
        let contents = try folder.prepare()
        let store = try SQLiteServerStore(path: folder.databasePath)
        if contents.created {
            let now = clock.nowUnixMs()
            try store.insertEnrollmentToken(EnrollmentTokenRecord(
                tokenDigest: SHA256.digest(contents.tokens.enrollmentToken), label: "first start", createdUnixMs: now,
                expiresUnixMs: now + 365 * 86_400_000, maximumUses: 10_000))
        }
        let replicaID = settings.replicaID.isEmpty
            ? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)" : settings.replicaID
        context = ServerContext(
            settings: settings, store: store, dataFolder: folder, certificateAuthority: contents.certificateAuthority,
            adminToken: contents.tokens.adminToken, clock: clock, log: log, replicaID: replicaID)
        delivery = ActionDelivery(context: context)
        terminals = TerminalRelay(context: context, delivery: delivery)

        var tlsConfiguration = TLSConfiguration.server(
            certificateChainPEM: contents.serverCertificatePEM, privateKeyPEM: contents.serverKeyPEM,
            trustedCAPEM: try contents.certificateAuthority.certificate.pem(), clientCertificatePolicy: .optional)
        if BrokenVariant.isActive(.acceptsTLS13) {
            tlsConfiguration.maximumProtocolVersionForTesting = .tls1_3
        }
        BrokenVariant.applyTLSFaults(to: &tlsConfiguration)
        let tlsContext = try TLSContext(configuration: tlsConfiguration)
        var configuration = HTTPServerConfiguration()
        configuration.host = settings.listenHost
        configuration.port = settings.listenPort
        configuration.limits.maxBodyBytes = settings.maximumBodyBytes
        // The protocol's limit for a request line and header section together.
        if !BrokenVariant.isActive(.acceptsLargeHeaderSection) {
            configuration.limits.maxHeadBytes = 16_384
        }
        configuration.maxConnections = settings.maximumConnections
        group = try EventLoopGroup(loopCount: max(1, min(EventLoopGroup.coreCount, 4)))
        server = HTTPServer(
            configuration: configuration, router: ServerRoutes(context: context, delivery: delivery, terminals: terminals).makeRouter(),
            group: group, makeSecurity: { BrokenVariant.connectionSecurity(try TLSSession(context: tlsContext)) })
    }

    /// Puts actions left `pushed` by an earlier process back on the heartbeat path, starts
    /// listening and returns the bound address.
    public func start() async throws -> SocketAddress {
        let recovered = try delivery.recoverAfterRestart()
        if recovered > 0 {
            context.log.info("actions.recovered", ["count": recovered])
        }
        let address = try await server.start()
        sweepTask.value = Task { [delivery] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.expirySweepInterval)
                delivery.expireDue()
            }
        }
        context.log.info("server.started", ["address": address, "data_dir": context.dataFolder.path])
        return address
    }

    /// Stops accepting, lets requests in flight finish within the drain timeout, and closes the rest.
    public func shutdown() async {
        context.log.info("server.draining", ["timeout_ms": context.settings.drainTimeoutMs])
        sweepTask.value?.cancel()
        await server.shutdown(gracePeriod: .milliseconds(Int(context.settings.drainTimeoutMs)))
        group.shutdown()
        context.log.info("server.stopped")
    }
}

/// A mutable value shared across threads, set once at start and read at shutdown.
final class UncheckedBox<Value>: @unchecked Sendable {
    // @unchecked: written in start() and read in shutdown(), which the caller runs in that order.
    var value: Value
    init(_ value: Value) { self.value = value }
}
