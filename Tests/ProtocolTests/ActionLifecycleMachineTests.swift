import EACPProtocol
import Testing

@Suite struct ActionLifecycleMachineTests {
    typealias Machine = ActionLifecycleMachine

    @Test func pushAckAndResult() throws {
        var machine = Machine()
        #expect(machine.isDueForHeartbeat)
        #expect(try machine.pushChannelAvailable() == .sendPush(ackTimeoutMilliseconds: 30_000))
        #expect(!machine.isDueForHeartbeat)
        #expect(try machine.acknowledged() == .startResultTimer(timeoutMilliseconds: 86_400_000))
        #expect(try machine.acknowledged() == .none)  // the same action came again by heartbeat
        #expect(try machine.resultReceived(.succeeded) == .storeOutcome(.succeeded))
        #expect(machine.stateName == .succeeded)
        #expect(try machine.resultReceived(.succeeded) == .answerDuplicate(stored: .succeeded))
        #expect(try machine.resultReceived(.failed) == .answerDuplicate(stored: .succeeded))
        #expect(try machine.acknowledged() == .none)
        #expect(machine.stateName == .succeeded)
    }

    @Test func ackTimeoutFallsBackToHeartbeat() throws {
        var machine = Machine()
        #expect(try machine.pushChannelAvailable() == .sendPush(ackTimeoutMilliseconds: 30_000))
        #expect(try machine.ackTimedOut() == .holdForHeartbeat)
        #expect(machine.isDueForHeartbeat)
        #expect(try machine.deliveredByHeartbeat() == .startResultTimer(timeoutMilliseconds: 86_400_000))
        #expect(machine.stateName == .acknowledged)
        #expect(try machine.resultReceived(.failed) == .storeOutcome(.failed))
        #expect(machine.stateName == .failed)
    }

    @Test func lostPushChannelFallsBackToHeartbeat() throws {
        var machine = Machine()
        #expect(try machine.pushChannelAvailable() == .sendPush(ackTimeoutMilliseconds: 30_000))
        #expect(try machine.pushChannelLost() == .holdForHeartbeat)
        #expect(machine.stateName == .awaitingHeartbeat)
        #expect(try machine.acknowledged() == .startResultTimer(timeoutMilliseconds: 86_400_000))  // late ack
        #expect(try machine.resultReceived(.rejected) == .storeOutcome(.rejected))
    }

    @Test func heartbeatOnlyDelivery() throws {
        var machine = Machine()
        #expect(try machine.deliveredByHeartbeat() == .startResultTimer(timeoutMilliseconds: 86_400_000))
        #expect(try machine.resultReceived(.expired) == .storeOutcome(.expired))
        #expect(machine.stateName == .expired)
    }

    @Test func resultWithoutAckEndsAction() throws {
        var pushed = Machine()
        _ = try pushed.pushChannelAvailable()
        #expect(try pushed.resultReceived(.succeeded) == .storeOutcome(.succeeded))

        var waiting = try Self.awaitingHeartbeat()
        #expect(try waiting.resultReceived(.failed) == .storeOutcome(.failed))
    }

