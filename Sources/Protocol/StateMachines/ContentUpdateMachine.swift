/// The agent's installation of new detection content offered in a heartbeat reply.
///
/// The agent downloads the package with Range requests (resuming after an interruption), checks its
/// SHA-256 against the offer, installs it, and reports the new content version in the next
/// heartbeat. Failures retry with a doubling delay. After `maximumAttempts` failures in a row the
/// agent stops until the server offers the content again, which it does in every heartbeat reply
/// while the agent reports older content.
public struct ContentUpdateMachine: DescribedStateMachine, Hashable {
    public struct Configuration: Hashable, Sendable {
        /// Failed attempts in a row before the agent waits for the next offer. 5 attempts with the
        /// default delay span about 7.5 minutes, longer than most short outages.
        public var maximumAttempts = 5
        /// Delay before the first retry, doubling with each failure after it. 30 s.
        public var retryDelayMilliseconds: Int64 = 30_000

        public init() {}
    }

    /// A content offer from a heartbeat reply, with its digest already checked.
    public struct Offer: Hashable, Sendable {
        public var version: ValidatedContentVersion
        public var sizeBytes: UInt64
        /// The offer's downgrade flag: install even when the revision is lower than the installed one.
        public var downgrade: Bool

        public init(version: ValidatedContentVersion, sizeBytes: UInt64, downgrade: Bool = false) {
            self.version = version
            self.sizeBytes = sizeBytes
            self.downgrade = downgrade
        }
    }

    /// The reason for ignoring an offer, which the agent writes to its log.
    public enum IgnoredOffer: Hashable, Sendable {
        /// The offer names revision 0, which no content package has.
        case revisionZero
        /// The offered revision is lower than the installed one and the offer lacks the
        /// downgrade flag.
        case lowerRevisionWithoutDowngrade
    }

    public enum StateName: String, CaseIterable, Hashable, Sendable {
        case idle, offered, downloading, verifying, installing, installed, failed
    }

    public enum EventName: String, CaseIterable, Hashable, Sendable {
        case offerReceived, beginDownload, bytesReceived, downloadInterrupted, downloadCompleted
        case verificationFinished, installSucceeded, installFailed, retryTimerFired, reportDelivered
    }

    /// The agent's next step, returned by every event.
    public enum Action: Hashable, Sendable {
        /// Call `beginDownload` when the agent is ready, after deleting any partial download of an
        /// earlier offer when `discardPrevious` is true.
        case scheduleDownload(discardPrevious: Bool)
        /// GET /eacp/v1/content/{revision}, asking for the bytes from `fromOffset` on.
        case requestRange(revision: UInt64, fromOffset: UInt64)
        /// Compute the SHA-256 of the downloaded file and call `verificationFinished` with it.
        case verify
        /// Install the verified package.
        case install(ValidatedContentVersion)
        /// Send a heartbeat now, reporting the installed content version.
        case reportInstalled(ValidatedContentVersion)
        /// Call `retryTimerFired` after the delay. Delete the partial file first when
        /// `discardDownload` is true.
        case scheduleRetry(delayMilliseconds: Int64, discardDownload: Bool)
        /// Stop retrying until the next offer. Delete the partial file when `discardDownload` is true.
        case giveUp(discardDownload: Bool)
        /// Ignore the offer and write the reason to the agent's log.
        case ignoreOffer(IgnoredOffer)
        /// Nothing to do.
        case none
    }

    public typealias Forbidden = ForbiddenEvent<StateName, EventName>

    private struct Update: Hashable, Sendable {
        var version: ValidatedContentVersion
        var download: PackageDownload
    }

