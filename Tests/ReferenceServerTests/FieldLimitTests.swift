import EACPProtocol
import EACPTransport
import Foundation
import Testing

@testable import ReferenceServer

/// Count and length limits of the messages an agent sends: a field at its limit passes, one byte or
/// entry past it is named with its limit, and over the wire it gets 400 and is not stored.
struct FieldLimitTests {
    /// A message field at its limit and one past it, with the violation the second must produce.
    struct LimitCase: CustomStringConvertible {
        let description: String
        let atLimit: FieldLimitViolation?
        let pastLimit: FieldLimitViolation?
        let expected: FieldLimitViolation
    }

    static func text(_ bytes: Int) -> String { String(repeating: "x", count: bytes) }

    static func heartbeat(_ change: (inout Heartbeat) -> Void) -> Heartbeat {
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = "1.4"
        heartbeat.sequenceNumber = 1
        change(&heartbeat)
        return heartbeat
    }

    static func heartbeatCase(
        _ field: String, max: Int, unit: FieldLimitViolation.Unit = .bytes, _ build: @escaping (Int) -> Heartbeat
    ) -> LimitCase {
        LimitCase(
            description: "heartbeat \(field)", atLimit: FieldLimits.violation(in: build(max)),
            pastLimit: FieldLimits.violation(in: build(max + 1)),
            expected: FieldLimitViolation(field: field, minimum: 0, maximum: max, unit: unit, actual: max + 1))
    }

    static let heartbeatCases: [LimitCase] = [
        heartbeatCase("capabilities.features", max: 64, unit: .entries) { count in
            heartbeat { $0.capabilities = .init(); $0.capabilities?.features = (0..<count).map { "feature-\($0)" } }
        },
        heartbeatCase("capabilities.action_kinds", max: 64, unit: .entries) { count in
            heartbeat { $0.capabilities = .init(); $0.capabilities?.actionKinds = Array(repeating: .quarantineFile, count: count) }
        },
        heartbeatCase("capabilities.features[1]", max: 64) { bytes in
            heartbeat { $0.capabilities = .init(); $0.capabilities?.features = ["short", text(bytes)] }
        },
        heartbeatCase("push_channel.last_error", max: 512) { bytes in
            heartbeat { $0.pushChannel = .init(); $0.pushChannel?.lastError = text(bytes) }
        },
        heartbeatCase("proxy.host", max: 255) { bytes in
            heartbeat { $0.proxy = .init(); $0.proxy?.host = text(bytes) }
        },
        heartbeatCase("last_upgrade.detail", max: 1_024) { bytes in
            heartbeat { $0.lastUpgrade = .init(); $0.lastUpgrade?.detail = text(bytes) }
        },
    ]

    static func enrollment(_ change: (inout EnrollmentRequest) -> Void) -> EnrollmentRequest {
        var request = EnrollmentRequest()
        request.enrollmentToken = text(32)
        request.certificateSigningRequest = .csrPem("pem")
        request.agentVersion = "1.4"
        request.hostName = "host"
        change(&request)
        return request
    }

    static func platform(osVersion: Int = 0, architecture: Int = 0) -> Platform {
        var platform = Platform()
        platform.osVersion = text(osVersion)
        platform.architecture = text(architecture)
        return platform
    }

    static func messageCase(
        _ description: String, _ field: String, _ range: ClosedRange<Int>, unit: FieldLimitViolation.Unit = .bytes,
        _ check: (Int) -> FieldLimitViolation?
    ) -> LimitCase {
        LimitCase(
            description: description, atLimit: check(range.upperBound), pastLimit: check(range.upperBound + 1),
            expected: FieldLimitViolation(
                field: field, minimum: range.lowerBound, maximum: range.upperBound, unit: unit, actual: range.upperBound + 1))
    }

