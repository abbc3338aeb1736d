import Foundation

/// The machine-readable report, `conformance-report.json`. Its layout is the versioned schema in
/// spec/conformance.md; `schema_version` changes whenever a field changes meaning or goes away.
public enum JSONReport {
    public static let schemaVersion = 1

    public static func encode(_ report: RunReport) -> [UInt8] {
        let object: [String: Any] = [
            "schema_version": schemaVersion,
            "mode": report.mode,
            "target": report.target,
            "started_at": ISO8601DateFormatter().string(from: report.startedAt),
            "duration_ms": report.durationMs,
            "strict": report.options.strict,
            "profiles": report.options.profiles.sorted().map(\.rawValue),
            "exit_status": Int(report.exitStatus.rawValue),
            "totals": totals(report),
            "stale_known_failures": report.staleKnownFailures,
            "cases": report.results.map(caseObject),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return Array(data) + [UInt8(ascii: "\n")]
    }

    static func totals(_ report: RunReport) -> [String: Int] {
        var totals: [String: Int] = ["total": report.results.count]
        for status in [CaseStatus.passed, .failed, .warning, .skipped, .notChecked, .knownFailure] {
            totals[status.rawValue] = report.count(status)
        }
        return totals
    }

    static func caseObject(_ result: CaseResult) -> [String: Any] {
        var object: [String: Any] = [
            "id": result.id,
            "title": result.title,
            "requirements": result.requirements,
            "profile": result.profile.rawValue,
            "status": result.status.rawValue,
            "message": result.message,
            "warnings": result.warnings,
            "duration_ms": result.durationMs,
        ]
        if let reason = result.knownFailureReason { object["known_failure_reason"] = reason }
        if result.status != .passed && result.status != .skipped {
            object["transcript"] = result.transcript.map { entry -> [String: Any] in
                ["offset_ms": entry.offsetMs, "direction": entry.direction, "summary": entry.summary, "detail": entry.detail]
            }
        }
        return object
    }
}
