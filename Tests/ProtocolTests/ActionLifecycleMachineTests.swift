import EACPProtocol
import Testing

@Suite struct ActionLifecycleMachineTests {
    typealias Machine = ActionLifecycleMachine

    @Test func pushAckAndResult() throws {
        var machine = Machine()
        #expect(machine.isDueForHeartbeat)
        #expect(try machine.pushChannelAvailable() == .sendPush(ackTimeoutMilliseconds: 10_000))
        #expect(machine.isDueForHeartbeat)  // a pushed action rides in heartbeat replies until acknowledged
        #expect(try machine.acknowledged() == .startResultTimer(timeoutMilliseconds: 86_400_000))
        #expect(!machine.isDueForHeartbeat)
        #expect(try machine.acknowledged() == .none)  // the agent acknowledged a heartbeat copy as well
        #expect(try machine.resultReceived(.succeeded) == .storeOutcome(.succeeded))
        #expect(machine.stateName == .succeeded)
        #expect(try machine.resultReceived(.succeeded) == .answerDuplicate(stored: .succeeded))
        #expect(try machine.resultReceived(.failed) == .answerDuplicate(stored: .succeeded))
        #expect(try machine.acknowledged() == .none)
        #expect(machine.stateName == .succeeded)
        #expect(!machine.isDueForHeartbeat)
    }

    @Test func defaultsMatchSpecification() {
        let configuration = Machine.Configuration()
        #expect(configuration.ackTimeoutMilliseconds == 10_000)
        #expect(configuration.resultTimeoutMilliseconds == 86_400_000)
    }

    @Test func pushedActionStaysPushedInHeartbeatReply() throws {
        var machine = Machine()
        _ = try machine.pushChannelAvailable()
        #expect(try machine.sentInHeartbeatReply() == .none)
        #expect(machine.stateName == .pushed)
        #expect(try machine.ackTimedOut() == .deliverByHeartbeat)
        #expect(machine.stateName == .delivered)
    }

