import EACPProtocol
import EACPTransport
import Foundation

/// The heartbeat state a server records, the agent it records it for, and the contents of one reply.
enum ServerHeartbeatStateCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [validVersions(target), olderSequence(target), replyContents(target), identityFromCertificate(target)]
    }

    static func validVersions(_ target: ServerTarget) -> ConformanceCase {
        .server("server.heartbeat.accepts-valid-versions",
                "Heartbeats with one to four components, leading zeros and the largest component value get 200",
                ["EACP-VERSION-001", "EACP-HEARTBEAT-006"], target) { kit in
            let agent = try await kit.enrolledAgent()
            for version in ["8", "0", "08.05", "1.2.3.4", "4294967295.0.0.4294967295", "1.4"] {
                var heartbeat = agent.nextHeartbeat()
                heartbeat.agentVersion = version
                let answer = try await agent.post("/eacp/v1/heartbeat", heartbeat)
                try kit.context.require(answer.status == 200, "a heartbeat with agent_version \"\(version)\" got status \(answer.status)")
            }
        }
    }

    /// Builds a heartbeat with `sequence` and content revision `revision` that reports `version`.
    static func heartbeat(_ agent: SimulatedAgent, sequence: UInt64, version: String, revision: UInt64) -> Heartbeat {
        var heartbeat = agent.nextHeartbeat()
        heartbeat.sequenceNumber = sequence
        heartbeat.agentVersion = version
        heartbeat.contentVersion = ServerContentCases.contentVersion(revision, Array(repeating: UInt8(revision & 0xFF), count: 32))
        return heartbeat
    }

    /// The agent as the administrator API shows it: its recorded version, and the sequence number
    /// and content revision of its last recorded heartbeat.
    static func recordedState(_ kit: ServerCaseKit, _ agentID: String) async throws
        -> (version: String, sequence: Int, contentRevision: Int)
    {
        let answer = try await kit.admin.call(.get, "/admin/v1/agents/\(agentID)")
        guard answer.status == 200, let last = answer.json["last_heartbeat"]?.value as? [String: Any],
            let sequence = last["sequence_number"] as? Int, let revision = last["content_revision"] as? Int
        else {
            throw CaseStop.notChecked("the administrator API returned no last heartbeat for agent \(agentID) (status \(answer.status))")
        }
        return (answer.json["agent_version"]?.string ?? "", sequence, revision)
    }

    static func olderSequence(_ target: ServerTarget) -> ConformanceCase {
        .server("server.heartbeat.older-sequence-not-recorded",
                "A heartbeat whose sequence number is not above the highest recorded one gets a normal reply and is not recorded",
                ["EACP-HEARTBEAT-007", "EACP-HEARTBEAT-006"], target) { kit in
            let agent = try await kit.enrolledAgent()
            _ = try await agent.heartbeat(heartbeat(agent, sequence: 5, version: "1.4", revision: 11))
            let recorded = try await recordedState(kit, agent.agentID)
            try kit.context.require(
                recorded.sequence == 5 && recorded.contentRevision == 11,
                "after heartbeat 5 the server shows sequence \(recorded.sequence) and content revision \(recorded.contentRevision), expected 5 and 11")

            for (sequence, revision) in [(UInt64(3), UInt64(7)), (5, 9)] {
                let reply = try await agent.heartbeat(heartbeat(agent, sequence: sequence, version: "1.3", revision: revision))
                try kit.context.require(
                    reply.serverTimeUnixMs > 0, "the reply to heartbeat \(sequence), sent after 5, has no server_time_unix_ms")
                let state = try await recordedState(kit, agent.agentID)
                try kit.context.require(
                    state.sequence == 5 && state.contentRevision == 11 && state.version == "1.4",
                    "after heartbeat \(sequence), sent after 5, the server shows sequence \(state.sequence), content revision "
                        + "\(state.contentRevision) and version \(state.version), expected heartbeat 5's 5, 11 and 1.4")
            }
        }
    }

    static func replyContents(_ target: ServerTarget) -> ConformanceCase {
        .server("server.heartbeat.reply-carries-offers-and-actions",
                "One heartbeat reply carries both the content offer and the pending action",
                ["EACP-HEARTBEAT-008"], target) { kit in
            let agent = try await kit.enrolledAgent()
            // Revisions only grow on a server, so a run picks one above any earlier run's.
            let revision = UInt64(Date().timeIntervalSince1970 * 1_000)
            let published = try await kit.admin.call(.put, "/admin/v1/content/\(revision)", body: Array("content \(revision)\n".utf8))
            guard published.status == 201 else {
                throw CaseStop.notChecked("the administrator API did not publish content (status \(published.status))")
            }
            guard let actionID = try await kit.admin.queue(
                agentID: agent.agentID, kind: "quarantine-file", parameters: ServerActionCases.quarantine).actionID
            else { throw CaseStop.notChecked("the server did not queue quarantine-file") }

            let reply = try await agent.heartbeat()
            try kit.context.require(
                reply.contentOffer?.version?.revision == revision,
                "the reply offers content revision \(reply.contentOffer?.version?.revision ?? 0), expected \(revision) to an agent with none")
            try kit.context.require(
                reply.pendingActions.map(\.actionId) == [actionID],
                "the reply carries actions \(reply.pendingActions.map(\.actionId)), expected [\(actionID)]")
        }
    }

    /// Field 15 of `Heartbeat`, which the schema reserves for the name `agent_id`, holding `agentID`.
    static func reservedAgentIDField(_ agentID: String) -> [UInt8] {
        let bytes = Array(agentID.utf8)
        precondition(bytes.count < 128, "the length must fit a one-byte varint")
        // Tag: field 15, wire type 2 (length-delimited) = 15 << 3 | 2 = 0x7A.
        return [0x7A, UInt8(bytes.count)] + bytes
    }

    static func identityFromCertificate(_ target: ServerTarget) -> ConformanceCase {
        .server("server.auth.identity-from-certificate",
                "A heartbeat and an action result that name another agent act for the certificate's agent only",
                ["EACP-ENROLL-008", "EACP-ACTION-015"], target) { kit in
            let owner = try await kit.enrolledAgent()
            let other = try await kit.enrolledAgent()
            guard let actionID = try await kit.admin.queue(
                agentID: owner.agentID, kind: "quarantine-file", parameters: ServerActionCases.quarantine).actionID
            else { throw CaseStop.notChecked("the server did not queue quarantine-file") }

            var claim = heartbeat(other, sequence: 9, version: "1.4", revision: 3)
            claim.unknownFields = reservedAgentIDField(owner.agentID)
            kit.context.transcript.note("the next heartbeat carries field 15 (reserved agent_id) = \(owner.agentID)")
            let reply = try await other.heartbeat(claim)
            try kit.context.require(
                !reply.pendingActions.contains { $0.actionId == actionID },
                "a heartbeat naming \(owner.agentID) in field 15 got that agent's action \(actionID)")
            let ownerState = try await recordedState(kit, owner.agentID)
            try kit.context.require(
                ownerState.sequence == 1, "the server recorded another agent's heartbeat 9 for \(owner.agentID)")
            let otherState = try await recordedState(kit, other.agentID)
            try kit.context.require(
                otherState.sequence == 9, "the server shows sequence \(otherState.sequence) for the sender, expected 9")

            let delivered = try await owner.heartbeat().pendingActions.map(\.actionId)
            try kit.context.require(delivered == [actionID], "the owner's heartbeat carries \(delivered), expected [\(actionID)]")
            var result = ActionResult()
            result.actionId = actionID
            result.kind = .quarantineFile
            result.state = .succeeded
            try kit.expectError(try await other.post("/eacp/v1/actions/result", result), status: 404, code: .notFound,
                                "a result for another agent's action")
            let state = try await kit.admin.action(actionID)
            try kit.context.require(
                state.terminalState == nil, "another agent's result ended \(actionID) as \(state.terminalState ?? "")")
        }
    }
}
