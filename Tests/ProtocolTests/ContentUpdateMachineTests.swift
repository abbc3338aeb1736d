import EACPProtocol
import Testing

@Suite struct ContentUpdateMachineTests {
    typealias Machine = ContentUpdateMachine

    static let digest5 = [UInt8](repeating: 0x55, count: 32)
    static let digest6 = [UInt8](repeating: 0x66, count: 32)
    static let version5 = try! ValidatedContentVersion(revision: 5, sha256: digest5)
    static let version6 = try! ValidatedContentVersion(revision: 6, sha256: digest6)
    static let offer6 = Machine.Offer(version: version6, sizeBytes: 100)

    @Test func downloadsVerifiesInstallsAndReports() throws {
        var machine = Machine(installedVersion: Self.version5)
        #expect(try machine.offerReceived(Self.offer6) == .scheduleDownload(discardPrevious: false))
        #expect(try machine.offerReceived(Self.offer6) == .none)  // same offer in the next reply
        #expect(try machine.beginDownload() == .requestRange(revision: 6, fromOffset: 0))
        #expect(try machine.bytesReceived(60) == .none)
        #expect(try machine.bytesReceived(40) == .none)
        #expect(try machine.downloadCompleted() == .verify)
        #expect(try machine.offerReceived(Self.offer6) == .none)
        #expect(try machine.verificationFinished(sha256: Self.digest6) == .install(Self.version6))
        #expect(try machine.offerReceived(Self.offer6) == .none)
        #expect(try machine.installSucceeded() == .reportInstalled(Self.version6))
        #expect(machine.installedVersion == Self.version6)
        #expect(try machine.offerReceived(Self.offer6) == .none)  // already installed
        #expect(try machine.reportDelivered() == .none)
        #expect(machine.stateName == .idle)
    }

    @Test func interruptedDownloadResumesFromOffset() throws {
        var machine = try Self.downloading()
        #expect(try machine.bytesReceived(30) == .none)
        #expect(try machine.downloadInterrupted() == .scheduleRetry(delayMilliseconds: 30_000, discardDownload: false))
        #expect(try machine.offerReceived(Self.offer6) == .none)  // retry already pending
        #expect(try machine.retryTimerFired() == .requestRange(revision: 6, fromOffset: 30))
        #expect(try machine.bytesReceived(20) == .none)
        #expect(try machine.downloadCompleted() == .scheduleRetry(delayMilliseconds: 60_000, discardDownload: false))
        #expect(try machine.retryTimerFired() == .requestRange(revision: 6, fromOffset: 50))
        #expect(try machine.bytesReceived(50) == .none)
        #expect(try machine.downloadCompleted() == .verify)
    }