    static let otherCases: [LimitCase] = [
        messageCase("enrollment csr_pem", "csr_pem", 0...16_384) { bytes in
            FieldLimits.violation(in: enrollment { $0.certificateSigningRequest = .csrPem(text(bytes)) })
        },
        messageCase("enrollment csr_der", "csr_der", 0...8_192) { bytes in
            FieldLimits.violation(in: enrollment { $0.certificateSigningRequest = .csrDer(Array(repeating: 1, count: bytes)) })
        },
        messageCase("enrollment host_name", "host_name", 1...255) { bytes in
            FieldLimits.violation(in: enrollment { $0.hostName = text(bytes) })
        },
        messageCase("enrollment os_version", "platform.os_version", 0...256) { bytes in
            FieldLimits.violation(in: enrollment { $0.platform = platform(osVersion: bytes) })
        },
        messageCase("enrollment architecture", "platform.architecture", 0...32) { bytes in
            FieldLimits.violation(in: enrollment { $0.platform = platform(architecture: bytes) })
        },
        messageCase("status architecture", "platform.architecture", 0...32) { bytes in
            var report = StatusReport()
            report.platform = platform(architecture: bytes)
            return FieldLimits.violation(in: report)
        },
        messageCase("status components", "components", 0...64, unit: .entries) { count in
            var report = StatusReport()
            report.components = Array(repeating: { var c = StatusReport.ComponentStatus(); c.name = "c"; return c }(), count: count)
            return FieldLimits.violation(in: report)
        },
        messageCase("status component detail", "components[0].detail", 0...1_024) { bytes in
            var component = StatusReport.ComponentStatus()
            component.name = "scanner"
            component.detail = text(bytes)
            var report = StatusReport()
            report.components = [component]
            return FieldLimits.violation(in: report)
        },
        messageCase("status property value", "properties[0].value", 0...4_096) { bytes in
            var property = StatusReport.Property()
            property.name = "name"
            property.value = text(bytes)
            var report = StatusReport()
            report.properties = [property]
            return FieldLimits.violation(in: report)
        },
        messageCase("log records", "records", 1...1_000, unit: .entries) { count in
            var batch = AgentLogBatch()
            batch.records = (0..<count).map { index in var record = AgentLogRecord(); record.sequenceNumber = UInt64(index + 1); return record }
            return FieldLimits.violation(in: batch)
        },
        messageCase("log message", "records[0].message", 0...4_096) { bytes in
            var record = AgentLogRecord()
            record.message = text(bytes)
            var batch = AgentLogBatch()
            batch.records = [record]
            return FieldLimits.violation(in: batch)
        },
        messageCase("upload chunk", "chunk", 0...4_190_208) { bytes in
            var chunk = UploadChunk()
            chunk.uploadId = "upload-1"
            chunk.chunk = Array(repeating: 0x61, count: bytes)
            return FieldLimits.violation(in: chunk)
        },
        messageCase("upload id", "upload_id", 1...64) { bytes in
            var chunk = UploadChunk()
            chunk.uploadId = text(bytes)
            return FieldLimits.violation(in: chunk)
        },
        messageCase("push terminal data", "terminal_data.chunk", 1...65_536) { bytes in
            var data = TerminalData()
            data.sessionId = "session-1"
            data.chunk = Array(repeating: 0x61, count: bytes)
            return FieldLimits.violation(in: .terminalData(data))
        },
        messageCase("push terminal close", "terminal_close.detail", 0...1_024) { bytes in
            var close = TerminalClose()
            close.sessionId = "session-1"
            close.detail = text(bytes)
            return FieldLimits.violation(in: .terminalClose(close))
        },
        messageCase("push error", "error.message", 0...1_024) { bytes in
            var reply = ErrorReply()
            reply.message = text(bytes)
            return FieldLimits.violation(in: .error(reply))
        },
    ]

    @Test(arguments: heartbeatCases + otherCases)
    func limitIsInclusive(_ limitCase: LimitCase) {
        #expect(limitCase.atLimit == nil)
        #expect(limitCase.pastLimit == limitCase.expected)
    }

    @Test func violationMessageNamesFieldAndLimit() {
        let entries = FieldLimitViolation(field: "capabilities.features", minimum: 0, maximum: 64, unit: .entries, actual: 65)
        #expect(entries.message == "capabilities.features has 65 entries but must have at most 64 entries")
        let bytes = FieldLimitViolation(field: "host_name", minimum: 1, maximum: 255, unit: .bytes, actual: 256)
        #expect(bytes.message == "host_name has 256 bytes but must have 1 to 255 bytes")
        #expect(bytes.failure == ProtocolFailure(.badRequest, bytes.message))
    }
}
