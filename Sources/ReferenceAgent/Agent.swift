import EACPProtocol
import EACPTransport
import Foundation
import Synchronization

/// The reference agent: enrolls once, then keeps its heartbeat, push channel, security event
/// queue, status reports and log uploads going until it is stopped.
public final class Agent: Sendable {
    public let options: AgentOptions
    public let log: AgentLog
    let store: AgentStore
    let localState: LocalStateFile
    let link: ServerLink
    let group: EventLoopGroup
    let runtime = Mutex(RuntimeStatus())

    let heartbeatWake = WakeSignal()
    let eventWake = WakeSignal()
    let statusWake = WakeSignal()
    let heartbeatRunner = SerialRunner()
    let firstHeartbeat = Mutex(false)
    let credentials = Mutex<Credentials?>(nil)
    let tasks = Mutex<[Task<Void, Never>]>([])
    /// Downloads in progress, by kind, so a repeated offer does not start a second one.
    let downloadsInProgress = Mutex<Set<DownloadKind>>([])
    /// Installs a verified upgrade package; the default only stages it.
    let upgradeHook: any UpgradeInstallHook
    /// The version this agent reports: `AgentIdentity.version` except in tests that play an upgrade.
    let version: String

    let actions: ActionProcessor
    let push: PushChannel
    let isolation: any IsolationBackend

    /// Opens the state folder and the store. Fails when the folder or the CA file is unusable.
    public init(
        options: AgentOptions, log: AgentLog = AgentLog(), upgradeHook: any UpgradeInstallHook = StagingOnlyHook(),
        version: String = AgentIdentity.version
    ) throws {
        self.options = options
        self.upgradeHook = upgradeHook
        self.version = version
        self.log = log
        let createParents = !BrokenVariant.isActive(.needsStateFolderParent) || FileManager.default.fileExists(atPath: options.stateDirectory)
        try FileManager.default.createDirectory(
            atPath: options.stateDirectory, withIntermediateDirectories: createParents, attributes: [.posixPermissions: 0o700])
        let pinned = try options.readPinnedCA()
        store = try AgentStore(path: options.stateDirectory + "/agent.sqlite")
        localState = try LocalStateFile(path: options.stateDirectory + "/agent-state.json")
        if BrokenVariant.isActive(.forgetsSettings) { try localState.update { $0.settings = LocalState.Settings() } }
        group = try EventLoopGroup(loopCount: 1)
        link = try ServerLink(serverURL: options.serverURL, pinnedCAPEM: pinned, group: group)
        isolation = options.isolationBackend == "nftables" ? NFTablesIsolation(log: log) : ReferenceIsolation()
        actions = ActionProcessor(store: store, log: log)
        push = PushChannel(link: link, log: log)
        actions.agent = self
        push.agent = self
    }

    /// Runs until `stop()`: enrolls when needed, then starts every loop.
    public func run() async throws {
        try await restoreConnectionSettings()
        let credentials = try await obtainCredentials()
        self.credentials.withLock { $0 = credentials }
        try link.useCredentials(
            certificateChainPEM: credentials.certificateChainPEM, privateKeyPEM: credentials.privateKeyPEM)
        configureLogUpload()
        log.info("agent", "agent.started", ["agent": credentials.agentID, "server": options.serverURL, "version": version])

        actions.finishInterruptedActions()
        finishInterruptedUpgrade()
        await openPushBeforeFirstHeartbeat()
        start { await self.heartbeatLoop() }
        start { await self.eventLoop() }
        start { await self.statusReportLoop() }
        start { await self.logUploadLoop() }
        start { await self.statusFileLoop() }
        start { await self.actions.replyLoop() }
        start { await self.proxyDeadlineLoop() }
        if let server = try? LocalEventServer(agent: self) {
            start { await server.run() }
        } else {
            log.error("events", "local_socket.failed", ["path": LocalEventServer.socketPath(options.stateDirectory)])
        }
        if let folder = options.watchDirectory {
            start { await FolderWatcher(agent: self, folder: folder).run() }
        }

        for task in tasks.withLock({ $0 }) { await task.value }
    }