    private enum State: Hashable, Sendable {
        /// Nothing in progress. Next: offered.
        case idle
        /// An acceptable offer waits for the agent to start the download. Next: offered, downloading.
        case offered(Update)
        /// Range requests in progress. Next: offered (a different offer), verifying, failed.
        case downloading(Update)
        /// Computing the digest of the complete file. Next: installing, failed.
        case verifying(Update)
        /// Installing the verified package. Next: installed, failed.
        case installing(Update)
        /// Installed; the heartbeat that reports it has not gone through yet. Next: idle, offered.
        case installed
        /// The last attempt failed. `retryPending` is false once the attempts are used up.
        /// Next: downloading (retry), offered (a new offer).
        case failed(Update, retryPending: Bool)
    }

    public static let machineName = "content update"
    public static let initialState = StateName.idle

    public let configuration: Configuration
    /// The content the agent runs, or nil when it has none.
    public private(set) var installedVersion: ValidatedContentVersion?
    private var state = State.idle

    public init(installedVersion: ValidatedContentVersion?, configuration: Configuration = Configuration()) {
        self.installedVersion = installedVersion
        self.configuration = configuration
    }

    public var stateName: StateName {
        switch state {
        case .idle: .idle
        case .offered: .offered
        case .downloading: .downloading
        case .verifying: .verifying
        case .installing: .installing
        case .installed: .installed
        case .failed: .failed
        }
    }

    /// Call when a heartbeat reply carried a content offer whose digest is 32 bytes long (an offer
    /// with another digest length is ignored and logged before it becomes an `Offer`). The agent
    /// ignores an offer of the content it runs. It ignores and logs an offer of revision 0, and one of
    /// a lower revision without the downgrade flag. While verifying or installing it ignores every
    /// offer, and the server offers again in the next heartbeat reply if the content is still newer.
    public mutating func offerReceived(_ offer: Offer) throws(Forbidden) -> Action {
        guard offer.version.revision != 0 else {
            return .ignoreOffer(.revisionZero)
        }
        switch state {
        case .idle, .installed:
            return accept(offer, discardPrevious: false)
        case .offered(let update), .downloading(let update):
            return update.version == offer.version ? .none : accept(offer, discardPrevious: true)
        case .verifying, .installing:
            return .none
        case .failed(let update, let retryPending):
            guard update.version == offer.version else {
                return accept(offer, discardPrevious: true)
            }
            if retryPending {
                return .none
            }
            var resumed = update
            resumed.download.failures = 0
            state = .offered(resumed)
            return .scheduleDownload(discardPrevious: false)
        }
    }

    private mutating func accept(_ offer: Offer, discardPrevious: Bool) -> Action {
        let decision = ContentOfferDecision(
            server: offer.version, agent: installedVersion, downgradeAllowed: offer.downgrade)
        switch decision {
        case .offer, .offerDowngrade:
            let download = PackageDownload(sizeBytes: offer.sizeBytes, sha256: offer.version.sha256)
            state = .offered(Update(version: offer.version, download: download))
            return .scheduleDownload(discardPrevious: discardPrevious)
        case .upToDate:
            return .none
        case .withheld:
            return .ignoreOffer(.lowerRevisionWithoutDowngrade)
        }
    }

    /// Call when the agent is ready to download the offered package.
    public mutating func beginDownload() throws(Forbidden) -> Action {
        switch state {
        case .offered(let update):
            state = .downloading(update)
            return .requestRange(revision: update.version.revision, fromOffset: update.download.receivedBytes)
        case .idle, .downloading, .verifying, .installing, .installed, .failed:
            throw forbidden(.beginDownload)
        }
    }

    /// Call when `count` more bytes of the package arrived and were written. More bytes than the offer
    /// announced make the download fail and start over.
    public mutating func bytesReceived(_ count: UInt64) throws(Forbidden) -> Action {
        switch state {
        case .downloading(var update):
            guard update.download.addReceived(count) else {
                return fail(update, discardDownload: true)
            }
            state = .downloading(update)
            return .none
        case .idle, .offered, .verifying, .installing, .installed, .failed:
            throw forbidden(.bytesReceived)
        }
    }

