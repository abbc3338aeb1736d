import EACPProtocol
import Testing

@Suite struct VersionActionGateTests {
    // The gating table of spec/versions.md: kind, lowest supporting version, lowest push version.
    static let table: [(ActionKind, AgentVersion, AgentVersion)] = [
        (.quarantineFile, AgentVersion(1, 0), AgentVersion(1, 2)),
        (.restoreFile, AgentVersion(1, 0), AgentVersion(1, 2)),
        (.terminateProcess, AgentVersion(1, 0), AgentVersion(1, 2)),
        (.isolateEndpoint, AgentVersion(1, 0), AgentVersion(1, 2)),
        (.cancelIsolation, AgentVersion(1, 0), AgentVersion(1, 2)),
        (.startLiveTerminal, AgentVersion(1, 4), AgentVersion(1, 4)),
        (.setEndpointProxy, AgentVersion(1, 3), AgentVersion(1, 3)),
        (.disableEndpointProxy, AgentVersion(1, 3), AgentVersion(1, 3)),
        (.retrieveEndpointFiles, AgentVersion(1, 0), AgentVersion(1, 2)),
        (.retrieveSecurityEventData, AgentVersion(1, 1), AgentVersion(1, 2)),
        (.retrieveSupportFile, AgentVersion(1, 0), AgentVersion(1, 2)),
        (.performHeartbeat, AgentVersion(1, 2), AgentVersion(1, 2)),
    ]

    @Test func tableCoversEveryKnownKindButUnspecified() {
        let kinds = Set(Self.table.map(\.0))
        #expect(kinds == Set(ActionKind.knownCases.filter { $0 != .unspecified }))
        #expect(kinds.count == 12)
    }

    @Test func requirementsMatchTable() {
        for (kind, minimum, push) in Self.table {
            let requirement = ActionGate.requirement(for: kind)
            #expect(requirement?.minimumVersion == minimum, "\(kind)")
            #expect(requirement?.minimumPushVersion == push, "\(kind)")
            #expect(minimum <= push, "\(kind)")
        }
    }

    @Test func versionBelowMinimumIsUnsupported() throws {
        for (kind, minimum, _) in Self.table {
            let below = try AgentVersion(parsing: "\(minimum.components[0] - 1).999.999.999")
            let reason = ActionGate.UnsupportedReason.agentTooOld(kind: kind, minimumVersion: minimum)
            #expect(ActionGate.decision(kind: kind, agentVersion: below) == .unsupported(reason), "\(kind)")
        }
    }

    @Test func versionAtPushMinimumGetsPush() {
        for (kind, _, push) in Self.table {
            #expect(ActionGate.decision(kind: kind, agentVersion: push) == .push, "\(kind)")
            #expect(ActionGate.decision(kind: kind, agentVersion: AgentVersion(2, 0)) == .push, "\(kind)")
        }
    }

    @Test(arguments: [
        ("1.0", ActionGate.Decision.heartbeatOnly),
        ("1.0.0.0", .heartbeatOnly),
        ("1.1.9", .heartbeatOnly),
        ("1.1.4294967295", .heartbeatOnly),
        ("1.2", .push),
        ("1.2.0.0", .push),
        ("0.9", .unsupported(.agentTooOld(kind: .quarantineFile, minimumVersion: AgentVersion(1, 0)))),
    ])
    func quarantineFileDecisionByVersion(version: String, expected: ActionGate.Decision) throws {
        let agentVersion = try AgentVersion(parsing: version)
        #expect(ActionGate.decision(kind: .quarantineFile, agentVersion: agentVersion) == expected)
    }

    @Test func securityEventDataNeeds11AndPushNeeds12() {
        let reason = ActionGate.UnsupportedReason.agentTooOld(
            kind: .retrieveSecurityEventData, minimumVersion: AgentVersion(1, 1))
        #expect(
            ActionGate.decision(kind: .retrieveSecurityEventData, agentVersion: AgentVersion(1, 0))
                == .unsupported(reason))
        #expect(
            ActionGate.decision(kind: .retrieveSecurityEventData, agentVersion: AgentVersion(1, 1)) == .heartbeatOnly)
        #expect(ActionGate.decision(kind: .retrieveSecurityEventData, agentVersion: AgentVersion(1, 2)) == .push)
    }

    @Test func liveTerminalIsUnsupportedBelow14() {
        let reason = ActionGate.UnsupportedReason.agentTooOld(
            kind: .startLiveTerminal, minimumVersion: AgentVersion(1, 4))
        #expect(
            ActionGate.decision(kind: .startLiveTerminal, agentVersion: AgentVersion(1, 3, 99)) == .unsupported(reason))
        #expect(ActionGate.decision(kind: .startLiveTerminal, agentVersion: AgentVersion(1, 4)) == .push)
        #expect(reason.description == "action kind startLiveTerminal needs agent version 1.4 or later")
    }

    @Test func unspecifiedAndUnrecognizedKindsAreUnsupported() {
        #expect(ActionGate.requirement(for: .unspecified) == nil)
        #expect(ActionGate.requirement(for: .unrecognized(99)) == nil)
        #expect(
            ActionGate.decision(kind: .unspecified, agentVersion: AgentVersion(9)) == .unsupported(.unspecifiedKind))
        #expect(
            ActionGate.decision(kind: ActionKind(rawValue: 99), agentVersion: AgentVersion(9))
                == .unsupported(.unrecognizedKind(99)))
        #expect(ActionGate.UnsupportedReason.unrecognizedKind(99).description == "action kind 99 is not known")
    }

    @Test func actionMinimumVersionNarrowsTheGate() {
        let decision = ActionGate.decision(
            kind: .quarantineFile, agentVersion: AgentVersion(1, 2), actionMinimum: AgentVersion(1, 2, 1))
        #expect(decision == .unsupported(.belowActionMinimum(AgentVersion(1, 2, 1))))
        #expect(
            ActionGate.decision(
                kind: .quarantineFile, agentVersion: AgentVersion(1, 2, 1), actionMinimum: AgentVersion(1, 2, 1))
                == .push)
    }
}
