import EACPProtocol
import Foundation

/// Agent log batches of a server.
enum ServerLogCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [logStoreOnce(target)]
    }

    /// Builds a batch of INFO records numbered `numbers`, in the order given.
    static func logBatch(_ numbers: [UInt64], dropped: UInt64 = 0) -> AgentLogBatch {
        var batch = AgentLogBatch()
        batch.droppedCount = dropped
        batch.records = numbers.map { number in
            var record = AgentLogRecord()
            record.sequenceNumber = number
            record.timeUnixMs = Int64(Date().timeIntervalSince1970 * 1_000)
            record.level = .info
            record.component = "conformance"
            record.message = "record \(number)"
            return record
        }
        return batch
    }

    /// Posts `batch` and requires 200 with an `AgentLogAck` at `stored`.
    static func expectLogAck(_ kit: ServerCaseKit, _ agent: SimulatedAgent, _ batch: AgentLogBatch, stored: UInt64, _ what: String)
        async throws
    {
        let answer = try await agent.post("/eacp/v1/logs", batch)
        try kit.context.require(answer.status == 200, "\(what): expected HTTP 200, got \(answer.status)")
        let ack = try agent.decode(AgentLogAck.self, answer.body, from: "logs")
        try kit.context.require(ack.storedSequenceNumber == stored,
                                "\(what): stored_sequence_number is \(ack.storedSequenceNumber), expected \(stored)")
    }

    // NOTE: the administrator API has no view of stored log records or of the dropped total, so
    // this case checks storage only through the highest number each AgentLogAck reports.
    static func logStoreOnce(_ target: ServerTarget) -> ConformanceCase {
        .server("server.logs.store-once-reject-invalid",
                "Log batches are acknowledged with the highest stored number, and invalid batches get 400 and store nothing",
                ["EACP-LOG-006", "EACP-LOG-007"], target) { kit in
            let agent = try await kit.enrolledAgent()
            try await expectLogAck(kit, agent, logBatch([1, 2, 3]), stored: 3, "records 1 to 3")
            try await expectLogAck(kit, agent, logBatch([1, 2, 3]), stored: 3, "records 1 to 3 sent again")
            try await expectLogAck(kit, agent, logBatch([3, 4, 5], dropped: 2), stored: 5, "records 3 to 5, one already stored")

            try kit.expectError(try await agent.post("/eacp/v1/logs", logBatch([])), status: 400, code: .badRequest,
                                "a batch with no records")
            try kit.expectError(try await agent.post("/eacp/v1/logs", logBatch([8, 7])), status: 400, code: .badRequest,
                                "a batch whose sequence numbers descend")
            try kit.expectError(try await agent.post("/eacp/v1/logs", logBatch([7, 7])), status: 400, code: .badRequest,
                                "a batch with a repeated sequence number")
            try kit.expectError(try await agent.post("/eacp/v1/logs", logBatch(Array(7...1_007))), status: 400, code: .badRequest,
                                "a batch of 1001 records")
            try await expectLogAck(kit, agent, logBatch([6]), stored: 6,
                                   "record 6 after the invalid batches, which must have stored none of 7 to 1007")
        }
    }
}
