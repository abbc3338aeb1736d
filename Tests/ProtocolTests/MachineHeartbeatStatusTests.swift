import EACPProtocol
import Testing

@Suite struct MachineHeartbeatStatusTests {
    @Test func pushChannelStatusFollowsConnection() throws {
        var machine = PushConnectionMachine()
        #expect(machine.reportedStatus == .disconnected)
        _ = try machine.start()
        #expect(machine.reportedStatus == .connecting)
        _ = try machine.connected()
        #expect(machine.reportedStatus == .connecting)
        _ = try machine.upgradeCompleted()
        #expect(machine.reportedStatus == .connected)
        _ = try machine.pingTimerFired()
        #expect(machine.reportedStatus == .connected)  // a ping in flight is not missed yet
        _ = try machine.pingTimerFired()
        #expect(machine.stateName == .open)
        #expect(machine.reportedStatus == .disconnected)  // one ping missed since the last pong
        _ = try machine.pongReceived()
        #expect(machine.reportedStatus == .connected)
        for _ in 0..<4 {
            _ = try machine.pingTimerFired()
        }
        #expect(machine.stateName == .halfOpen)
        #expect(machine.reportedStatus == .disconnected)
        _ = try machine.connectionClosed(jitter: 0)
        #expect(machine.reportedStatus == .disconnected)
    }

    @Test func proxyModeFollowsChange() throws {
        let proxy = ProxyChangeMachine.Setting.proxy(host: "proxy.example.test", port: 3128)
        var machine = ProxyChangeMachine(current: .direct)
        #expect(machine.reportedMode == .direct)
        _ = try machine.changeRequested(to: proxy, actionID: "a1", now: 0)
        #expect(machine.reportedMode == .proxyPending)
        _ = try machine.heartbeatSucceeded()
        #expect(machine.reportedMode == .proxyConfirmed)
        _ = try machine.changeRequested(to: .direct, actionID: "a2", now: 0)
        #expect(machine.reportedMode == .proxyPending)
        _ = try machine.deadlinePassed()
        #expect(machine.reportedMode == .proxyConfirmed)
    }

    @Test func isolationStatusFollowsRules() throws {
        var machine = IsolationMachine(managementEndpoints: [.init(host: "eacp.example.test", port: 443)])
        #expect(machine.reportedStatus == .notIsolated)
        _ = try machine.isolateRequested(actionID: "a1")
        #expect(machine.reportedStatus == .notIsolated)
        _ = try machine.isolationApplied()
        #expect(machine.reportedStatus == .isolated)
        _ = try machine.releaseRequested(actionID: "a2")
        #expect(machine.reportedStatus == .isolated)
        _ = try machine.releaseApplied()
        #expect(machine.reportedStatus == .notIsolated)
    }
}
