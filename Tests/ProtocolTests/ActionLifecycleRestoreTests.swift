import EACPProtocol
import Testing

/// Restoring an `ActionLifecycleMachine` from what a server stores: the state name and whether the
/// action was sent to the agent.
@Suite struct ActionLifecycleRestoreTests {
    typealias Machine = ActionLifecycleMachine

    @Test func everyReachableMachineRestoresEqual() throws {
        for sample in try Machine.samples() {
            let restored = Machine(restoring: sample.stateName, sentToAgent: sample.sentToAgent)
            #expect(restored == sample, "state \(sample.stateName), sent \(sample.sentToAgent)")
        }
    }

    @Test func everyStateNameRestores() throws {
        for name in Machine.StateName.allCases {
            let restored = try Machine(restoring: name.rawValue, sentToAgent: true)
            #expect(restored.stateName == name)
        }
    }

    @Test func sentToAgentFollowsTheState() throws {
        #expect(!Machine().sentToAgent)
        #expect(Machine(restoring: .pushed, sentToAgent: false).sentToAgent)
        #expect(Machine(restoring: .delivered, sentToAgent: false).sentToAgent)
        #expect(Machine(restoring: .acknowledged, sentToAgent: false).sentToAgent)
        #expect(!Machine(restoring: .queued, sentToAgent: true).sentToAgent)
        #expect(!Machine(restoring: .cancelled, sentToAgent: true).sentToAgent)
        #expect(Machine(restoring: .expired, sentToAgent: true).sentToAgent)
        #expect(!Machine(restoring: .expired, sentToAgent: false).sentToAgent)
    }

    @Test func restoredPushedActionTakesTheNextEvent() throws {
        var machine = Machine(restoring: .pushed, sentToAgent: true)
        #expect(try machine.pushChannelLost() == .deliverByHeartbeat)
        #expect(machine.stateName == .delivered)
    }

    @Test func restoredConfigurationIsKept() throws {
        var configuration = Machine.Configuration()
        configuration.ackTimeoutMilliseconds = 2_500
        var machine = Machine(restoring: .queued, sentToAgent: false, configuration: configuration)
        #expect(try machine.pushChannelAvailable() == .sendPush(ackTimeoutMilliseconds: 2_500))
    }

    @Test func terminalStateSentToAgentAnswersDuplicates() throws {
        var machine = Machine(restoring: .rejected, sentToAgent: true)
        #expect(try machine.acknowledged() == .none)
        #expect(try machine.resultReceived(.succeeded) == .answerDuplicate(stored: .rejected))
        #expect(machine.stateName == .rejected)
    }

    @Test func terminalStateNeverSentForbidsReplies() {
        var machine = Machine(restoring: .expired, sentToAgent: false)
        #expect(throws: Machine.Forbidden.self) { try machine.acknowledged() }
        #expect(throws: Machine.Forbidden.self) { try machine.resultReceived(.succeeded) }
        #expect(machine.stateName == .expired)
    }

    @Test func unknownStateNameIsAnError() {
        let error = #expect(throws: Machine.UnknownStateName.self) {
            try Machine(restoring: "finished", sentToAgent: true)
        }
        #expect(error?.stateName == "finished")
        #expect(
            error?.description
                == "unknown action lifecycle state \"finished\"; expected one of: queued, pushed, delivered, "
                + "acknowledged, succeeded, failed, rejected, expired, cancelled")
    }

    @Test func stateNameIsCaseSensitive() {
        #expect(throws: Machine.UnknownStateName.self) { try Machine(restoring: "Queued", sentToAgent: false) }
        #expect(throws: Machine.UnknownStateName.self) { try Machine(restoring: "", sentToAgent: false) }
    }
}