    @Test func digestMismatchDiscardsAndRetries() throws {
        var machine = try Self.downloading()
        #expect(try machine.bytesReceived(100) == .none)
        #expect(try machine.downloadCompleted() == .verify)
        #expect(
            try machine.verificationFinished(sha256: Self.digest5)
                == .scheduleRetry(delayMilliseconds: 30_000, discardDownload: true))
        #expect(try machine.retryTimerFired() == .requestRange(revision: 6, fromOffset: 0))
    }

    @Test func oversizedDownloadDiscardsAndRetries() throws {
        var machine = try Self.downloading()
        #expect(try machine.bytesReceived(90) == .none)
        #expect(try machine.bytesReceived(11) == .scheduleRetry(delayMilliseconds: 30_000, discardDownload: true))
        #expect(try machine.retryTimerFired() == .requestRange(revision: 6, fromOffset: 0))
    }

    @Test func failedInstallDiscardsAndRetries() throws {
        var machine = try Self.downloading()
        #expect(try machine.bytesReceived(100) == .none)
        #expect(try machine.downloadCompleted() == .verify)
        #expect(try machine.verificationFinished(sha256: Self.digest6) == .install(Self.version6))
        #expect(try machine.installFailed() == .scheduleRetry(delayMilliseconds: 30_000, discardDownload: true))
        #expect(machine.installedVersion == Self.version5)
    }

    @Test func givesUpAfterMaximumAttemptsUntilNextOffer() throws {
        var machine = try Self.downloading()
        #expect(try machine.bytesReceived(10) == .none)
        #expect(try machine.downloadInterrupted() == .scheduleRetry(delayMilliseconds: 30_000, discardDownload: false))
        #expect(try machine.retryTimerFired() == .requestRange(revision: 6, fromOffset: 10))
        #expect(try machine.downloadInterrupted() == .scheduleRetry(delayMilliseconds: 60_000, discardDownload: false))
        #expect(try machine.retryTimerFired() == .requestRange(revision: 6, fromOffset: 10))
        #expect(try machine.downloadInterrupted() == .scheduleRetry(delayMilliseconds: 120_000, discardDownload: false))
        #expect(try machine.retryTimerFired() == .requestRange(revision: 6, fromOffset: 10))
        #expect(try machine.downloadInterrupted() == .scheduleRetry(delayMilliseconds: 240_000, discardDownload: false))
        #expect(try machine.retryTimerFired() == .requestRange(revision: 6, fromOffset: 10))
        #expect(try machine.downloadInterrupted() == .giveUp(discardDownload: false))
        #expect(throws: Machine.Forbidden(machine: "content update", state: .failed, event: .retryTimerFired)) {
            try machine.retryTimerFired()
        }
        #expect(try machine.offerReceived(Self.offer6) == .scheduleDownload(discardPrevious: false))
        #expect(try machine.beginDownload() == .requestRange(revision: 6, fromOffset: 10))
    }

    @Test func newerOfferReplacesDownload() throws {
        let version7 = try ValidatedContentVersion(revision: 7, sha256: [UInt8](repeating: 7, count: 32))
        var machine = try Self.downloading()
        #expect(try machine.bytesReceived(10) == .none)
        #expect(
            try machine.offerReceived(.init(version: version7, sizeBytes: 70))
                == .scheduleDownload(discardPrevious: true))
        #expect(try machine.beginDownload() == .requestRange(revision: 7, fromOffset: 0))
    }

    @Test func offerAfterFailureReplacesDownload() throws {
        let version7 = try ValidatedContentVersion(revision: 7, sha256: [UInt8](repeating: 7, count: 32))
        var machine = try Self.downloading()
        #expect(try machine.downloadInterrupted() == .scheduleRetry(delayMilliseconds: 30_000, discardDownload: false))
        #expect(
            try machine.offerReceived(.init(version: version7, sizeBytes: 70))
                == .scheduleDownload(discardPrevious: true))
        #expect(machine.stateName == .offered)
    }

    @Test func ignoresCurrentAndLowerContent() throws {
        let version4 = try ValidatedContentVersion(revision: 4, sha256: [UInt8](repeating: 4, count: 32))
        var machine = Machine(installedVersion: Self.version5)
        #expect(try machine.offerReceived(.init(version: Self.version5, sizeBytes: 100)) == .none)
        #expect(
            try machine.offerReceived(.init(version: version4, sizeBytes: 100))
                == .ignoreOffer(.lowerRevisionWithoutDowngrade))
        #expect(machine.stateName == .idle)
        #expect(
            try machine.offerReceived(.init(version: version4, sizeBytes: 100, downgrade: true))
                == .scheduleDownload(discardPrevious: false))
        #expect(machine.stateName == .offered)
    }

    @Test func ignoresRevisionZeroInEveryState() throws {
        let revisionZero = try ValidatedContentVersion(revision: 0, sha256: [UInt8](repeating: 9, count: 32))
        var empty = Machine(installedVersion: nil)
        #expect(try empty.offerReceived(.init(version: revisionZero, sizeBytes: 10)) == .ignoreOffer(.revisionZero))
        #expect(empty.stateName == .idle)
        for sample in try Machine.samples() {
            var machine = sample
            #expect(
                try machine.offerReceived(.init(version: revisionZero, sizeBytes: 10, downgrade: true))
                    == .ignoreOffer(.revisionZero))
            #expect(machine == sample)
        }
    }

    @Test func lowerOfferKeepsDownloadInProgress() throws {
        let version4 = try ValidatedContentVersion(revision: 4, sha256: [UInt8](repeating: 4, count: 32))
        var machine = try Self.downloading()
        let before = machine
        #expect(
            try machine.offerReceived(.init(version: version4, sizeBytes: 100))
                == .ignoreOffer(.lowerRevisionWithoutDowngrade))
        #expect(machine == before)
    }

    @Test func acceptsAnyContentWhenNoneInstalled() throws {
        var machine = Machine(installedVersion: nil)
        #expect(try machine.offerReceived(Self.offer6) == .scheduleDownload(discardPrevious: false))
    }

    @Test func forbiddenEventsThrowInEveryState() throws {
        try checkEveryEventInEveryState(Machine.self)
    }

    @Test func diagramMatchesTransitions() throws {
        try checkDiagram(Machine.self, fileName: "content-update.md")
    }

    static func downloading() throws -> Machine {
        var machine = Machine(installedVersion: version5)
        _ = try machine.offerReceived(offer6)
        _ = try machine.beginDownload()
        return machine
    }
}

