import EACPProtocol
import Testing

@Suite struct PushConnectionMachineTests {
    typealias Machine = PushConnectionMachine

    @Test func connectsUpgradesAndPings() throws {
        var machine = Machine()
        #expect(machine.stateName == .disconnected)
        #expect(try machine.start() == .connect)
        #expect(try machine.connected() == .startUpgrade)
        #expect(machine.stateName == .upgrading)
        #expect(try machine.upgradeCompleted() == .startPingTimer(intervalMilliseconds: 30_000))
        #expect(machine.stateName == .open)
        #expect(try machine.pingTimerFired() == .sendPing)
        #expect(try machine.pongReceived() == .none)
        #expect(try machine.pingTimerFired() == .sendPing)
        #expect(try machine.pongReceived() == .none)
        #expect(machine.stateName == .open)
    }

    @Test func defaultsMatchSpecification() {
        let configuration = Machine.Configuration()
        #expect(configuration.pingIntervalMilliseconds == 30_000)
        #expect(configuration.missedPongLimit == 3)
        #expect(configuration.initialBackoffMilliseconds == 1_000)
        #expect(configuration.maximumBackoffMilliseconds == 300_000)
    }

    @Test func thirdMissedPongClosesWithGoingAway() throws {
        var machine = try Self.open()
        #expect(try machine.pingTimerFired() == .sendPing)
        #expect(machine.missedPongCount == 0)
        #expect(try machine.pingTimerFired() == .sendPing)  // first pong missed
        #expect(machine.missedPongCount == 1)
        #expect(try machine.pingTimerFired() == .sendPing)  // second pong missed
        #expect(machine.missedPongCount == 2)
        #expect(machine.stateName == .open)
        #expect(try machine.pingTimerFired() == .closeUnresponsive(closeCode: 1001))  // third pong missed
        #expect(machine.stateName == .halfOpen)
        #expect(machine.missedPongCount == 0)
        #expect(try machine.pongReceived() == .none)  // too late
        #expect(try machine.pingTimerFired() == .none)
        #expect(try machine.closeReceived() == .none)
        #expect(try machine.connectionClosed(jitter: 0) == .scheduleReconnect(delayMilliseconds: 500))
        #expect(machine.stateName == .backoff)
        #expect(try machine.reconnectTimerFired() == .connect)
        #expect(machine.stateName == .connecting)
    }

    @Test func pongResetsMissedCount() throws {
        var machine = try Self.open()
        #expect(try machine.pingTimerFired() == .sendPing)
        #expect(try machine.pingTimerFired() == .sendPing)  // one missed
        #expect(try machine.pongReceived() == .none)
        #expect(try machine.pingTimerFired() == .sendPing)
        #expect(try machine.pingTimerFired() == .sendPing)  // one missed again, not two
        #expect(try machine.pingTimerFired() == .sendPing)  // two missed
        #expect(machine.stateName == .open)
        #expect(machine.missedPongCount == 2)
    }

    @Test func configuredMissedPongLimitIsUsed() throws {
        var configuration = Machine.Configuration()
        configuration.missedPongLimit = 1
        var machine = Machine(configuration: configuration)
        _ = try machine.start()
        _ = try machine.connected()
        _ = try machine.upgradeCompleted()
        #expect(try machine.pingTimerFired() == .sendPing)
        #expect(try machine.pingTimerFired() == .closeUnresponsive(closeCode: 1001))
        #expect(machine.stateName == .halfOpen)
    }

    @Test func failedAttemptsBackOffExponentially() throws {
        var machine = Machine()
        #expect(try machine.start() == .connect)
        #expect(try machine.connectionClosed(jitter: 1) == .scheduleReconnect(delayMilliseconds: 1_000))
        #expect(machine.consecutiveFailures == 1)
        #expect(try machine.reconnectTimerFired() == .connect)
        #expect(try machine.connected() == .startUpgrade)
        #expect(try machine.connectionClosed(jitter: 1) == .scheduleReconnect(delayMilliseconds: 2_000))
        #expect(try machine.reconnectTimerFired() == .connect)
        #expect(try machine.connectionClosed(jitter: 0.5) == .scheduleReconnect(delayMilliseconds: 3_000))
        #expect(machine.consecutiveFailures == 3)
        #expect(try machine.reconnectTimerFired() == .connect)
        #expect(try machine.connected() == .startUpgrade)
        #expect(try machine.upgradeCompleted() == .startPingTimer(intervalMilliseconds: 30_000))
        #expect(machine.consecutiveFailures == 0)
        #expect(try machine.connectionClosed(jitter: 0) == .scheduleReconnect(delayMilliseconds: 500))
    }

    @Test(
        arguments: [
            (1, 0.0, 500),
            (1, 1.0, 1_000),
            (2, 0.0, 1_000),
            (2, 0.25, 1_250),
            (3, 1.0, 4_000),
            (9, 1.0, 256_000),
            (10, 0.0, 150_000),
            (10, 1.0, 300_000),
            (1_000, 1.0, 300_000),
            (Int.max, 0.5, 225_000),
            (0, 1.0, 1_000),
            (1, -3.0, 500),
            (1, 7.0, 1_000),
        ] as [(Int, Double, Int64)])
    func backoffDelayDoublesUpToMaximum(failures: Int, jitter: Double, delay: Int64) {
        #expect(Machine.backoffDelay(failures: failures, jitter: jitter, configuration: .init()) == delay)
    }

