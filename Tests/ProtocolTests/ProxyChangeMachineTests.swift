import EACPProtocol
import Testing

@Suite struct ProxyChangeMachineTests {
    typealias Machine = ProxyChangeMachine

    static let proxy = Machine.Setting.proxy(host: "proxy.example.test", port: 3128)

    @Test func heartbeatThroughNewProxyConfirmsIt() throws {
        var machine = Machine(current: .direct)
        #expect(
            try machine.changeRequested(to: Self.proxy, actionID: "a1", now: 1_000)
                == .apply(Self.proxy, deadlineMilliseconds: 121_000))
        #expect(machine.currentSetting == Self.proxy)
        #expect(try machine.heartbeatFailed() == .retryHeartbeat(afterMilliseconds: 15_000))
        #expect(try machine.heartbeatSucceeded() == .confirm(actionID: "a1"))
        #expect(machine.stateName == .confirmed)
        #expect(machine.currentSetting == Self.proxy)
        #expect(try machine.heartbeatFailed() == .none)
        #expect(try machine.heartbeatSucceeded() == .none)
    }

    @Test func missedDeadlineRevertsToPreviousSetting() throws {
        var machine = Machine(current: .direct)
        #expect(
            try machine.changeRequested(to: Self.proxy, actionID: "a1", now: 1_000)
                == .apply(Self.proxy, deadlineMilliseconds: 121_000))
        #expect(try machine.heartbeatFailed() == .retryHeartbeat(afterMilliseconds: 15_000))
        #expect(try machine.deadlinePassed() == .revert(to: .direct, actionID: "a1"))
        #expect(machine.stateName == .reverted)
        #expect(machine.currentSetting == .direct)
        #expect(try machine.heartbeatSucceeded() == .none)
        #expect(try machine.heartbeatFailed() == .none)
        #expect(try machine.restarted() == .none)
    }

    @Test func disablingProxyIsAChangeToDirect() throws {
        var machine = Machine(current: Self.proxy)
        #expect(
            try machine.changeRequested(to: .direct, actionID: "a2", now: 0)
                == .apply(.direct, deadlineMilliseconds: 120_000))
        #expect(try machine.deadlinePassed() == .revert(to: Self.proxy, actionID: "a2"))
        #expect(
            try machine.changeRequested(to: .direct, actionID: "a3", now: 500_000)
                == .apply(.direct, deadlineMilliseconds: 620_000))
        #expect(try machine.heartbeatSucceeded() == .confirm(actionID: "a3"))
        #expect(machine.currentSetting == .direct)
    }

    @Test func restartKeepsOriginalDeadline() throws {
        var machine = Machine(current: .direct)
        #expect(try machine.restarted() == .none)
        _ = try machine.changeRequested(to: Self.proxy, actionID: "a1", now: 1_000)
        #expect(try machine.restarted() == .apply(Self.proxy, deadlineMilliseconds: 121_000))
        #expect(try machine.restarted() == .apply(Self.proxy, deadlineMilliseconds: 121_000))
        #expect(machine.stateName == .applied)
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
        case .restarted: _ = try restarted()
        }
    }
}