extension ContentUpdateMachine: SweepableMachine {
    static func samples() throws -> [ContentUpdateMachine] {
        let idle = ContentUpdateMachine(installedVersion: ContentUpdateMachineTests.version5)
        var offered = idle
        _ = try offered.offerReceived(ContentUpdateMachineTests.offer6)
        var downloading = offered
        _ = try downloading.beginDownload()
        var complete = downloading
        _ = try complete.bytesReceived(100)
        var verifying = complete
        _ = try verifying.downloadCompleted()
        var installing = verifying
        _ = try installing.verificationFinished(sha256: ContentUpdateMachineTests.digest6)
        var installed = installing
        _ = try installed.installSucceeded()
        var failed = downloading
        _ = try failed.downloadInterrupted()
        var gaveUp = failed
        for _ in 1..<ContentUpdateMachine.Configuration().maximumAttempts {
            _ = try gaveUp.retryTimerFired()
            _ = try gaveUp.downloadInterrupted()
        }
        return [idle, offered, downloading, complete, verifying, installing, installed, failed, gaveUp]
    }

    // Offers for `offerReceived`: the offer in progress, content already installed, a newer one,
    // revision 0, and a lower revision without the downgrade flag.
    static let offers: [Offer] = [
        ContentUpdateMachineTests.offer6,
        Offer(version: ContentUpdateMachineTests.version5, sizeBytes: 100),
        Offer(
            version: try! ValidatedContentVersion(revision: 7, sha256: [UInt8](repeating: 7, count: 32)), sizeBytes: 70),
        Offer(
            version: try! ValidatedContentVersion(revision: 0, sha256: [UInt8](repeating: 0, count: 32)), sizeBytes: 70),
        Offer(
            version: try! ValidatedContentVersion(revision: 4, sha256: [UInt8](repeating: 4, count: 32)), sizeBytes: 70),
    ]

    // Digests for `verificationFinished`: matching, then not matching.
    static let digests = [ContentUpdateMachineTests.digest6, ContentUpdateMachineTests.digest5]

    static func variantCount(of event: EventName) -> Int {
        switch event {
        case .offerReceived: offers.count
        case .verificationFinished: digests.count
        case .bytesReceived: 2
        default: 1
        }
    }

    mutating func fire(_ event: EventName, variant: Int) throws(ForbiddenEvent<StateName, EventName>) {
        switch event {
        case .offerReceived: _ = try offerReceived(Self.offers[variant])
        case .beginDownload: _ = try beginDownload()
        case .bytesReceived: _ = try bytesReceived(variant == 0 ? 10 : 1_000)
        case .downloadInterrupted: _ = try downloadInterrupted()
        case .downloadCompleted: _ = try downloadCompleted()
        case .verificationFinished: _ = try verificationFinished(sha256: Self.digests[variant])
        case .installSucceeded: _ = try installSucceeded()
        case .installFailed: _ = try installFailed()
        case .retryTimerFired: _ = try retryTimerFired()
        case .reportDelivered: _ = try reportDelivered()
        }
    }
}
