import EACPProtocol
import Foundation

/// The checks an agent makes on an action's parameters before it starts it, and the failures of
/// `QUARANTINE_FILE` before it moves a file.
enum AgentActionCheckCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [invalidParameters(harness), quarantineChecks(harness)]
    }

    static func invalidParameters(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.invalid-parameters-rejected",
            "Parameters of another kind or breaking a rule of eacp.proto end REJECTED INVALID_PARAMETERS; kind 0 ends UNSUPPORTED_KIND",
            ["EACP-ACTION-017"], harness
        ) { harness, context in
            let path = try harness.makeFile("invalid-parameters.txt")
            var relative = QuarantineFileParameters()
            relative.path = "endpoint-files/invalid-parameters.txt"
            var shortDigest = QuarantineFileParameters()
            shortDigest.path = path
            shortDigest.sha256 = [1, 2, 3, 4, 5]
            let cases: [(name: String, envelope: ActionEnvelope, code: ActionErrorCode)] = [
                (
                    "QUARANTINE_FILE with RestoreFileParameters",
                    harness.envelope(.quarantineFile, AgentActionKindCases.restore("conf-some-quarantine", to: path)),
                    .invalidParameters
                ),
                ("QUARANTINE_FILE without parameters", harness.envelope(.quarantineFile, nil), .invalidParameters),
                ("a relative path", harness.envelope(.quarantineFile, .quarantineFile(relative)), .invalidParameters),
                (
                    "a 5-byte sha256", harness.envelope(.quarantineFile, .quarantineFile(shortDigest)),
                    .invalidParameters
                ),
                (
                    "ACTION_KIND_UNSPECIFIED", harness.envelope(.unspecified, AgentActionCases.quarantine(path)),
                    .unsupportedKind
                ),
            ]
            let results = try await AgentActionKindCases.run(cases.map(\.envelope), harness, context)
            for (item, result) in zip(cases, results) {
                try context.require(
                    result.state == .rejected && result.errorCode == item.code,
                    "\(item.name) ended \(result.state) \(result.errorCode), expected REJECTED \(item.code)")
            }
            try context.require(FileManager.default.fileExists(atPath: path), "a rejected action ran: \(path) is gone")
        }
    }

    static func quarantineChecks(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.quarantine-checks",
            "QUARANTINE_FILE fails NOT_FOUND without a regular file and HASH_MISMATCH for another sha256, and moves a matching file",
            ["EACP-ACTION-021"], harness
        ) { harness, context in
            let contents = "file checked before quarantine\n"
            let path = try harness.makeFile("quarantine-checked.txt", contents: contents)
            let digest = SHA256Digest.of(Array(contents.utf8))
            var otherDigest = digest
            otherDigest[0] ^= 0xFF
            let folder = harness.filesDirectory + "/quarantine-folder-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)

            let missing = harness.envelope(
                .quarantineFile, AgentActionCases.quarantine(harness.filesDirectory + "/quarantine-absent.txt"))
            let directory = harness.envelope(.quarantineFile, AgentActionCases.quarantine(folder))
            let mismatch = harness.envelope(.quarantineFile, quarantine(path, sha256: otherDigest))
            let failures = try await AgentActionKindCases.run([missing, directory, mismatch], harness, context)
            for result in failures { try AgentActionKindCases.requirePrivilege(result, "quarantine files") }
            let expected: [(String, ActionErrorCode)] = [
                ("a missing file", .notFound), ("a directory", .notFound),
                ("a file with another SHA-256", .hashMismatch),
            ]
            for ((name, code), result) in zip(expected, failures) {
                try context.require(
                    result.state == .failed && result.errorCode == code,
                    "quarantining \(name) ended \(result.state) \(result.errorCode), expected FAILED \(code)")
            }
            try context.require(
                FileManager.default.fileExists(atPath: path), "the file with another SHA-256 was moved anyway")
            try context.require(FileManager.default.fileExists(atPath: folder), "the directory \(folder) was moved")

            let matching = try await AgentActionKindCases.run(
                [harness.envelope(.quarantineFile, quarantine(path, sha256: digest))], harness, context)[0]
            try AgentActionKindCases.requirePrivilege(matching, "quarantine files")
            try context.require(
                matching.state == .succeeded,
                "quarantining a file with its own SHA-256 ended \(matching.state) \(matching.errorCode)")
            try context.require(
                !FileManager.default.fileExists(atPath: path), "the quarantined file is still at \(path)")
        }
    }

    static func quarantine(_ path: String, sha256: [UInt8]) -> ActionEnvelope.Parameters {
        var parameters = QuarantineFileParameters()
        parameters.path = path
        parameters.sha256 = sha256
        return .quarantineFile(parameters)
    }
}
