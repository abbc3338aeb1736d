import EACPProtocol
import Testing

@Suite struct AgentUpgradeMachineTests {
    typealias Machine = AgentUpgradeMachine

    static let digest = [UInt8](repeating: 0x15, count: 32)
    static let otherDigest = [UInt8](repeating: 0x99, count: 32)
    static let offer15 = Machine.Offer(version: AgentVersion(1, 5), sizeBytes: 1_000, sha256: digest)
    static let offer16 = Machine.Offer(version: AgentVersion(1, 6), sizeBytes: 2_000, sha256: otherDigest)

    @Test func upgradesAndCommitsAfterHeartbeat() throws {
        var machine = Machine(runningVersion: AgentVersion(1, 4))
        #expect(try machine.offerReceived(Self.offer15) == .scheduleDownload(discardPrevious: false))
        #expect(try machine.offerReceived(Self.offer15) == .none)
        #expect(try machine.beginDownload() == .requestRange(version: AgentVersion(1, 5), fromOffset: 0))
        #expect(try machine.bytesReceived(1_000) == .none)
        #expect(try machine.downloadCompleted() == .verify)
        #expect(try machine.verificationFinished(sha256: Self.digest) == .stage(AgentVersion(1, 5)))
        #expect(try machine.offerReceived(Self.offer16) == .none)  // ignored while staged
        #expect(
            try machine.installPermitted()
                == .runInstaller(version: AgentVersion(1, 5), previousVersion: AgentVersion(1, 4)))
        #expect(try machine.installerSucceeded() == .restartIntoNewVersion(heartbeatDeadlineMilliseconds: 600_000))
        #expect(machine.runningVersion == AgentVersion(1, 4))
        #expect(try machine.heartbeatSucceeded() == .commit)
        #expect(machine.stateName == .done)
        #expect(machine.runningVersion == AgentVersion(1, 5))
        #expect(try machine.offerReceived(Self.offer15) == .none)  // now the running version
        #expect(try machine.offerReceived(Self.offer16) == .scheduleDownload(discardPrevious: false))
    }

    @Test func missedHeartbeatRollsBack() throws {
        var machine = try Self.installing()
        #expect(try machine.installerSucceeded() == .restartIntoNewVersion(heartbeatDeadlineMilliseconds: 600_000))
        #expect(try machine.heartbeatDeadlinePassed() == .rollBack(previousVersion: AgentVersion(1, 4)))
        #expect(machine.stateName == .rolledBack)
        #expect(machine.runningVersion == AgentVersion(1, 4))
        #expect(try machine.offerReceived(Self.offer15) == .none)  // the version that just failed
        #expect(try machine.offerReceived(Self.offer16) == .scheduleDownload(discardPrevious: true))
    }

    @Test func installerFailureKeepsOldVersion() throws {
        var machine = try Self.installing()
        #expect(try machine.installerFailed() == .recordFailure(discardPackage: true))
        #expect(machine.stateName == .failed)
        #expect(try machine.offerReceived(Self.offer15) == .scheduleDownload(discardPrevious: false))
        #expect(try machine.beginDownload() == .requestRange(version: AgentVersion(1, 5), fromOffset: 0))
    }

    @Test func interruptedDownloadResumesOnNextOffer() throws {
        var machine = try Self.downloading()
        #expect(try machine.bytesReceived(400) == .none)
        #expect(try machine.downloadInterrupted() == .keepPartialDownload)
        #expect(try machine.offerReceived(Self.offer15) == .scheduleDownload(discardPrevious: false))
        #expect(try machine.beginDownload() == .requestRange(version: AgentVersion(1, 5), fromOffset: 400))
        #expect(try machine.bytesReceived(100) == .none)
        #expect(try machine.downloadCompleted() == .keepPartialDownload)  // 500 of 1000 bytes
        #expect(try machine.offerReceived(Self.offer15) == .scheduleDownload(discardPrevious: false))
        #expect(try machine.beginDownload() == .requestRange(version: AgentVersion(1, 5), fromOffset: 500))
    }

    @Test func digestMismatchFailsAndDiscards() throws {
        var machine = try Self.downloading()
        #expect(try machine.bytesReceived(1_000) == .none)
        #expect(try machine.downloadCompleted() == .verify)
        #expect(try machine.verificationFinished(sha256: Self.otherDigest) == .recordFailure(discardPackage: true))
        #expect(try machine.offerReceived(Self.offer15) == .scheduleDownload(discardPrevious: false))
        #expect(try machine.beginDownload() == .requestRange(version: AgentVersion(1, 5), fromOffset: 0))
    }

    @Test func oversizedDownloadFails() throws {
        var machine = try Self.downloading()
        #expect(try machine.bytesReceived(1_001) == .recordFailure(discardPackage: true))
        #expect(machine.stateName == .failed)
    }

    @Test func differentOfferReplacesDownload() throws {
        var machine = try Self.downloading()
        #expect(try machine.offerReceived(Self.offer16) == .scheduleDownload(discardPrevious: true))
        #expect(try machine.beginDownload() == .requestRange(version: AgentVersion(1, 6), fromOffset: 0))
        var failed = try Self.downloading()
        _ = try failed.downloadInterrupted()
        #expect(try failed.offerReceived(Self.offer16) == .scheduleDownload(discardPrevious: true))
    }

    @Test func offerWithShortDigestIsIgnoredInEveryState() throws {
        let short = Machine.Offer(
            version: AgentVersion(1, 7), sizeBytes: 1_000, sha256: [UInt8](repeating: 1, count: 20))
        for sample in try Machine.samples() {
            var machine = sample
            #expect(try machine.offerReceived(short) == .ignoreInvalidOffer(digestByteCount: 20))
            #expect(machine == sample)
        }
        var empty = Machine(runningVersion: AgentVersion(1, 4))
        let missing = Machine.Offer(version: AgentVersion(1, 7), sizeBytes: 1_000, sha256: [])
        #expect(try empty.offerReceived(missing) == .ignoreInvalidOffer(digestByteCount: 0))
        #expect(empty.stateName == .idle)
    }

    @Test func offerOfRunningVersionIsIgnored() throws {
        var machine = Machine(runningVersion: AgentVersion(1, 5, 0))
        #expect(try machine.offerReceived(Self.offer15) == .none)
        #expect(machine.stateName == .idle)
    }

    @Test func forbiddenEventsThrowInEveryState() throws {
        try checkEveryEventInEveryState(Machine.self)
    }

    @Test func diagramMatchesTransitions() throws {
        try checkDiagram(Machine.self, fileName: "agent-upgrade.md")
    }

    static func downloading() throws -> Machine {
        var machine = Machine(runningVersion: AgentVersion(1, 4))
        _ = try machine.offerReceived(offer15)
        _ = try machine.beginDownload()
        return machine
    }

    static func installing() throws -> Machine {
        var machine = try downloading()
        _ = try machine.bytesReceived(1_000)
        _ = try machine.downloadCompleted()
        _ = try machine.verificationFinished(sha256: digest)
        _ = try machine.installPermitted()
        return machine
    }
}