    @Test func ackTimeoutLeavesActionToHeartbeats() throws {
        var machine = Machine()
        #expect(try machine.pushChannelAvailable() == .sendPush(ackTimeoutMilliseconds: 10_000))
        #expect(try machine.ackTimedOut() == .deliverByHeartbeat)
        #expect(machine.stateName == .delivered)
        #expect(machine.isDueForHeartbeat)
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .delivered, event: .pushChannelAvailable))
        {
            try machine.pushChannelAvailable()
        }
        #expect(try machine.sentInHeartbeatReply() == .none)
        #expect(machine.stateName == .delivered)
        #expect(try machine.acknowledged() == .startResultTimer(timeoutMilliseconds: 86_400_000))
        #expect(try machine.resultReceived(.failed) == .storeOutcome(.failed))
        #expect(machine.stateName == .failed)
    }

    @Test func lostChannelNeverLeadsToSecondPush() throws {
        var machine = Machine()
        _ = try machine.pushChannelAvailable()
        #expect(try machine.pushChannelLost() == .deliverByHeartbeat)
        #expect(machine.stateName == .delivered)
        // The channel is back: the action still travels only in heartbeat replies.
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .delivered, event: .pushChannelAvailable))
        {
            try machine.pushChannelAvailable()
        }
        #expect(machine.isDueForHeartbeat)
        #expect(try machine.acknowledged() == .startResultTimer(timeoutMilliseconds: 86_400_000))
        #expect(try machine.resultReceived(.rejected) == .storeOutcome(.rejected))
    }

    @Test func heartbeatReplyIsNoAcknowledgement() throws {
        var machine = Machine()
        #expect(try machine.sentInHeartbeatReply() == .deliverByHeartbeat)
        #expect(machine.stateName == .delivered)
        #expect(machine.isDueForHeartbeat)
        // The reply was lost: the next reply carries the action again.
        #expect(try machine.sentInHeartbeatReply() == .none)
        #expect(machine.stateName == .delivered)
        #expect(machine.isDueForHeartbeat)
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .delivered, event: .resultTimedOut)) {
            try machine.resultTimedOut()
        }
        #expect(try machine.acknowledged() == .startResultTimer(timeoutMilliseconds: 86_400_000))
        #expect(!machine.isDueForHeartbeat)
        #expect(
            throws: Machine.Forbidden(machine: "action lifecycle", state: .acknowledged, event: .sentInHeartbeatReply)
        ) {
            try machine.sentInHeartbeatReply()
        }
        #expect(try machine.resultReceived(.expired) == .storeOutcome(.expired))
        #expect(machine.stateName == .expired)
    }

    @Test func resultWithoutAckEndsAction() throws {
        var pushed = Machine()
        _ = try pushed.pushChannelAvailable()
        #expect(try pushed.resultReceived(.succeeded) == .storeOutcome(.succeeded))
        #expect(try pushed.acknowledged() == .none)

        var delivered = Machine()
        _ = try delivered.sentInHeartbeatReply()
        #expect(try delivered.resultReceived(.failed) == .storeOutcome(.failed))
        #expect(!delivered.isDueForHeartbeat)
    }

    @Test func resultForUnsentActionIsForbidden() throws {
        var machine = Machine()
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .queued, event: .resultReceived)) {
            try machine.resultReceived(.succeeded)
        }
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .queued, event: .acknowledged)) {
            try machine.acknowledged()
        }
        #expect(try machine.cancelRequested() == .storeOutcome(.cancelled))
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .cancelled, event: .resultReceived)) {
            try machine.resultReceived(.succeeded)
        }
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .cancelled, event: .acknowledged)) {
            try machine.acknowledged()
        }
        #expect(!machine.isDueForHeartbeat)
    }

    @Test func queuedActionEndsWithoutDelivery() throws {
        var cancelled = Machine()
        #expect(try cancelled.cancelRequested() == .storeOutcome(.cancelled))
        #expect(cancelled.stateName == .cancelled)

        var expired = Machine()
        #expect(try expired.expiryReached() == .storeOutcome(.expired))
        #expect(expired.stateName == .expired)
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .expired, event: .resultReceived)) {
            try expired.resultReceived(.expired)
        }

        var rejected = Machine()
        #expect(try rejected.agentVersionTooOld() == .storeOutcome(.rejected))
        #expect(rejected.stateName == .rejected)
        #expect(!rejected.isDueForHeartbeat)
        #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: .rejected, event: .acknowledged)) {
            try rejected.acknowledged()
        }
    }

    @Test func cancelAndExpiryForbiddenOnceSent() throws {
        for sent in try [Self.pushed(), Self.delivered(), Self.acknowledged()] {
            var machine = sent
            let state = machine.stateName
            #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: state, event: .cancelRequested)) {
                try machine.cancelRequested()
            }
            #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: state, event: .expiryReached)) {
                try machine.expiryReached()
            }
            #expect(throws: Machine.Forbidden(machine: "action lifecycle", state: state, event: .agentVersionTooOld)) {
                try machine.agentVersionTooOld()
            }
            #expect(machine == sent)
        }
    }

    @Test func missingResultFailsAction() throws {
        var machine = try Self.acknowledged()
        #expect(try machine.resultTimedOut() == .storeOutcome(.failed))
        #expect(machine.stateName == .failed)
        #expect(try machine.resultReceived(.succeeded) == .answerDuplicate(stored: .failed))
    }

    @Test func abandonedDeliveryExpires() throws {
        var machine = try Self.delivered()
        #expect(try machine.deliveryAbandoned() == .storeOutcome(.expired))
        #expect(machine.stateName == .expired)
        #expect(!machine.isDueForHeartbeat)
        #expect(try machine.acknowledged() == .none)
        #expect(try machine.resultReceived(.succeeded) == .answerDuplicate(stored: .expired))
    }

    @Test func configuredAckTimeoutIsUsed() throws {
        var configuration = Machine.Configuration()
        configuration.ackTimeoutMilliseconds = 2_500
        configuration.resultTimeoutMilliseconds = 60_000
        var machine = Machine(configuration: configuration)
        #expect(try machine.pushChannelAvailable() == .sendPush(ackTimeoutMilliseconds: 2_500))
        #expect(try machine.acknowledged() == .startResultTimer(timeoutMilliseconds: 60_000))
    }

    @Test func forbiddenEventsThrowInEveryState() throws {
        try checkEveryEventInEveryState(Machine.self)
    }

    @Test func diagramMatchesTransitions() throws {
        try checkDiagram(Machine.self, fileName: "action-lifecycle.md")
    }

    static func pushed() throws -> Machine {
        var machine = Machine()
        _ = try machine.pushChannelAvailable()
        return machine
    }

    static func delivered() throws -> Machine {
        var machine = Machine()
        _ = try machine.sentInHeartbeatReply()
        return machine
    }

    static func acknowledged() throws -> Machine {
        var machine = try pushed()
        _ = try machine.acknowledged()
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
        var deliveredAfterPush = pushed
        _ = try deliveredAfterPush.ackTimedOut()
        var deliveredByHeartbeat = queued
        _ = try deliveredByHeartbeat.sentInHeartbeatReply()
        var acknowledged = pushed
        _ = try acknowledged.acknowledged()

        var samples = [queued, pushed, deliveredAfterPush, deliveredByHeartbeat, acknowledged]
        for outcome in reportedOutcomes {
            var finished = acknowledged
            _ = try finished.resultReceived(outcome)
            samples.append(finished)
        }
        var cancelled = queued
        _ = try cancelled.cancelRequested()
        var expiredBeforeSending = queued
        _ = try expiredBeforeSending.expiryReached()
        var rejectedBeforeSending = queued
        _ = try rejectedBeforeSending.agentVersionTooOld()
        return samples + [cancelled, expiredBeforeSending, rejectedBeforeSending]
    }

    mutating func fire(_ event: EventName, variant: Int) throws(ForbiddenEvent<StateName, EventName>) {
        switch event {
        case .pushChannelAvailable: _ = try pushChannelAvailable()
        case .acknowledged: _ = try acknowledged()
        case .ackTimedOut: _ = try ackTimedOut()
        case .pushChannelLost: _ = try pushChannelLost()
        case .sentInHeartbeatReply: _ = try sentInHeartbeatReply()
        case .resultReceived: _ = try resultReceived(Self.reportedOutcomes[variant])
        case .resultTimedOut: _ = try resultTimedOut()
        case .deliveryAbandoned: _ = try deliveryAbandoned()
        case .agentVersionTooOld: _ = try agentVersionTooOld()
        case .expiryReached: _ = try expiryReached()
        case .cancelRequested: _ = try cancelRequested()
        }
    }
}
