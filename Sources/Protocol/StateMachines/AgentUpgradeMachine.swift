/// The agent's side of an upgrade to the version the server assigned.
///
/// The agent downloads the installation package with Range requests, checks its SHA-256, stages
/// it, and runs the installer when it is safe to (no action running). The new version must then
/// complete a heartbeat before a deadline; otherwise the agent restores the previous version. The
/// agent persists the machine, so that the new version, or the supervisor that watches it, can
/// continue after the restart.
///
/// There is no retry timer: a failed upgrade waits for the next offer, which the server repeats
/// in every heartbeat reply until the agent reports the assigned version. The agent ignores an
/// offer of the version it runs, and of a version that it just rolled back.
public struct AgentUpgradeMachine: DescribedStateMachine, Hashable {
    public struct Configuration: Hashable, Sendable {
        /// Time from the installer's success to the new version's first successful heartbeat. 10 min
        /// covers a slow restart and a few heartbeat retries; it is an estimate, not a measurement.
        public var heartbeatDeadlineMilliseconds: Int64 = 600_000

        public init() {}
    }

    /// An upgrade offer from a heartbeat reply.
    public struct Offer: Hashable, Sendable {
        public var version: AgentVersion
        public var sizeBytes: UInt64
        /// SHA-256 of the package. The machine ignores an offer whose digest is not 32 bytes long.
        public var sha256: [UInt8]

        public init(version: AgentVersion, sizeBytes: UInt64, sha256: [UInt8]) {
            self.version = version
            self.sizeBytes = sizeBytes
            self.sha256 = sha256
        }
    }

    public enum StateName: String, CaseIterable, Hashable, Sendable {
        case idle, offered, downloading, verifying, staged, installing, awaitingHeartbeat, done, failed, rolledBack
    }

    public enum EventName: String, CaseIterable, Hashable, Sendable {
        case offerReceived, beginDownload, bytesReceived, downloadInterrupted, downloadCompleted
        case verificationFinished, installPermitted, installerSucceeded, installerFailed
        case heartbeatSucceeded, heartbeatDeadlinePassed
    }

    /// The agent's next step, returned by every event.
    public enum Action: Hashable, Sendable {
        /// Call `beginDownload` when ready, after deleting any partial package of an earlier offer
        /// when `discardPrevious` is true.
        case scheduleDownload(discardPrevious: Bool)
        /// GET /eacp/v1/upgrades/{version}, asking for the bytes from `fromOffset` on.
        case requestRange(version: AgentVersion, fromOffset: UInt64)
        /// Keep the partial package; the next offer resumes the download.
        case keepPartialDownload
        /// Compute the SHA-256 of the package and call `verificationFinished` with it.
        case verify
        /// Unpack the package next to the running version, and call `installPermitted` once no
        /// action is running.
        case stage(AgentVersion)
        /// Run the installer, keeping `previousVersion` for a rollback.
        case runInstaller(version: AgentVersion, previousVersion: AgentVersion)
        /// Restart into the new version. Call `heartbeatDeadlinePassed` after the deadline unless the
        /// new version's heartbeat went through.
        case restartIntoNewVersion(heartbeatDeadlineMilliseconds: Int64)
        /// Delete the previous version and report the upgrade as succeeded.
        case commit
        /// Restore `previousVersion`, restart into it and report the upgrade as rolled back.
        case rollBack(previousVersion: AgentVersion)
        /// Report the upgrade as failed, deleting the package when `discardPackage` is true.
        case recordFailure(discardPackage: Bool)
        /// Ignore the offer, because its SHA-256 is `digestByteCount` bytes long instead of 32, and
        /// write that to the agent's log.
        case ignoreInvalidOffer(digestByteCount: Int)
        /// Nothing to do.
        case none
    }

    public typealias Forbidden = ForbiddenEvent<StateName, EventName>

    private struct Upgrade: Hashable, Sendable {
        var version: AgentVersion
        var download: PackageDownload

        init(_ offer: Offer) {
            version = offer.version
            download = PackageDownload(sizeBytes: offer.sizeBytes, sha256: offer.sha256)
        }

        func matches(_ offer: Offer) -> Bool {
            version == offer.version && download.sizeBytes == offer.sizeBytes && download.sha256 == offer.sha256
        }
    }

    private enum State: Hashable, Sendable {
        /// Nothing in progress. Next: offered.
        case idle
        /// Waiting for the agent to start the download. Next: offered, downloading.
        case offered(Upgrade)
        /// Range requests in progress. Next: offered (a different offer), verifying, failed.
        case downloading(Upgrade)
        /// Computing the package digest. Next: staged, failed.
        case verifying(Upgrade)
        /// Verified and unpacked, waiting for a safe moment. Next: installing.
        case staged(Upgrade)
        /// The installer runs. Next: awaitingHeartbeat, failed.
        case installing(Upgrade, previousVersion: AgentVersion)
        /// The new version runs and must complete a heartbeat. Next: done, rolledBack.
        case awaitingHeartbeat(Upgrade, previousVersion: AgentVersion)
        /// Call when the new version completed a heartbeat. Next: offered.
        case done
        /// The download, verification or installer failed; the old version runs. Next: offered.
        case failed(Upgrade)
        /// The new version missed its deadline and the previous one was restored. Next: offered.
        case rolledBack(AgentVersion)
    }

