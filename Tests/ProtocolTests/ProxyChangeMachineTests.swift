import EACPProtocol
import Testing

@Suite struct ProxyChangeMachineTests {
    typealias Machine = ProxyChangeMachine

    static let proxy = Machine.Setting.proxy(host: "proxy.example.test", port: 3128)

    @Test func heartbeatThroughNewProxyConfirmsIt() throws {
        var machine = Machine(current: .direct)
        #expect(
            try machine.changeRequested(to: Self.proxy, actionID: "a1", now: 1_000)
                == .apply(Self.proxy, deadlineMilliseconds: 301_000))
        #expect(machine.currentSetting == Self.proxy)
        #expect(try machine.heartbeatFailed() == .retryHeartbeat(afterMilliseconds: 10_000))
        #expect(try machine.heartbeatSucceeded() == .confirm(actionID: "a1"))
        #expect(machine.stateName == .confirmed)
        #expect(machine.currentSetting == Self.proxy)
        #expect(try machine.heartbeatFailed() == .none)
        #expect(try machine.heartbeatSucceeded() == .none)
    }

    @Test func defaultsMatchSpecification() {
        let configuration = Machine.Configuration()
        #expect(configuration.defaultConfirmTimeoutMilliseconds == 300_000)
        #expect(configuration.heartbeatRetryMilliseconds == 10_000)
        #expect(Machine.confirmTimeoutRange == 1_000...3_600_000)
    }

    @Test(
        arguments: [
            (0, 300_000),
            (1_000, 1_000),
            (45_000, 45_000),
            (3_600_000, 3_600_000),
            (1, 1_000),
            (999, 1_000),
            (3_600_001, 3_600_000),
            (-5, 1_000),
        ] as [(Int64, Int64)])
    func actionTimeoutSetsDeadline(confirmTimeout: Int64, expectedTimeout: Int64) throws {
        var machine = Machine(current: .direct)
        #expect(
            try machine.changeRequested(
                to: Self.proxy, confirmTimeoutMilliseconds: confirmTimeout, actionID: "a1", now: 2_000)
                == .apply(Self.proxy, deadlineMilliseconds: 2_000 + expectedTimeout))
    }

    @Test func missedDeadlineRevertsToPreviousSetting() throws {
        var machine = Machine(current: .direct)
        #expect(
            try machine.changeRequested(to: Self.proxy, confirmTimeoutMilliseconds: 120_000, actionID: "a1", now: 1_000)
                == .apply(Self.proxy, deadlineMilliseconds: 121_000))
        #expect(try machine.heartbeatFailed() == .retryHeartbeat(afterMilliseconds: 10_000))
        #expect(try machine.deadlinePassed() == .revert(to: .direct, actionID: "a1"))
        #expect(machine.stateName == .reverted)
        #expect(machine.currentSetting == .direct)
        #expect(try machine.heartbeatSucceeded() == .none)
        #expect(try machine.heartbeatFailed() == .none)
        #expect(try machine.restarted(now: 500_000) == .none)
    }

    @Test func disablingProxyIsAChangeToDirect() throws {
        var machine = Machine(current: Self.proxy)
        #expect(
            try machine.changeRequested(to: .direct, actionID: "a2", now: 0)
                == .apply(.direct, deadlineMilliseconds: 300_000))
        #expect(try machine.deadlinePassed() == .revert(to: Self.proxy, actionID: "a2"))
        #expect(
            try machine.changeRequested(to: .direct, actionID: "a3", now: 500_000)
                == .apply(.direct, deadlineMilliseconds: 800_000))
        #expect(try machine.heartbeatSucceeded() == .confirm(actionID: "a3"))
        #expect(machine.currentSetting == .direct)
    }

    @Test func restartKeepsOriginalDeadline() throws {
        var machine = Machine(current: .direct)
        #expect(try machine.restarted(now: 0) == .none)
        _ = try machine.changeRequested(to: Self.proxy, actionID: "a1", now: 1_000)
        #expect(try machine.restarted(now: 2_000) == .apply(Self.proxy, deadlineMilliseconds: 301_000))
        #expect(try machine.restarted(now: 300_999) == .apply(Self.proxy, deadlineMilliseconds: 301_000))
        #expect(machine.stateName == .applied)
    }

    @Test func restartAfterDeadlineRevertsBeforeAnyRequest() throws {
        var machine = Machine(current: .direct)
        _ = try machine.changeRequested(to: Self.proxy, actionID: "a1", now: 1_000)
        #expect(try machine.restarted(now: 301_000) == .revert(to: .direct, actionID: "a1"))
        #expect(machine.stateName == .reverted)
        #expect(machine.currentSetting == .direct)
        #expect(throws: Machine.Forbidden(machine: "proxy change", state: .reverted, event: .deadlinePassed)) {
            try machine.deadlinePassed()
        }
    }

    @Test func secondChangeWhilePendingIsForbidden() throws {
        var machine = Machine(current: .direct)
        _ = try machine.changeRequested(to: Self.proxy, actionID: "a1", now: 1_000)
        #expect(throws: Machine.Forbidden(machine: "proxy change", state: .applied, event: .changeRequested)) {
            try machine.changeRequested(to: .direct, actionID: "a2", now: 2_000)
        }
        #expect(machine.currentSetting == Self.proxy)
    }

    @Test func forbiddenEventsThrowInEveryState() throws {
        try checkEveryEventInEveryState(Machine.self)
    }

    @Test func diagramMatchesTransitions() throws {
        try checkDiagram(Machine.self, fileName: "proxy-change.md")
    }
}

extension ProxyChangeMachine: SweepableMachine {
    /// Restart times for `restarted`: before the deadline of the sample's change, and after it.
    static let restartTimes: [Int64] = [10, 10_000_000]

    static func variantCount(of event: EventName) -> Int {
        event == .restarted ? restartTimes.count : 1
    }

    static func samples() throws -> [ProxyChangeMachine] {
        let confirmed = ProxyChangeMachine(current: .direct)
        var applied = confirmed
        _ = try applied.changeRequested(to: ProxyChangeMachineTests.proxy, actionID: "a1", now: 0)
        var reverted = applied
        _ = try reverted.deadlinePassed()
        return [confirmed, applied, reverted]
    }

    mutating func fire(_ event: EventName, variant: Int) throws(ForbiddenEvent<StateName, EventName>) {
        switch event {
        case .changeRequested: _ = try changeRequested(to: ProxyChangeMachineTests.proxy, actionID: "a2", now: 10)
        case .heartbeatSucceeded: _ = try heartbeatSucceeded()
        case .heartbeatFailed: _ = try heartbeatFailed()
        case .deadlinePassed: _ = try deadlinePassed()
        case .restarted: _ = try restarted(now: Self.restartTimes[variant])
        }
    }
}
