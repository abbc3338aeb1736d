import EACPProtocol
import Testing

@Suite struct IsolationMachineTests {
    typealias Machine = IsolationMachine
    typealias Endpoint = IsolationMachine.Endpoint

    static let server = Endpoint(host: "eacp.example.test", port: 443)
    static let proxy = Endpoint(host: "proxy.example.test", port: 3128)
    static let forensics = Endpoint(host: "forensics.example.test", port: 443)

    @Test func isolatesAndReleases() throws {
        var machine = Machine(managementEndpoints: [Self.server])
        #expect(
            try machine.isolateRequested(actionID: "a1", additionalAllowed: [Self.forensics])
                == .applyIsolation(allowed: [Self.server, Self.forensics]))
        #expect(try machine.isolationApplied() == .reportSucceeded(actionID: "a1"))
        #expect(machine.stateName == .isolated)
        #expect(try machine.releaseRequested(actionID: "a3") == .removeIsolation)
        #expect(try machine.releaseApplied() == .reportSucceeded(actionID: "a3"))
        #expect(machine.stateName == .notIsolated)
        #expect(try machine.releaseRequested(actionID: "a4") == .reportSucceeded(actionID: "a4"))  // not isolated
        #expect(machine.allowedEndpoints == [Self.server])
    }

    @Test func isolatingAgainReplacesAllowedHosts() throws {
        var machine = Machine(managementEndpoints: [Self.server])
        _ = try machine.isolateRequested(actionID: "a1", additionalAllowed: [Self.forensics])
        _ = try machine.isolationApplied()
        #expect(
            try machine.isolateRequested(actionID: "a2", additionalAllowed: [Self.proxy])
                == .replaceAllowedEndpoints([Self.server, Self.proxy], actionID: "a2"))
        #expect(machine.stateName == .isolated)
        #expect(machine.allowedEndpoints == [Self.server, Self.proxy])
        #expect(try machine.isolateRequested(actionID: "a3") == .replaceAllowedEndpoints([Self.server], actionID: "a3"))
        #expect(machine.allowedEndpoints == [Self.server])
        #expect(machine.reportedStatus == .isolated)
    }

    @Test func managementChannelIsAlwaysAllowed() throws {
        var machine = Machine(managementEndpoints: [Self.server])
        #expect(
            try machine.isolateRequested(actionID: "a1", additionalAllowed: [Self.server])
                == .applyIsolation(allowed: [Self.server]))
        #expect(
            try machine.managementEndpointsChanged([Self.server, Self.proxy])
                == .updateAllowedEndpoints([Self.server, Self.proxy]))
        #expect(try machine.isolationApplied() == .reportSucceeded(actionID: "a1"))
        // The server stays allowed because the isolate action listed it too.
        #expect(
            try machine.managementEndpointsChanged([Self.proxy]) == .updateAllowedEndpoints([Self.proxy, Self.server]))
        #expect(try machine.restarted() == .reinstallIsolation(allowed: [Self.proxy, Self.server]))
        #expect(machine.stateName == .isolated)
        #expect(try machine.releaseRequested(actionID: "a2") == .removeIsolation)
        #expect(try machine.managementEndpointsChanged([Self.server]) == .updateAllowedEndpoints([Self.server]))
        #expect(try machine.releaseFailed() == .reportFailed(actionID: "a2"))
        #expect(machine.stateName == .isolated)
        #expect(machine.allowedEndpoints == [Self.server])
    }

    @Test func failedIsolationRemovesPartialRules() throws {
        var machine = Machine(managementEndpoints: [Self.server])
        #expect(
            try machine.isolateRequested(actionID: "a1", additionalAllowed: [Self.forensics])
                == .applyIsolation(allowed: [Self.server, Self.forensics]))
        #expect(try machine.isolationFailed() == .removePartialRulesAndReportFailure(actionID: "a1"))
        #expect(machine.stateName == .notIsolated)
        #expect(machine.allowedEndpoints == [Self.server])
        #expect(try machine.managementEndpointsChanged([Self.proxy]) == .none)
        #expect(try machine.restarted() == .none)
    }

    @Test func restartWhileIsolatingAbandonsAction() throws {
        var machine = Machine(managementEndpoints: [Self.server])
        _ = try machine.isolateRequested(actionID: "a1", additionalAllowed: [Self.forensics])
        #expect(try machine.restarted() == .removePartialRules)
        #expect(machine.stateName == .notIsolated)
        #expect(machine.allowedEndpoints == [Self.server])
        #expect(throws: Machine.Forbidden(machine: "isolation", state: .notIsolated, event: .isolationApplied)) {
            try machine.isolationApplied()
        }
    }

    @Test func restartWhileReleasingKeepsIsolation() throws {
        var machine = Machine(managementEndpoints: [Self.server])
        _ = try machine.isolateRequested(actionID: "a1", additionalAllowed: [Self.forensics])
        _ = try machine.isolationApplied()
        #expect(try machine.releaseRequested(actionID: "a2") == .removeIsolation)
        #expect(try machine.restarted() == .reinstallIsolation(allowed: [Self.server, Self.forensics]))
        #expect(machine.stateName == .isolated)
        #expect(machine.reportedStatus == .isolated)
        #expect(throws: Machine.Forbidden(machine: "isolation", state: .isolated, event: .releaseApplied)) {
            try machine.releaseApplied()
        }
    }

    @Test func overlappingRequestsAreForbidden() throws {
        var machine = Machine(managementEndpoints: [Self.server])
        _ = try machine.isolateRequested(actionID: "a1")
        #expect(throws: Machine.Forbidden(machine: "isolation", state: .isolating, event: .releaseRequested)) {
            try machine.releaseRequested(actionID: "a2")
        }
        #expect(throws: Machine.Forbidden(machine: "isolation", state: .isolating, event: .isolateRequested)) {
            try machine.isolateRequested(actionID: "a3")
        }
    }

    @Test func forbiddenEventsThrowInEveryState() throws {
        try checkEveryEventInEveryState(Machine.self)
    }

    @Test func diagramMatchesTransitions() throws {
        try checkDiagram(Machine.self, fileName: "isolation.md")
    }
}

extension IsolationMachine: SweepableMachine {
    static func samples() throws -> [IsolationMachine] {
        let notIsolated = IsolationMachine(managementEndpoints: [IsolationMachineTests.server])
        var isolating = notIsolated
        _ = try isolating.isolateRequested(actionID: "a1")
        var isolated = isolating
        _ = try isolated.isolationApplied()
        var releasing = isolated
        _ = try releasing.releaseRequested(actionID: "a2")
        return [notIsolated, isolating, isolated, releasing]
    }

    mutating func fire(_ event: EventName, variant: Int) throws(ForbiddenEvent<StateName, EventName>) {
        switch event {
        case .isolateRequested: _ = try isolateRequested(actionID: "a9")
        case .isolationApplied: _ = try isolationApplied()
        case .isolationFailed: _ = try isolationFailed()
        case .releaseRequested: _ = try releaseRequested(actionID: "a9")
        case .releaseApplied: _ = try releaseApplied()
        case .releaseFailed: _ = try releaseFailed()
        case .managementEndpointsChanged: _ = try managementEndpointsChanged([IsolationMachineTests.proxy])
        case .restarted: _ = try restarted()
        }
    }
}
