import EACPProtocol
import Testing
@testable import ReferenceServer

/// Delivery decides each step with `ActionLifecycleMachine`: the stored columns read back as the
/// machine's states, and the one-statement store writes match what the machine does to each action.
@Suite struct DeliveryLifecycleTests {
    let folder: StorageTestFolder
    let store: SQLiteServerStore

    init() throws {
        folder = try StorageTestFolder()
        store = try makeServerStore(in: folder, agents: ["a"])
    }

    private func insert(_ actionID: String, expires: Int64 = 10_000) throws -> ActionRecord {
        try store.insertAction(
            NewAction(
                actionID: actionID, agentID: "a", kind: 5, parameters: [], createdUnixMs: 100,
                expiresUnixMs: expires))
    }

    private func stored(_ actionID: String) throws -> ActionRecord {
        try #require(try store.action(id: actionID))
    }

    private func finish(_ actionID: String, from states: Set<ActionState>, terminalState: ActionTerminalState,
                        acknowledged: Int64?) throws {
        let outcome = ActionOutcome(terminalState: terminalState.rawValue, finishedUnixMs: 700)
        let update = ActionUpdate(state: .finished, acknowledgedUnixMs: acknowledged, outcome: outcome)
        #expect(try store.updateAction(id: actionID, expectedStates: states, update: update))
    }

    @Test func storedColumnsNameMachineStates() throws {
        _ = try insert("q")
        #expect(try stored("q").lifecycleStateName == "queued")
        #expect(try stored("q").sentToAgent == false)

        _ = try store.updateAction(id: "q", expectedStates: [.queued], update: ActionUpdate(state: .pushed))
        #expect(try stored("q").lifecycleStateName == "pushed")
        #expect(try stored("q").sentToAgent == true)

        _ = try store.updateAction(id: "q", expectedStates: [.pushed], update: ActionUpdate(state: .delivered))
        #expect(try stored("q").lifecycleStateName == "delivered")

        _ = try store.acknowledgeAction(id: "q", deliveryPath: .push, acknowledgedUnixMs: 600)
        #expect(try stored("q").lifecycleStateName == "acknowledged")

        try finish("q", from: [.delivered], terminalState: .succeeded, acknowledged: nil)
        #expect(try stored("q").lifecycleStateName == "succeeded")
        #expect(try stored("q").sentToAgent == true)
    }

    @Test func serverEndingsAreNotSent() throws {
        _ = try insert("c")
        try finish("c", from: [.queued], terminalState: .cancelled, acknowledged: nil)
        let record = try stored("c")
        #expect(record.lifecycleStateName == "cancelled")
        #expect(record.sentToAgent == false)

        var machine = try ActionLifecycleMachine(restoring: record.lifecycleStateName, sentToAgent: record.sentToAgent)
        #expect(throws: ActionLifecycleMachine.Forbidden.self) { try machine.resultReceived(.succeeded) }
    }

    @Test func unknownTerminalStateIsNoMachineState() throws {
        _ = try insert("u")
        let outcome = ActionOutcome(terminalState: 99, finishedUnixMs: 700)
        _ = try store.updateAction(id: "u", expectedStates: [.queued], update: ActionUpdate(state: .finished, outcome: outcome))
        let record = try stored("u")
        #expect(record.lifecycleStateName == "finished")
        #expect(throws: ActionLifecycleMachine.UnknownStateName.self) {
            try ActionLifecycleMachine(restoring: record.lifecycleStateName, sentToAgent: false)
        }
    }

    @Test func everyMachineStateHasAStoredState() {
        let expected: [ActionLifecycleMachine.StateName: ActionState] = [
            .queued: .queued, .pushed: .pushed, .delivered: .delivered, .acknowledged: .delivered,
            .succeeded: .finished, .failed: .finished, .rejected: .finished, .expired: .finished,
            .cancelled: .finished,
        ]
        for name in ActionLifecycleMachine.StateName.allCases {
            #expect(ActionState(lifecycle: name) == expected[name], "\(name)")
        }
    }

    @Test func restartRecoveryMatchesPushChannelLost() throws {
        _ = try insert("p")
        _ = try store.updateAction(id: "p", expectedStates: [.queued], update: ActionUpdate(state: .pushed))
        var machine = ActionLifecycleMachine(restoring: .pushed, sentToAgent: true)
        #expect(try machine.pushChannelLost() == .deliverByHeartbeat)

        #expect(try store.deliverPushedActions(agentID: nil) == 1)

        #expect(try stored("p").lifecycleStateName == machine.stateName.rawValue)
    }

    @Test func expirySweepMatchesExpiryReached() throws {
        _ = try insert("e", expires: 500)
        var machine = ActionLifecycleMachine()
        #expect(try machine.expiryReached() == .storeOutcome(.expired))

        let expired = try store.expireActions(nowUnixMs: 500, expiredTerminalState: ActionTerminalState.expired.rawValue)

        let record = try #require(expired.first)
        #expect(record.lifecycleStateName == machine.stateName.rawValue)
        #expect(record.sentToAgent == machine.sentToAgent)
    }
}

/// Acknowledgements and results that the machine forbids, over HTTP.
@Suite(.serialized)
struct DeliveryForbiddenReplyTests {
    private func result(_ actionID: String, state: ActionTerminalState) -> ActionResult {
        var result = ActionResult()
        result.actionId = actionID
        result.kind = .cancelIsolation
        result.state = state
        return result
    }

    @Test func ackOfUnsentActionIsNotFound() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")

        #expect(try await agent.ack(actionID) == 404)

        #expect(try await harness.endpoint.action(actionID)["state"] as? String == "queued")
        #expect(try await agent.heartbeat().pendingActions.map(\.actionId) == [actionID])
        await harness.stop()
    }

    @Test func resultForCancelledActionIsNotFound() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")
        #expect(try await harness.admin(.post, "/admin/v1/actions/\(actionID)/cancel").status == 200)

        let response = try await agent.post("/eacp/v1/actions/result", result(actionID, state: .succeeded))

        #expect(response.status.code == 404)
        #expect(try await harness.endpoint.action(actionID)["state"] as? String == "cancelled")
        await harness.stop()
    }

    @Test func agentCannotReportCancelled() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")
        _ = try await agent.heartbeat()

        let response = try await agent.post("/eacp/v1/actions/result", result(actionID, state: .cancelled))

        #expect(response.status.code == 400)
        let reply = try ErrorReply(wireBytes: response.body)
        #expect(reply.message == "the result of \(actionID) reports cancelled, which only the server may set")
        #expect(try await harness.endpoint.action(actionID)["state"] as? String == "delivered")
        await harness.stop()
    }

    @Test func cancelOfDeliveredActionNamesState() async throws {
        let harness = try await ServerTestHarness()
        let agent = try await harness.enrollAgent()
        let actionID = try await harness.endpoint.queueAction(for: agent, kind: "cancel-isolation")
        _ = try await agent.heartbeat()

        let response = try await harness.admin(.post, "/admin/v1/actions/\(actionID)/cancel")

        #expect(response.status == 409)
        #expect(response.body["error"] as? String == "action \(actionID) is delivered and can no longer be cancelled")
        await harness.stop()
    }
}