    @Test func resultForUndeliveredActionIsForbidden() throws {
        var machine = Machine()
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .queued, event: .resultReceived)) {
            try machine.resultReceived(.succeeded)
        }
        #expect(try machine.cancelRequested() == .storeOutcome(.cancelled))
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .cancelled, event: .resultReceived)) {
            try machine.resultReceived(.succeeded)
        }
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .cancelled, event: .acknowledged)) {
            try machine.acknowledged()
        }
    }

    @Test func cancelAndExpiryAllowedUntilAck() throws {
        var queued = Machine()
        #expect(try queued.expiryReached() == .storeOutcome(.expired))

        var pushed = Machine()
        _ = try pushed.pushChannelAvailable()
        #expect(try pushed.cancelRequested() == .storeOutcome(.cancelled))
        #expect(try pushed.resultReceived(.succeeded) == .answerDuplicate(stored: .cancelled))

        var pushedThenExpired = Machine()
        _ = try pushedThenExpired.pushChannelAvailable()
        #expect(try pushedThenExpired.expiryReached() == .storeOutcome(.expired))

        var waiting = try Self.awaitingHeartbeat()
        #expect(try waiting.cancelRequested() == .storeOutcome(.cancelled))
        var waitingThenExpired = try Self.awaitingHeartbeat()
        #expect(try waitingThenExpired.expiryReached() == .storeOutcome(.expired))
        #expect(try waitingThenExpired.acknowledged() == .none)
    }

    @Test func cancelAndExpiryForbiddenAfterAck() throws {
        var machine = Machine()
        _ = try machine.deliveredByHeartbeat()
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .acknowledged, event: .cancelRequested)) {
            try machine.cancelRequested()
        }
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .acknowledged, event: .expiryReached)) {
            try machine.expiryReached()
        }
        #expect(machine.stateName == .acknowledged)
    }

    @Test func missingResultFailsAction() throws {
        var machine = Machine()
        _ = try machine.deliveredByHeartbeat()
        #expect(try machine.resultTimedOut() == .storeOutcome(.failed))
        #expect(machine.stateName == .failed)
        #expect(try machine.resultReceived(.succeeded) == .answerDuplicate(stored: .failed))
    }

    @Test func forbiddenEventsThrowInEveryState() throws {
        try checkEveryEventInEveryState(Machine.self)
    }

    @Test func diagramMatchesTransitions() throws {
        try checkDiagram(Machine.self, fileName: "action-lifecycle.md")
    }

    static func awaitingHeartbeat() throws -> Machine {
        var machine = Machine()
        _ = try machine.pushChannelAvailable()
        _ = try machine.ackTimedOut()
        return machine
    }
}

extension ActionLifecycleMachine: SweepableMachine {
    static let reportedOutcomes: [ReportedOutcome] = [.succeeded, .failed, .rejected, .expired]

    static func variantCount(of event: EventName) -> Int {
        event == .resultReceived ? reportedOutcomes.count : 1
    }

    static func samples() throws -> [ActionLifecycleMachine] {
        let queued = ActionLifecycleMachine()
        var pushed = queued
        _ = try pushed.pushChannelAvailable()
        var awaitingHeartbeat = pushed
        _ = try awaitingHeartbeat.ackTimedOut()
        var acknowledged = pushed
        _ = try acknowledged.acknowledged()

        var samples = [queued, pushed, awaitingHeartbeat, acknowledged]
        for outcome in [ReportedOutcome.succeeded, .failed, .rejected, .expired] {
            var finished = acknowledged
            _ = try finished.resultReceived(outcome)
            samples.append(finished)
        }
        var cancelledAfterPush = pushed
        _ = try cancelledAfterPush.cancelRequested()
        var cancelledBeforeSending = queued
        _ = try cancelledBeforeSending.cancelRequested()
        var expiredBeforeSending = queued
        _ = try expiredBeforeSending.expiryReached()
        return samples + [cancelledAfterPush, cancelledBeforeSending, expiredBeforeSending]
    }

    mutating func fire(_ event: EventName, variant: Int) throws(ForbiddenEvent<StateName, EventName>) {
        switch event {
        case .pushChannelAvailable: _ = try pushChannelAvailable()
        case .acknowledged: _ = try acknowledged()
        case .ackTimedOut: _ = try ackTimedOut()
        case .pushChannelLost: _ = try pushChannelLost()
        case .deliveredByHeartbeat: _ = try deliveredByHeartbeat()
        case .resultReceived: _ = try resultReceived(Self.reportedOutcomes[variant])
        case .resultTimedOut: _ = try resultTimedOut()
        case .expiryReached: _ = try expiryReached()
        case .cancelRequested: _ = try cancelRequested()
        }
    }
}
