import EACPProtocol

/// Agent log batches that arrive after newer ones, as they do when an agent resends a batch whose
/// acknowledgement it lost.
enum ServerLogOrderCases {
    static func all(_ target: ServerTarget) -> [ConformanceCase] {
        [olderBatchKeepsHighest(target)]
    }

    static func olderBatchKeepsHighest(_ target: ServerTarget) -> ConformanceCase {
        .server("server.logs.older-batch-keeps-highest",
                "A log batch below the stored records is acknowledged with the highest number stored, not its own",
                ["EACP-LOG-006"], target) { kit in
            let agent = try await kit.enrolledAgent()
            try await ServerLogCases.expectLogAck(kit, agent, ServerLogCases.logBatch([1, 2, 3, 4, 5]), stored: 5, "records 1 to 5")
            try await ServerLogCases.expectLogAck(kit, agent, ServerLogCases.logBatch([2, 3]), stored: 5,
                                                  "records 2 and 3 sent again after 1 to 5 were stored")
        }
    }
}
