import EACPProtocol
import EACPTransport

/// Fields that break a length limit of the schema, and SHA-256 fields of the wrong size: the server
/// rejects the message, over HTTP and on the push channel, and stores nothing of it.
enum ServerFieldLimitCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [resultDetailTooLong(target), shortDigests(target), heartbeatReplySize(target)]
    }

    /// Builds a failed result for `actionID` of retrieve-endpoint-files with a detail of `detailBytes` bytes.
    static func result(_ actionID: String, detailBytes: Int) -> ActionResult {
        var result = ActionResult()
        result.actionId = actionID
        result.kind = .retrieveEndpointFiles
        result.state = .failed
        result.errorCode = .notFound
        result.detail = String(repeating: "d", count: detailBytes)
        result.finishedUnixMs = 1
        return result
    }

    static func resultDetailTooLong(_ target: ServerTarget) -> ConformanceCase {
        .server("server.limits.field-too-long",
                "A heartbeat, enrollment, result, log or status field past its count or length limit gets 400, or close 1008 on the push channel, and is not stored",
                ["EACP-LIMIT-005", "EACP-ERROR-009"], target, timeout: .seconds(20)) { kit in
            let (agent, actionID) = try await ServerUploadCases.acknowledgedRetrieval(kit)
            let tooLong = result(actionID, detailBytes: 4_097)
            try kit.expectError(try await agent.post("/eacp/v1/actions/result", tooLong), status: 400, code: .badRequest,
                                "an ActionResult with a detail of 4097 bytes")
            try await requireOpen(kit, actionID, "after the result with a detail of 4097 bytes over HTTP")

            let channel = try await agent.openPushChannel()
            defer { channel.close() }
            channel.send(.actionResult(tooLong))
            let closed = try await waitFor(timeout: .seconds(5)) { channel.socket.closeResult }
            guard let closed else {
                throw CaseStop.failed("the push channel is still open 5 s after a result with a detail of 4097 bytes")
            }
            try kit.context.require(closed.code.rawValue == 1008,
                                    "the server closed the push channel with \(closed.code.rawValue), not 1008, after a detail of 4097 bytes")
            try await requireOpen(kit, actionID, "after the result with a detail of 4097 bytes on the push channel")

            let answer = try await agent.post("/eacp/v1/actions/result", result(actionID, detailBytes: 4_096))
            try kit.context.require(answer.status == 200, "an ActionResult with a detail of 4096 bytes got status \(answer.status)")

            var longLog = ServerLogCases.logBatch([5])
            longLog.records[0].message = String(repeating: "m", count: 4_097)
            try kit.expectError(try await agent.post("/eacp/v1/logs", longLog), status: 400, code: .badRequest,
                                "a log record 5 whose message is 4097 bytes")
            try await ServerLogCases.expectLogAck(kit, agent, ServerLogCases.logBatch([1]), stored: 1,
                                                  "record 1 after the rejected record 5, which must not be stored")

            var longStatus = StatusReport()
            longStatus.sequenceNumber = 5
            longStatus.generatedUnixMs = 1
            var property = StatusReport.Property()
            property.name = "conformance"
            property.value = String(repeating: "v", count: 4_097)
            longStatus.properties = [property]
            try kit.expectError(try await agent.post("/eacp/v1/status", longStatus), status: 400, code: .badRequest,
                                "status report 5 with a property value of 4097 bytes")
            var report = StatusReport()
            report.sequenceNumber = 1
            report.generatedUnixMs = 1
            let ack = try agent.decode(StatusReportAck.self, try await agent.post("/eacp/v1/status", report).body, from: "status")
            try kit.context.require(ack.storedSequenceNumber == 1,
                                    "status report 1 after the rejected report 5 was acknowledged with \(ack.storedSequenceNumber), not 1")

            try await checkStatusPlatform(kit, agent)
            try await checkHeartbeatFields(kit, agent)
            try await checkEnrollmentPlatform(kit)
            try await checkTerminalDataOnPush(kit, agent)
        }
    }

    static func shortDigests(_ target: ServerTarget) -> ConformanceCase {
        .server("server.limits.exact-size-digests",
                "Upload chunks and upload references whose SHA-256 is not 32 bytes get 400 BAD_REQUEST and store nothing",
                ["EACP-LIMIT-008", "EACP-ERROR-009"], target, profile: .uploads) { kit in
            let (agent, actionID) = try await ServerUploadCases.acknowledgedRetrieval(kit)
            let content = ServerUploadCases.content
            let digest = SHA256Digest.of(content)
            let chunks: [(String, UploadChunk)] = [
                ("a chunk whose chunk_sha256 is its digest less the last byte",
                 ServerUploadCases.chunk("conf-digest", action: actionID, offset: 0, content, chunkSHA256: Array(digest.dropLast()))),
                ("a chunk whose chunk_sha256 is its digest and one more byte",
                 ServerUploadCases.chunk("conf-digest", action: actionID, offset: 0, content, chunkSHA256: digest + [0])),
                ("a chunk whose total_sha256 is 31 bytes",
                 ServerUploadCases.chunk("conf-digest", action: actionID, offset: 0, content, totalSHA256: Array(digest.dropLast()))),
            ]
            for (what, chunk) in chunks {
                try kit.expectError(try await agent.post("/eacp/v1/uploads/chunk", chunk), status: 400, code: .badRequest, what)
            }
            try await ServerUploadCases.expectReceipt(
                kit, agent, ServerUploadCases.chunk("conf-digest", action: actionID, offset: 0, []), nextOffset: 0, complete: false,
                "the resume point after the rejected chunks")

            try await ServerUploadCases.expectReceipt(
                kit, agent, ServerUploadCases.chunk("conf-digest", action: actionID, offset: 0, content), nextOffset: content.count,
                complete: true, "the whole upload in one chunk")
            var reference = UploadReference()
            reference.uploadId = "conf-digest"
            reference.name = "/conformance/not-a-real-file"
            reference.totalSize = UInt64(content.count)
            reference.totalSha256 = Array(digest.dropLast())
            var result = ActionResult()
            result.actionId = actionID
            result.kind = .retrieveEndpointFiles
            result.state = .succeeded
            result.uploads = [reference]
            try kit.expectError(try await agent.post("/eacp/v1/actions/result", result), status: 400, code: .badRequest,
                                "an ActionResult whose upload reference has a total_sha256 of 31 bytes")
            result.uploads[0].totalSha256 = digest
            let answer = try await agent.post("/eacp/v1/actions/result", result)
            try kit.context.require(answer.status == 200, "the same ActionResult with a 32-byte total_sha256 got status \(answer.status)")
        }
    }

    static func heartbeatReplySize(_ target: ServerTarget) -> ConformanceCase {
        .server("server.limits.heartbeat-reply-size",
                "A heartbeat reply stays within 1 MiB and carries fewer pending actions, in order, when all would not fit",
                ["EACP-LIMIT-003", "EACP-ACTION-009"], target, timeout: .seconds(30)) { kit in
            let agent = try await kit.enrolledAgent()
            // Each action names 100 paths of 4000 bytes, about 400 KB, so three do not fit in one reply.
            var queued: [String] = []
            for index in 1...3 {
                let paths = (1...100).map { path in "/conformance/\(index)/\(path)/" + String(repeating: "p", count: 3_980) }
                guard let actionID = try await kit.admin.queue(
                    agentID: agent.agentID, kind: "retrieve-endpoint-files", parameters: ["paths": paths]).actionID
                else { throw CaseStop.failed("the server did not queue retrieve-endpoint-files with 100 paths of 4000 bytes") }
                queued.append(actionID)
            }

            var carried: [String] = []
            while carried.count < queued.count {
                let pending = try await pendingActions(kit, agent)
                let expected = Array(queued[carried.count...].prefix(pending.count))
                try kit.context.require(!pending.isEmpty, "a heartbeat reply carries none of the remaining \(queued.count - carried.count) actions")
                try kit.context.require(pending == expected, "the heartbeat reply carries \(pending), expected the oldest remaining ones \(expected)")
                try kit.context.require(carried.count > 0 || pending.count < queued.count,
                                        "one heartbeat reply carries all three actions of about 400 KB each")
                for actionID in pending {
                    var ack = ActionAck()
                    ack.actionId = actionID
                    let answer = try await agent.post("/eacp/v1/actions/ack", ack)
                    try kit.context.require(answer.status == 200, "the ActionAck for \(actionID) got status \(answer.status)")
                }
                carried += pending
            }
        }
    }

    /// Sends a heartbeat and returns the ids of its pending actions after checking that the reply body
    /// is at most 1048576 bytes.
    static func pendingActions(_ kit: ServerCaseKit, _ agent: SimulatedAgent) async throws -> [String] {
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await agent.post("/eacp/v1/heartbeat", agent.nextHeartbeat())
        } catch let error as HTTPError where error.code == .bodyTooLarge {
            throw CaseStop.failed("the heartbeat reply is longer than 1048576 bytes: \(error.message)")
        }
        try kit.context.require(answer.status == 200, "a valid heartbeat got status \(answer.status)")
        try kit.context.require(answer.body.count <= 1_048_576, "the heartbeat reply is \(answer.body.count) bytes, above 1048576")
        kit.context.transcript.note("heartbeat reply of \(answer.body.count) bytes")
        return try agent.decode(HeartbeatReply.self, answer.body, from: "heartbeat").pendingActions.map(\.actionId)
    }

    /// Requires the administrator API to report `actionID` without a terminal state.
    static func requireOpen(_ kit: ServerCaseKit, _ actionID: String, _ when: String) async throws {
        let action = try await kit.admin.action(actionID)
        try kit.context.require(action.terminalState == nil,
                                "\(actionID) is \(action.state) with outcome \(action.terminalState ?? "none") \(when)")
    }
}