    public static let machineName = "agent upgrade"
    public static let initialState = StateName.idle

    public let configuration: Configuration
    /// The version the agent runs. It changes when the new version's heartbeat goes through.
    public private(set) var runningVersion: AgentVersion
    private var state = State.idle

    public init(runningVersion: AgentVersion, configuration: Configuration = Configuration()) {
        self.runningVersion = runningVersion
        self.configuration = configuration
    }

    public var stateName: StateName {
        switch state {
        case .idle: .idle
        case .offered: .offered
        case .downloading: .downloading
        case .verifying: .verifying
        case .staged: .staged
        case .installing: .installing
        case .awaitingHeartbeat: .awaitingHeartbeat
        case .done: .done
        case .failed: .failed
        case .rolledBack: .rolledBack
        }
    }

    /// Call when a heartbeat reply carried an upgrade offer whose version parsed as an agent version
    /// (an offer with an invalid version is ignored and logged before it becomes an `Offer`).
    /// Offers are ignored from verification until the upgrade ends.
    public mutating func offerReceived(_ offer: Offer) throws(Forbidden) -> Action {
        guard offer.sha256.count == ValidatedContentVersion.digestByteCount else {
            return .ignoreInvalidOffer(digestByteCount: offer.sha256.count)
        }
        guard offer.version != runningVersion else { return .none }
        switch state {
        case .idle, .done:
            state = .offered(Upgrade(offer))
            return .scheduleDownload(discardPrevious: false)
        case .offered(let upgrade), .downloading(let upgrade):
            if upgrade.matches(offer) {
                return .none
            }
            state = .offered(Upgrade(offer))
            return .scheduleDownload(discardPrevious: true)
        case .verifying, .staged, .installing, .awaitingHeartbeat:
            return .none
        case .failed(var upgrade):
            guard upgrade.matches(offer) else {
                state = .offered(Upgrade(offer))
                return .scheduleDownload(discardPrevious: true)
            }
            upgrade.download.failures = 0
            state = .offered(upgrade)
            return .scheduleDownload(discardPrevious: false)
        case .rolledBack(let rolledBackVersion):
            if offer.version == rolledBackVersion {
                return .none
            }
            state = .offered(Upgrade(offer))
            return .scheduleDownload(discardPrevious: true)
        }
    }

    /// Call when the agent is ready to download the offered package.
    public mutating func beginDownload() throws(Forbidden) -> Action {
        switch state {
        case .offered(let upgrade):
            state = .downloading(upgrade)
            return .requestRange(version: upgrade.version, fromOffset: upgrade.download.receivedBytes)
        case .idle, .downloading, .verifying, .staged, .installing, .awaitingHeartbeat, .done, .failed, .rolledBack:
            throw forbidden(.beginDownload)
        }
    }

    /// Call when `count` more bytes of the package arrived and were written. More bytes than the offer
    /// announced fail the upgrade.
    public mutating func bytesReceived(_ count: UInt64) throws(Forbidden) -> Action {
        switch state {
        case .downloading(var upgrade):
            guard upgrade.download.addReceived(count) else {
                upgrade.download.recordFailure(discardingReceivedBytes: true)
                state = .failed(upgrade)
                return .recordFailure(discardPackage: true)
            }
            state = .downloading(upgrade)
            return .none
        case .idle, .offered, .verifying, .staged, .installing, .awaitingHeartbeat, .done, .failed, .rolledBack:
            throw forbidden(.bytesReceived)
        }
    }

    /// Call when the connection or the request failed before the package was complete.
    public mutating func downloadInterrupted() throws(Forbidden) -> Action {
        switch state {
        case .downloading(let upgrade):
            return stopDownload(upgrade)
        case .idle, .offered, .verifying, .staged, .installing, .awaitingHeartbeat, .done, .failed, .rolledBack:
            throw forbidden(.downloadInterrupted)
        }
    }

    /// Call when the response ended. Fewer bytes than announced count as an interruption.
    public mutating func downloadCompleted() throws(Forbidden) -> Action {
        switch state {
        case .downloading(let upgrade):
            guard upgrade.download.isComplete else {
                return stopDownload(upgrade)
            }
            state = .verifying(upgrade)
            return .verify
        case .idle, .offered, .verifying, .staged, .installing, .awaitingHeartbeat, .done, .failed, .rolledBack:
            throw forbidden(.downloadCompleted)
        }
    }

    private mutating func stopDownload(_ upgrade: Upgrade) -> Action {
        var stopped = upgrade
        stopped.download.recordFailure(discardingReceivedBytes: false)
        state = .failed(stopped)
        return .keepPartialDownload
    }