    @Test func serverCloseIsAnsweredAndReconnects() throws {
        var machine = try Self.open()
        #expect(try machine.closeReceived() == .sendCloseFrame(timeoutMilliseconds: 5_000))
        #expect(machine.stateName == .closing)
        #expect(try machine.pongReceived() == .none)
        #expect(try machine.pingTimerFired() == .none)
        #expect(try machine.closeReceived() == .none)
        #expect(try machine.connectionClosed(jitter: 0) == .scheduleReconnect(delayMilliseconds: 500))
        #expect(machine.stateName == .backoff)
    }

    @Test func stopFromOpenClosesAndStaysDown() throws {
        var machine = try Self.open()
        #expect(try machine.stop() == .sendCloseFrame(timeoutMilliseconds: 5_000))
        #expect(try machine.closeReceived() == .none)
        #expect(try machine.stop() == .none)
        #expect(try machine.connectionClosed(jitter: 0) == .none)
        #expect(machine.stateName == .disconnected)
    }

    @Test func stopDuringServerCloseCancelsReconnect() throws {
        var machine = try Self.open()
        #expect(try machine.closeReceived() == .sendCloseFrame(timeoutMilliseconds: 5_000))
        #expect(try machine.stop() == .none)
        #expect(try machine.connectionClosed(jitter: 0) == .none)
        #expect(machine.stateName == .disconnected)
    }

    @Test func stopWhileConnectingAborts() throws {
        var machine = Machine()
        #expect(try machine.start() == .connect)
        #expect(try machine.stop() == .abortConnection)
        #expect(try machine.connectionClosed(jitter: 0) == .none)
        #expect(machine.stateName == .disconnected)

        #expect(try machine.start() == .connect)
        #expect(try machine.connected() == .startUpgrade)
        #expect(try machine.stop() == .abortConnection)
        #expect(machine.stateName == .closing)
    }

    @Test func stopWhenHalfOpenOrBackingOff() throws {
        var machine = try Self.halfOpen()
        #expect(try machine.stop() == .none)
        #expect(try machine.connectionClosed(jitter: 0) == .none)
        #expect(machine.stateName == .disconnected)

        #expect(try machine.start() == .connect)
        #expect(try machine.connectionClosed(jitter: 0) == .scheduleReconnect(delayMilliseconds: 500))
        #expect(try machine.stop() == .cancelReconnect)
        #expect(machine.stateName == .disconnected)
    }

    @Test func socketLossWhileOpenReconnects() throws {
        var machine = try Self.open()
        #expect(try machine.connectionClosed(jitter: 0) == .scheduleReconnect(delayMilliseconds: 500))
        #expect(machine.stateName == .backoff)
    }

    @Test func forbiddenEventNamesStateAndEvent() throws {
        var machine = Machine()
        let error = Machine.Forbidden(machine: "push connection", state: .disconnected, event: .pongReceived)
        #expect(throws: error) { try machine.pongReceived() }
        #expect(error.description == "push connection: event 'pongReceived' is not allowed in state 'disconnected'")
    }

    @Test func forbiddenEventsThrowInEveryState() throws {
        try checkEveryEventInEveryState(Machine.self)
    }

    @Test func diagramMatchesTransitions() throws {
        try checkDiagram(Machine.self, fileName: "push-connection.md")
    }

    static func open() throws -> Machine {
        var machine = Machine()
        _ = try machine.start()
        _ = try machine.connected()
        _ = try machine.upgradeCompleted()
        return machine
    }

    static func halfOpen() throws -> Machine {
        var machine = try open()
        for _ in 0..<4 {
            _ = try machine.pingTimerFired()
        }
        return machine
    }
}

extension PushConnectionMachine: SweepableMachine {
    static func samples() throws -> [PushConnectionMachine] {
        var disconnected = PushConnectionMachine()
        var connecting = disconnected
        _ = try connecting.start()
        var upgrading = connecting
        _ = try upgrading.connected()
        var open = upgrading
        _ = try open.upgradeCompleted()
        var pongOverdue = open
        for _ in 0..<3 {
            _ = try pongOverdue.pingTimerFired()
        }
        var halfOpen = pongOverdue
        _ = try halfOpen.pingTimerFired()
        var closingToReconnect = open
        _ = try closingToReconnect.closeReceived()
        var closingToStop = open
        _ = try closingToStop.stop()
        var backoff = connecting
        _ = try backoff.connectionClosed(jitter: 0.5)
        _ = disconnected
        disconnected = PushConnectionMachine()
        return [
            disconnected, connecting, upgrading, open, pongOverdue, halfOpen, closingToReconnect, closingToStop,
            backoff,
        ]
    }

    mutating func fire(_ event: EventName, variant: Int) throws(ForbiddenEvent<StateName, EventName>) {
        switch event {
        case .start: _ = try start()
        case .connected: _ = try connected()
        case .upgradeCompleted: _ = try upgradeCompleted()
        case .pingTimerFired: _ = try pingTimerFired()
        case .pongReceived: _ = try pongReceived()
        case .closeReceived: _ = try closeReceived()
        case .stop: _ = try stop()
        case .connectionClosed: _ = try connectionClosed(jitter: 0.5)
        case .reconnectTimerFired: _ = try reconnectTimerFired()
        }
    }
}
