// Writes to a store in an endless loop and prints the number of each write after the store
// acknowledged it. The storage tests kill this process with SIGKILL in the middle of the loop and
// then check that every printed write is in the file.
//
// Usage: eacp-storage-crashtest agent-queue|server-events DATABASE-PATH

import Foundation
import ReferenceAgent
import ReferenceServer

/// Prints one acknowledged write number and flushes, so the parent reads it before the next write starts.
func acknowledge(_ number: Int) {
    FileHandle.standardOutput.write(Data("\(number)\n".utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("eacp-storage-crashtest: \(message)\n".utf8))
    exit(2)
}

func runAgentQueue(path: String) throws -> Never {
    let store = try AgentStore(path: path)
    for number in 1... {
        let outcome = try store.enqueueEvent(
            eventID: "event-\(number)", encoded: Array("payload \(number)".utf8), recordedUnixMs: Int64(number))
        guard case .queued = outcome else { fail("event \(number) was not queued: \(outcome)") }
        acknowledge(number)
    }
    fatalError("unreachable: the loop above never ends")
}

func runServerEvents(path: String) throws -> Never {
    let store = try SQLiteServerStore(path: path)
    let digest = [UInt8](repeating: 0xC0, count: 32)
    try store.insertEnrollmentToken(
        EnrollmentTokenRecord(tokenDigest: digest, label: "crash test", createdUnixMs: 0, expiresUnixMs: .max, maximumUses: 1))
    let agent = AgentRecord(agentID: "crash-agent", certificateFingerprint: "crash", enrolledUnixMs: 0, agentVersion: "1.0")
    _ = try store.enrollAgent(agent, tokenDigest: digest, nowUnixMs: 0)

    for number in 1... {
        let event = SecurityEventRecord(
            agentID: "crash-agent", eventID: "event-\(number)", observedUnixMs: Int64(number), receivedUnixMs: Int64(number),
            eventType: "crash.test", severity: 1, encoded: Array("payload \(number)".utf8))
        guard try store.storeEvents([event]).newEventIDs == ["event-\(number)"] else {
            fail("event \(number) was not stored as new")
        }
        acknowledge(number)
    }
    fatalError("unreachable: the loop above never ends")
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    fail("expected a mode (agent-queue or server-events) and a database path")
}
do {
    switch arguments[1] {
    case "agent-queue": try runAgentQueue(path: arguments[2])
    case "server-events": try runServerEvents(path: arguments[2])
    default: fail("unknown mode \(arguments[1]); expected agent-queue or server-events")
    }
} catch {
    fail("\(error)")
}