    /// Stops every loop and closes the push channel. Durable state stays as the last write left it.
    public func stop() {
        log.info("agent", "agent.stopping")
        dropEventQueueIfBroken()
        push.stop()
        for task in tasks.withLock({ $0 }) { task.cancel() }
        link.close()
    }

    func start(_ body: @escaping @Sendable () async -> Void) {
        let task = Task { await body() }
        tasks.withLock { $0.append(task) }
    }

    /// Applies the proxy and isolation kept in the state folder before the first request. A proxy
    /// change whose deadline passed while the agent was down is reverted first.
    private func restoreConnectionSettings() async throws {
        let state = localState.current
        if let pending = state.pendingProxyChange,
            pending.deadlineUnixMs <= AgentClock.nowUnixMs() || BrokenVariant.isActive(.forgetsPendingProxy)
        {
            try revertProxyChange(pending)
        }
        link.useProxy(localState.current.proxy)
        if state.isolation.isolated, BrokenVariant.isActive(.forgetsIsolationAtStart) {
            try localState.update { $0.isolation = LocalState.Isolation() }
        } else if state.isolation.isolated {
            try? await isolation.apply(allowedHosts: state.isolation.allowedHosts, management: managementHosts())
            link.restrictConnections(allowedHosts: state.isolation.allowedHosts)
        }
    }

    private func obtainCredentials() async throws -> Credentials {
        if !BrokenVariant.isActive(.enrollsAtEveryStart),
            let stored = try Credentials.load(stateDirectory: options.stateDirectory, store: store)
        {
            return stored
        }
        if BrokenVariant.isActive(.heartbeatBeforeEnrollment) { _ = try? await link.post("heartbeat", Heartbeat(), as: HeartbeatReply.self) }
        guard let token = options.enrollmentToken else {
            throw AgentOptionsError(.missingSetting, "missing setting: the state folder contains no credentials, so set EACP_ENROLLMENT_TOKEN or pass --enrollment-token")
        }
        var failures = 0
        while true {
            do {
                return try await Enrollment.enroll(
                    token: token, link: link, stateDirectory: options.stateDirectory, store: store, log: log)
            } catch let error as EnrollmentError where error.retryable {
                failures += 1
                let delay = Backoff.requestRetry(failures: failures, retryAfterMs: nil, factor: Backoff.randomFactor())
                log.warning("enrollment", "enrollment.retry", ["error": error.message, "delay_ms": delay])
                try await Task.sleep(for: .milliseconds(delay))
            }
        }
    }

    /// Copies log records to the upload queue while the server has collection on.
    func configureLogUpload() {
        let settings = localState.current.settings
        guard settings.logCollectionEnabled else {
            log.setUpload(level: .info, sink: nil)
            return
        }
        let store = self.store
        let level = BrokenVariant.isActive(.uploadsDebugRecords) ? .debug : AgentLogLevel(rawValue: settings.logLevel)
        log.setUpload(level: level) { level, component, message in
            _ = try? store.appendLogRecord(
                timeUnixMs: AgentClock.nowUnixMs(), level: level.rawValue, component: component.truncated(toUTF8Bytes: 64),
                message: message.truncated(toUTF8Bytes: 4096))
        }
    }

    /// The hosts isolation must leave reachable: the server and the proxy in use.
    func managementHosts() -> [String] {
        let proxy = localState.current.proxy
        return [options.serverURL.host] + (proxy.isDirect ? [] : [proxy.host])
    }

    /// The agent's clock corrected by the offset to the server's clock.
    var serverNowUnixMs: Int64 { AgentClock.nowUnixMs() + runtime.withLock { $0.clockOffsetMs } }
}

extension Agent {
    /// Records a security event with a JSON body `{"detail": …}`, as `eacp-agent event` does.
    public func record(type: String, severity: SecurityEventSeverity, detail: String) throws -> String {
        let body = Array(try JSONSerialization.data(withJSONObject: ["detail": detail], options: [.sortedKeys]))
        return try recordEvent(type: type, severity: severity, body: body)
    }

    /// Security events waiting for the server's acknowledgement.
    public func securityEventQueueDepth() throws -> Int {
        try store.eventQueueDepth()
    }
}
