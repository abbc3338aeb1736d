import EACPProtocol
import Foundation

/// Cases for the file, process and retrieval action kinds: the failures each kind defines, and the
/// success that follows when nothing is wrong.
enum AgentActionKindCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        AgentActionCheckCases.all(harness) + [
            restoreFile(harness), terminateProcess(harness), terminateDescendants(harness),
            retrieveEndpointFiles(harness), retrieveEventData(harness),
            retrieveSupportFile(harness),
        ]
    }

    /// Delivers `envelopes` on the push channel when one is open, and in heartbeat replies otherwise,
    /// then requires a valid result for each, returned in the same order.
    static func run(
        _ envelopes: [ActionEnvelope], _ harness: AgentHarness, _ context: CaseContext
    ) async throws -> [ActionResult] {
        if harness.handlers.pushChannel.value != nil {
            for envelope in envelopes { harness.handlers.push(.action(envelope)) }
        } else {
            harness.handlers.script.update { $0.heartbeatActions += envelopes }
        }
        var results: [ActionResult] = []
        for envelope in envelopes {
            let result = try await AgentActionCases.requireAnswered(envelope, harness, context)
            context.transcript.note(
                "\(envelope.kind) \(envelope.actionId): \(result.state) \(result.errorCode) \"\(result.detail)\"")
            results.append(result)
        }
        return results
    }

    /// Stops the case as not checked when the agent lacks a privilege the action needs.
    static func requirePrivilege(_ result: ActionResult, _ what: String) throws {
        if result.errorCode == .permissionDenied {
            throw CaseStop.notChecked("the agent lacks the privilege to \(what)")
        }
    }

    static func restoreFile(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.restore-file",
            "RESTORE_FILE fails NOT_FOUND for an unknown quarantine, INTERNAL over an existing file, and else restores the file",
            ["EACP-ACTION-022", "EACP-ACTION-021"], harness
        ) { harness, context in
            let path = try harness.makeFile("restore-original.txt", contents: "file to restore\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
            let quarantine = harness.envelope(.quarantineFile, AgentActionCases.quarantine(path))
            let unknown = harness.envelope(.restoreFile, restore("conf-no-such-quarantine", to: ""))
            let first = try await run([quarantine, unknown], harness, context)
            try requirePrivilege(first[0], "quarantine files")
            try context.require(
                first[0].state == .succeeded, "quarantining \(path) ended \(first[0].state) \(first[0].errorCode)")
            try context.require(
                first[1].state == .failed && first[1].errorCode == .notFound,
                "restoring an unknown quarantine ended \(first[1].state) \(first[1].errorCode), expected FAILED NOT_FOUND"
            )

            _ = try harness.makeFile("restore-original.txt", contents: "occupant\n")
            let occupied = harness.envelope(.restoreFile, restore(quarantine.actionId, to: ""))
            let second = try await run([occupied], harness, context)[0]
            try context.require(
                second.state == .failed && second.errorCode == .internal,
                "restoring onto an existing file ended \(second.state) \(second.errorCode), expected FAILED INTERNAL")
            let occupant = try String(contentsOfFile: path, encoding: .utf8)
            try context.require(occupant == "occupant\n", "the restore overwrote the file at \(path)")

            let destination = harness.filesDirectory + "/restore-elsewhere-\(UUID().uuidString.prefix(8)).txt"
            let elsewhere = harness.envelope(.restoreFile, restore(quarantine.actionId, to: destination))
            let third = try await run([elsewhere], harness, context)[0]
            try context.require(
                third.state == .succeeded,
                "restoring to the free path \(destination) ended \(third.state) \(third.errorCode)")
            let restored = try? String(contentsOfFile: destination, encoding: .utf8)
            try context.require(
                restored == "file to restore\n", "\(destination) holds \(restored.map { "\"\($0)\"" } ?? "no file")")
            let mode = (try FileManager.default.attributesOfItem(atPath: destination)[.posixPermissions] as? NSNumber)?
                .intValue
            try context.require(
                mode == 0o640, "the restored file has mode \(String(mode ?? 0, radix: 8)), the original had 640")
        }
    }

    static func restore(_ quarantineActionID: String, to path: String) -> ActionEnvelope.Parameters {
        var parameters = RestoreFileParameters()
        parameters.quarantineActionId = quarantineActionID
        parameters.restorePath = path
        return .restoreFile(parameters)
    }

    static func terminateProcess(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.terminate-process",
            "TERMINATE_PROCESS fails NOT_FOUND for a missing pid or a mismatching start time or executable, and else ends the process",
            ["EACP-ACTION-023"], harness
        ) { harness, context in
            let spawned = Int64(Date().timeIntervalSince1970 * 1_000)
            // Processes the runner starts inherit a signal mask that blocks SIGTERM. A shell trap still
            // runs, so the target exits on SIGTERM through one.
            let target = try ChildProcess(
                command: ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"], environment: [:],
                logPath: harness.workDirectory + "/terminate-target.log")
            defer { target.kill() }
            let pid = UInt32(target.processIdentifier)
            context.transcript.note("started a shell that exits on SIGTERM as pid \(pid)")
            // Linux pids stay below 4194304 (the largest pid_max), so this one never exists.
            let missing = harness.envelope(.terminateProcess, terminate(4_194_399))
            let wrongStart = harness.envelope(.terminateProcess, terminate(pid, startUnixMs: spawned - 3_600_000))
            let wrongExecutable = harness.envelope(
                .terminateProcess, terminate(pid, executable: "/usr/bin/conformance-no-such-program"))
            let mismatches = try await run([missing, wrongStart, wrongExecutable], harness, context)
            for result in mismatches { try requirePrivilege(result, "terminate processes") }
            let names = [
                "a pid no process has", "a start time an hour before the process started", "another executable path",
            ]
            for (result, name) in zip(mismatches, names) {
                try context.require(
                    result.state == .failed && result.errorCode == .notFound,
                    "terminating with \(name) ended \(result.state) \(result.errorCode), expected FAILED NOT_FOUND")
            }
            try context.require(target.isRunning, "the process ended although no action matched it")

            let matching = try await run([harness.envelope(.terminateProcess, terminate(pid))], harness, context)[0]
            try requirePrivilege(matching, "terminate processes")
            try context.require(
                matching.state == .succeeded, "terminating pid \(pid) ended \(matching.state) \(matching.errorCode)")
            let ended = try await waitFor(timeout: .seconds(2)) { target.isRunning ? nil : true }
            try context.require(ended != nil, "pid \(pid) still runs after the action succeeded")
        }
    }

    static func terminate(
        _ pid: UInt32, startUnixMs: Int64 = 0, executable: String = "", includeDescendants: Bool = false
    ) -> ActionEnvelope.Parameters {
        var parameters = TerminateProcessParameters()
        parameters.pid = pid
        parameters.processStartUnixMs = startUnixMs
        parameters.executablePath = executable
        parameters.includeDescendants = includeDescendants
        return .terminateProcess(parameters)
    }

    static func terminateDescendants(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.terminate-descendants",
            "TERMINATE_PROCESS with include_descendants ends the process and its child before it succeeds",
            ["EACP-ACTION-023"], harness
        ) { harness, context in
            // Both shells exit on SIGTERM through a trap; the parent writes the child's pid to a file.
            let loop = "trap 'exit 0' TERM; while :; do sleep 0.1; done"
            let pidFile = harness.workDirectory + "/descendant-\(UUID().uuidString.prefix(8)).pid"
            let target = try ChildProcess(
                command: ["/bin/sh", "-c", "sh -c \"\(loop)\" & echo $! > \"$0\"; \(loop)", pidFile], environment: [:],
                logPath: harness.workDirectory + "/descendant-target.log")
            defer { target.kill() }
            guard let child = try await waitFor(timeout: .seconds(5), { Int32(processIDText(pidFile)) }) else {
                throw CaseStop.failed("the target shell did not start its child within 5 s")
            }
            defer { kill(child, SIGKILL) }
            context.transcript.note("started pid \(target.processIdentifier) with child \(child)")

            let envelope = harness.envelope(
                .terminateProcess, terminate(UInt32(target.processIdentifier), includeDescendants: true))
            let result = try await run([envelope], harness, context)[0]
            try requirePrivilege(result, "terminate processes")
            try context.require(
                result.state == .succeeded,
                "terminating with include_descendants ended \(result.state) \(result.errorCode)")
            try context.require(!isRunning(child), "child \(child) still runs after the action succeeded")
            let ended = try await waitFor(timeout: .seconds(2)) { target.isRunning ? nil : true }
            try context.require(ended != nil, "pid \(target.processIdentifier) still runs after the action succeeded")
        }
    }

    /// Returns the trimmed text of the file at `path`, or an empty string when it cannot be read.
    static func processIDText(_ path: String) -> String {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Returns whether `pid` names a process that has not exited, from Linux's /proc; a zombie has exited.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    static func retrieveEndpointFiles(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.retrieve-endpoint-files",
            "RETRIEVE_ENDPOINT_FILES rejects files above max_total_bytes, uploads the ones that exist, and fails NOT_FOUND when none does",
            ["EACP-ACTION-024", "EACP-UPLOAD-011"], harness
        ) { harness, context in
            let large = String(repeating: "a", count: 100)
            let first = try harness.makeFile("retrieve-large.txt", contents: large)
            let small = String(repeating: "b", count: 50)
            let second = try harness.makeFile("retrieve-small.txt", contents: small)
            let absent = harness.filesDirectory + "/retrieve-absent.txt"
            let tooLarge = harness.envelope(
                .retrieveEndpointFiles, retrieve([first, second, absent], maximumBytes: 100))
            // Exactly at the limit: only a total above max_total_bytes is rejected.
            let someMissing = harness.envelope(
                .retrieveEndpointFiles, retrieve([first, second, absent], maximumBytes: 150))
            let noneExists = harness.envelope(.retrieveEndpointFiles, retrieve([absent], maximumBytes: 0))
            let results = try await run([tooLarge, someMissing, noneExists], harness, context)
            for result in results { try requirePrivilege(result, "read endpoint files") }

            try context.require(
                results[0].state == .rejected && results[0].errorCode == .invalidParameters,
                "150 bytes of files with max_total_bytes 100 ended \(results[0].state) \(results[0].errorCode), expected REJECTED INVALID_PARAMETERS"
            )
            try context.require(
                results[0].uploads.isEmpty, "the rejected retrieval lists \(results[0].uploads.count) uploads")
            try context.require(
                results[1].state == .succeeded,
                "retrieving two existing files of 150 bytes with max_total_bytes 150 and one missing file ended \(results[1].state) \(results[1].errorCode)"
            )
            try context.require(
                results[1].uploads.count == 2,
                "the retrieval of two existing files lists \(results[1].uploads.count) uploads")
            try context.require(
                results[1].detail.contains(absent),
                "the detail \"\(results[1].detail)\" does not name the missing \(absent)")
            var uploaded: Set<[UInt8]> = []
            for reference in results[1].uploads {
                uploaded.insert(try requireUploaded(reference, nil, harness, context))
            }
            try context.require(
                uploaded == [Array(large.utf8), Array(small.utf8)], "the uploads do not hold the bytes of the two files"
            )
            try context.require(
                results[2].state == .failed && results[2].errorCode == .notFound,
                "retrieving only a missing file ended \(results[2].state) \(results[2].errorCode), expected FAILED NOT_FOUND"
            )
        }
    }

    static func retrieve(_ paths: [String], maximumBytes: UInt64) -> ActionEnvelope.Parameters {
        var parameters = RetrieveEndpointFilesParameters()
        parameters.paths = paths
        parameters.maxTotalBytes = maximumBytes
        return .retrieveEndpointFiles(parameters)
    }

    /// Requires that `reference` names an upload the harness received whole, and returns its bytes.
    /// With `expected` set, the bytes must equal it.
    @discardableResult
    static func requireUploaded(
        _ reference: UploadReference?, _ expected: [UInt8]? = nil, _ harness: AgentHarness,
        _ context: CaseContext
    ) throws -> [UInt8] {
        guard let reference else { throw CaseStop.failed("the result lists no upload") }
        let bytes = harness.handlers.uploads.value[reference.uploadId] ?? []
        try context.require(
            harness.handlers.observations.value.completedUploads.contains(reference.uploadId),
            "upload \(reference.uploadId) is listed in the result but was never completed")
        try context.require(
            UInt64(bytes.count) == reference.totalSize,
            "upload \(reference.uploadId) holds \(bytes.count) bytes, its reference says \(reference.totalSize)")
        if let expected {
            try context.require(
                bytes == expected,
                "upload \(reference.uploadId) holds \(bytes.count) bytes that differ from the file's \(expected.count)")
        }
        return bytes
    }

    static func retrieveEventData(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.retrieve-event-data",
            "RETRIEVE_SECURITY_EVENT_DATA uploads the data of known events, names the others, and fails NOT_FOUND for none",
            ["EACP-ACTION-025"], harness
        ) { harness, context in
            let before = harness.handlers.observations.value.events.count
            let name = "event-data-\(UUID().uuidString.prefix(8).lowercased()).txt"
            try "security event data for retrieval\n".write(
                toFile: harness.watchDirectory + "/" + name, atomically: false, encoding: .utf8)
            context.transcript.note("created \(name) in the watched folder")
            guard
                let event = try await waitFor(
                    timeout: .seconds(8), { harness.handlers.observations.value.events.dropFirst(before).first?.value })
            else {
                throw CaseStop.notChecked(
                    "no security event arrived for a new file in EACP_WATCH_DIR, so no event has data to retrieve")
            }
            let unknown = "conf-no-such-event-\(UUID().uuidString.prefix(8).lowercased())"
            let mixed = harness.envelope(.retrieveSecurityEventData, eventData([event.eventId, unknown]))
            let none = harness.envelope(.retrieveSecurityEventData, eventData([unknown]))
            let results = try await run([mixed, none], harness, context)
            try context.require(
                results[0].state == .succeeded,
                "retrieving the data of event \(event.eventId) and of an unknown event ended \(results[0].state) \(results[0].errorCode)"
            )
            try context.require(
                results[0].uploads.count == 1,
                "the retrieval of one event's data lists \(results[0].uploads.count) uploads")
            try context.require(
                results[0].detail.contains(unknown),
                "the detail \"\(results[0].detail)\" does not name the unknown event \(unknown)")
            let bytes = try requireUploaded(results[0].uploads.first, nil, harness, context)
            context.transcript.note("the event data upload holds \(bytes.count) bytes")
            try context.require(
                results[1].state == .failed && results[1].errorCode == .notFound,
                "retrieving only an unknown event's data ended \(results[1].state) \(results[1].errorCode), expected FAILED NOT_FOUND"
            )
        }
    }

    static func eventData(_ eventIDs: [String]) -> ActionEnvelope.Parameters {
        var parameters = RetrieveSecurityEventDataParameters()
        parameters.eventIds = eventIDs
        return .retrieveSecurityEventData(parameters)
    }

    static func retrieveSupportFile(_ harness: AgentHarness?) -> ConformanceCase {
        .agent(
            "agent.actions.retrieve-support-file",
            "RETRIEVE_SUPPORT_FILE uploads one archive that contains no private key and no enrollment token",
            ["EACP-ACTION-026"], harness
        ) { harness, context in
            var parameters = RetrieveSupportFileParameters()
            parameters.includeLogs = true
            let result = try await run(
                [harness.envelope(.retrieveSupportFile, .retrieveSupportFile(parameters))], harness, context)[0]
            try context.require(
                result.state == .succeeded, "RETRIEVE_SUPPORT_FILE ended \(result.state) \(result.errorCode)")
            try context.require(
                result.uploads.count == 1, "the support file result lists \(result.uploads.count) uploads, expected 1")
            let bytes = try requireUploaded(result.uploads.first, nil, harness, context)
            context.transcript.note("the support file holds \(bytes.count) bytes")
            // NOTE: the harness never receives the agent's private key, so it looks for a PEM private key
            // block. A key in another encoding, or a compressed archive, would pass unnoticed.
            try context.require(
                !bytes.containsBytes(Array(harness.handlers.enrollmentToken.utf8)),
                "the support file contains the enrollment token")
            try context.require(
                !bytes.containsBytes(Array("PRIVATE KEY-----".utf8)), "the support file contains a PEM private key")
        }
    }
}

extension Array where Element == UInt8 {
    /// Returns whether `needle` occurs anywhere in the bytes.
    fileprivate func containsBytes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
