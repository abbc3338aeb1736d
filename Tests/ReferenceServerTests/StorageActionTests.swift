import ReferenceServer
import Testing

@Suite struct StorageActionTests {
    let folder: StorageTestFolder
    let store: SQLiteServerStore

    init() throws {
        folder = try StorageTestFolder()
        store = try makeServerStore(in: folder, agents: ["a", "b"])
    }

    private func newAction(_ actionID: String, agent: String = "a", expires: Int64 = 10_000) -> NewAction {
        NewAction(
            actionID: actionID, agentID: agent, kind: 3, parameters: [0x0A, 0x01, 0x41], createdUnixMs: 100,
            notBeforeUnixMs: 0, expiresUnixMs: expires, minimumAgentVersion: "1.1")
    }

    @Test func sequenceCountsPerAgentFromOne() throws {
        let first = try store.insertAction(newAction("x1"))
        let second = try store.insertAction(newAction("x2"))
        let other = try store.insertAction(newAction("y1", agent: "b"))
        #expect(first.sequenceNumber == 1)
        #expect(second.sequenceNumber == 2)
        #expect(other.sequenceNumber == 1)
        #expect(first.state == .queued)
    }

    @Test func insertedActionReadsBackUnchanged() throws {
        let inserted = try store.insertAction(newAction("x1"))
        #expect(try store.action(id: "x1") == inserted)
        #expect(inserted.action == newAction("x1"))
        #expect(inserted.pushAttempts == 0)
        #expect(inserted.outcome == nil)
    }

    @Test func duplicateActionIdIsAConflict() throws {
        _ = try store.insertAction(newAction("x1"))
        let error = try #require(throws: ServerStoreError.self) { try store.insertAction(newAction("x1", agent: "b")) }
        #expect(error.code == .conflict)
        // The failed insert rolled back its sequence number too.
        #expect(try store.insertAction(newAction("y1", agent: "b")).sequenceNumber == 1)
    }

    @Test func actionForUnknownAgentIsNotFound() throws {
        let error = try #require(throws: ServerStoreError.self) { try store.insertAction(newAction("x1", agent: "ghost")) }
        #expect(error.code == .notFound)
        #expect(error.message == "agent ghost not found")
    }

    @Test func listingKeepsCreationOrder() throws {
        for index in 1...4 {
            _ = try store.insertAction(newAction("x\(index)"))
        }
        _ = try store.updateAction(id: "x2", expectedStates: [.queued], update: ActionUpdate(state: .pushed, pushedUnixMs: 5))

        let queued = try store.actions(agentID: "a", states: [.queued], limit: 10)
        let open = try store.actions(agentID: "a", states: [.queued, .pushed], limit: 3)
        #expect(queued.map(\.action.actionID) == ["x1", "x3", "x4"])
        #expect(open.map(\.action.actionID) == ["x1", "x2", "x3"])
        #expect(try store.actions(agentID: "a", states: [], limit: 10) == [])
    }

    @Test func pushThenAckThenResult() throws {
        _ = try store.insertAction(newAction("x1"))
        let pushed = ActionUpdate(state: .pushed, deliveryPath: .push, pushedUnixMs: 200)
        #expect(try store.updateAction(id: "x1", expectedStates: [.queued], update: pushed) == true)
        let acked = ActionUpdate(state: .delivered, acknowledgedUnixMs: 210)
        #expect(try store.updateAction(id: "x1", expectedStates: [.pushed], update: acked) == true)
        let outcome = ActionOutcome(terminalState: 1, result: [9, 9], finishedUnixMs: 300)
        let finished = ActionUpdate(state: .finished, outcome: outcome)
        #expect(try store.updateAction(id: "x1", expectedStates: [.delivered], update: finished) == true)

        let record = try #require(try store.action(id: "x1"))
        #expect(record.state == .finished)
        #expect(record.deliveryPath == .push)
        #expect(record.pushAttempts == 1)
        #expect(record.lastPushUnixMs == 200)
        #expect(record.acknowledgedUnixMs == 210)
        #expect(record.outcome == outcome)
    }

    @Test func compareAndSetRejectsWrongState() throws {
        _ = try store.insertAction(newAction("x1"))
        let update = ActionUpdate(state: .delivered, acknowledgedUnixMs: 1)
        #expect(try store.updateAction(id: "x1", expectedStates: [.pushed], update: update) == false)
        #expect(try store.action(id: "x1")?.state == .queued)
    }

    @Test func twoReplicasCannotBothPushOneAction() throws {
        _ = try store.insertAction(newAction("x1"))
        let replica = try SQLiteServerStore(path: folder.file("server.sqlite"))
        let push = ActionUpdate(state: .pushed, deliveryPath: .push, pushedUnixMs: 50)

        let firstWins = try store.updateAction(id: "x1", expectedStates: [.queued], update: push)
        let secondWins = try replica.updateAction(id: "x1", expectedStates: [.queued], update: push)
        #expect(firstWins == true)
        #expect(secondWins == false)
        #expect(try replica.action(id: "x1")?.pushAttempts == 1)
    }

    @Test func finishedNeedsAnOutcome() throws {
        _ = try store.insertAction(newAction("x1"))
        let error = try #require(throws: ServerStoreError.self) {
            try store.updateAction(id: "x1", expectedStates: [.queued], update: ActionUpdate(state: .finished))
        }
        #expect(error.code == .conflict)
    }

    @Test func updateOfUnknownActionIsNotFound() throws {
        let error = try #require(throws: ServerStoreError.self) {
            try store.updateAction(id: "nope", expectedStates: [.queued], update: ActionUpdate(state: .pushed))
        }
        #expect(error.code == .notFound)
        #expect(error.message == "action nope not found")
    }

    @Test func expiryFinishesOnlyUndeliveredActions() throws {
        _ = try store.insertAction(newAction("x1", expires: 500))
        _ = try store.insertAction(newAction("x2", expires: 500))
        _ = try store.insertAction(newAction("x3", expires: 900))
        _ = try store.updateAction(id: "x2", expectedStates: [.queued], update: ActionUpdate(state: .delivered))

        let expired = try store.expireActions(nowUnixMs: 500, expiredTerminalState: 4)
        #expect(expired.map(\.action.actionID) == ["x1"])
        #expect(expired.first?.outcome?.terminalState == 4)
        #expect(expired.first?.outcome?.finishedUnixMs == 500)
        #expect(try store.action(id: "x2")?.state == .delivered)
        #expect(try store.action(id: "x3")?.state == .queued)
    }
}