    /// Call when the agent computed the SHA-256 of the package.
    public mutating func verificationFinished(sha256: [UInt8]) throws(Forbidden) -> Action {
        switch state {
        case .verifying(var upgrade):
            guard sha256 == upgrade.download.sha256 else {
                upgrade.download.recordFailure(discardingReceivedBytes: true)
                state = .failed(upgrade)
                return .recordFailure(discardPackage: true)
            }
            state = .staged(upgrade)
            return .stage(upgrade.version)
        case .idle, .offered, .downloading, .staged, .installing, .awaitingHeartbeat, .done, .failed, .rolledBack:
            throw forbidden(.verificationFinished)
        }
    }

    /// Call when no action is running, so that the installer may stop the agent.
    public mutating func installPermitted() throws(Forbidden) -> Action {
        switch state {
        case .staged(let upgrade):
            state = .installing(upgrade, previousVersion: runningVersion)
            return .runInstaller(version: upgrade.version, previousVersion: runningVersion)
        case .idle, .offered, .downloading, .verifying, .installing, .awaitingHeartbeat, .done, .failed, .rolledBack:
            throw forbidden(.installPermitted)
        }
    }

    /// Call when the installer put the new version in place.
    public mutating func installerSucceeded() throws(Forbidden) -> Action {
        switch state {
        case .installing(let upgrade, let previousVersion):
            state = .awaitingHeartbeat(upgrade, previousVersion: previousVersion)
            return .restartIntoNewVersion(heartbeatDeadlineMilliseconds: configuration.heartbeatDeadlineMilliseconds)
        case .idle, .offered, .downloading, .verifying, .staged, .awaitingHeartbeat, .done, .failed, .rolledBack:
            throw forbidden(.installerSucceeded)
        }
    }

    /// Call when the installer failed and left the previous version in place.
    public mutating func installerFailed() throws(Forbidden) -> Action {
        switch state {
        case .installing(var upgrade, _):
            upgrade.download.recordFailure(discardingReceivedBytes: true)
            state = .failed(upgrade)
            return .recordFailure(discardPackage: true)
        case .idle, .offered, .downloading, .verifying, .staged, .awaitingHeartbeat, .done, .failed, .rolledBack:
            throw forbidden(.installerFailed)
        }
    }

    /// Call when the new version completed a heartbeat.
    public mutating func heartbeatSucceeded() throws(Forbidden) -> Action {
        switch state {
        case .awaitingHeartbeat(let upgrade, _):
            runningVersion = upgrade.version
            state = .done
            return .commit
        case .idle, .offered, .downloading, .verifying, .staged, .installing, .done, .failed, .rolledBack:
            throw forbidden(.heartbeatSucceeded)
        }
    }

    /// Call when the deadline passed without a heartbeat from the new version.
    public mutating func heartbeatDeadlinePassed() throws(Forbidden) -> Action {
        switch state {
        case .awaitingHeartbeat(let upgrade, let previousVersion):
            state = .rolledBack(upgrade.version)
            return .rollBack(previousVersion: previousVersion)
        case .idle, .offered, .downloading, .verifying, .staged, .installing, .done, .failed, .rolledBack:
            throw forbidden(.heartbeatDeadlinePassed)
        }
    }
}

extension AgentUpgradeMachine {
    public static let transitions: [Transition<StateName, EventName>] = [
        Transition(.idle, .offerReceived, .offered),
        Transition(.idle, .offerReceived, .idle),
        Transition(.offered, .offerReceived, .offered),
        Transition(.offered, .beginDownload, .downloading),
        Transition(.downloading, .offerReceived, .downloading),
        Transition(.downloading, .offerReceived, .offered),
        Transition(.downloading, .bytesReceived, .downloading),
        Transition(.downloading, .bytesReceived, .failed),
        Transition(.downloading, .downloadInterrupted, .failed),
        Transition(.downloading, .downloadCompleted, .verifying),
        Transition(.downloading, .downloadCompleted, .failed),
        Transition(.verifying, .offerReceived, .verifying),
        Transition(.verifying, .verificationFinished, .staged),
        Transition(.verifying, .verificationFinished, .failed),
        Transition(.staged, .offerReceived, .staged),
        Transition(.staged, .installPermitted, .installing),
        Transition(.installing, .offerReceived, .installing),
        Transition(.installing, .installerSucceeded, .awaitingHeartbeat),
        Transition(.installing, .installerFailed, .failed),
        Transition(.awaitingHeartbeat, .offerReceived, .awaitingHeartbeat),
        Transition(.awaitingHeartbeat, .heartbeatSucceeded, .done),
        Transition(.awaitingHeartbeat, .heartbeatDeadlinePassed, .rolledBack),
        Transition(.done, .offerReceived, .done),
        Transition(.done, .offerReceived, .offered),
        Transition(.failed, .offerReceived, .failed),
        Transition(.failed, .offerReceived, .offered),
        Transition(.rolledBack, .offerReceived, .rolledBack),
        Transition(.rolledBack, .offerReceived, .offered),
    ]
}