    /// Call when the connection or the request failed before the package was complete.
    public mutating func downloadInterrupted() throws(Forbidden) -> Action {
        switch state {
        case .downloading(let update):
            return fail(update, discardDownload: false)
        case .idle, .offered, .verifying, .installing, .installed, .failed:
            throw forbidden(.downloadInterrupted)
        }
    }

    /// Call when the response ended. Fewer bytes than announced count as an interruption.
    public mutating func downloadCompleted() throws(Forbidden) -> Action {
        switch state {
        case .downloading(let update):
            guard update.download.isComplete else {
                return fail(update, discardDownload: false)
            }
            state = .verifying(update)
            return .verify
        case .idle, .offered, .verifying, .installing, .installed, .failed:
            throw forbidden(.downloadCompleted)
        }
    }

    /// Call when the agent computed the SHA-256 of the downloaded file.
    public mutating func verificationFinished(sha256: [UInt8]) throws(Forbidden) -> Action {
        switch state {
        case .verifying(let update):
            guard sha256 == update.version.sha256 else {
                return fail(update, discardDownload: true)
            }
            state = .installing(update)
            return .install(update.version)
        case .idle, .offered, .downloading, .installing, .installed, .failed:
            throw forbidden(.verificationFinished)
        }
    }

    /// Call when the package is installed and the agent uses it.
    public mutating func installSucceeded() throws(Forbidden) -> Action {
        switch state {
        case .installing(let update):
            installedVersion = update.version
            state = .installed
            return .reportInstalled(update.version)
        case .idle, .offered, .downloading, .verifying, .installed, .failed:
            throw forbidden(.installSucceeded)
        }
    }

    /// Call when installing failed. The agent still uses its previous content.
    public mutating func installFailed() throws(Forbidden) -> Action {
        switch state {
        case .installing(let update):
            return fail(update, discardDownload: true)
        case .idle, .offered, .downloading, .verifying, .installed, .failed:
            throw forbidden(.installFailed)
        }
    }

    /// Call when the retry delay passed.
    public mutating func retryTimerFired() throws(Forbidden) -> Action {
        switch state {
        case .failed(let update, retryPending: true):
            state = .downloading(update)
            return .requestRange(revision: update.version.revision, fromOffset: update.download.receivedBytes)
        case .idle, .offered, .downloading, .verifying, .installing, .installed, .failed(_, retryPending: false):
            throw forbidden(.retryTimerFired)
        }
    }

    /// Call when a heartbeat that reports the installed content version went through.
    public mutating func reportDelivered() throws(Forbidden) -> Action {
        switch state {
        case .installed:
            state = .idle
            return .none
        case .idle, .offered, .downloading, .verifying, .installing, .failed:
            throw forbidden(.reportDelivered)
        }
    }

    private mutating func fail(_ update: Update, discardDownload: Bool) -> Action {
        var failed = update
        failed.download.recordFailure(discardingReceivedBytes: discardDownload)
        guard failed.download.failures < configuration.maximumAttempts else {
            state = .failed(failed, retryPending: false)
            return .giveUp(discardDownload: discardDownload)
        }
        state = .failed(failed, retryPending: true)
        let delay = configuration.retryDelayMilliseconds << min(failed.download.failures - 1, 20)
        return .scheduleRetry(delayMilliseconds: delay, discardDownload: discardDownload)
    }
}

extension ContentUpdateMachine {
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
        Transition(.verifying, .verificationFinished, .installing),
        Transition(.verifying, .verificationFinished, .failed),
        Transition(.installing, .offerReceived, .installing),
        Transition(.installing, .installSucceeded, .installed),
        Transition(.installing, .installFailed, .failed),
        Transition(.installed, .offerReceived, .installed),
        Transition(.installed, .offerReceived, .offered),
        Transition(.installed, .reportDelivered, .idle),
        Transition(.failed, .offerReceived, .failed),
        Transition(.failed, .offerReceived, .offered),
        Transition(.failed, .retryTimerFired, .downloading),
    ]
}