extension AgentUpgradeMachine: SweepableMachine {
    static func samples() throws -> [AgentUpgradeMachine] {
        let idle = AgentUpgradeMachine(runningVersion: AgentVersion(1, 4))
        var offered = idle
        _ = try offered.offerReceived(AgentUpgradeMachineTests.offer15)
        var downloading = offered
        _ = try downloading.beginDownload()
        var complete = downloading
        _ = try complete.bytesReceived(1_000)
        var verifying = complete
        _ = try verifying.downloadCompleted()
        var staged = verifying
        _ = try staged.verificationFinished(sha256: AgentUpgradeMachineTests.digest)
        var installing = staged
        _ = try installing.installPermitted()
        var awaitingHeartbeat = installing
        _ = try awaitingHeartbeat.installerSucceeded()
        var done = awaitingHeartbeat
        _ = try done.heartbeatSucceeded()
        var failed = downloading
        _ = try failed.downloadInterrupted()
        var rolledBack = awaitingHeartbeat
        _ = try rolledBack.heartbeatDeadlinePassed()
        return [
            idle, offered, downloading, complete, verifying, staged, installing, awaitingHeartbeat, done, failed,
            rolledBack,
        ]
    }

    // Offers for `offerReceived`: 1.5 (in progress or rolled back), 1.6 (new), 1.4 (the version
    // the samples run before the upgrade), and 1.7 with a digest of 33 bytes.
    static let offers: [Offer] = [
        AgentUpgradeMachineTests.offer15,
        AgentUpgradeMachineTests.offer16,
        Offer(version: AgentVersion(1, 4), sizeBytes: 10, sha256: AgentUpgradeMachineTests.digest),
        Offer(version: AgentVersion(1, 7), sizeBytes: 10, sha256: [UInt8](repeating: 7, count: 33)),
    ]

    static func variantCount(of event: EventName) -> Int {
        switch event {
        case .offerReceived: offers.count
        case .verificationFinished, .bytesReceived: 2
        default: 1
        }
    }

    mutating func fire(_ event: EventName, variant: Int) throws(ForbiddenEvent<StateName, EventName>) {
        switch event {
        case .offerReceived: _ = try offerReceived(Self.offers[variant])
        case .beginDownload: _ = try beginDownload()
        case .bytesReceived: _ = try bytesReceived(variant == 0 ? 10 : 5_000)
        case .downloadInterrupted: _ = try downloadInterrupted()
        case .downloadCompleted: _ = try downloadCompleted()
        case .verificationFinished:
            _ = try verificationFinished(
                sha256: variant == 0 ? AgentUpgradeMachineTests.digest : AgentUpgradeMachineTests.otherDigest)
        case .installPermitted: _ = try installPermitted()
        case .installerSucceeded: _ = try installerSucceeded()
        case .installerFailed: _ = try installerFailed()
        case .heartbeatSucceeded: _ = try heartbeatSucceeded()
        case .heartbeatDeadlinePassed: _ = try heartbeatDeadlinePassed()
        }
    }
}
