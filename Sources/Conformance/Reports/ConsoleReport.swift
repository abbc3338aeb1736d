import Foundation

/// The report for a person: a progress line per case while the suite runs, then a summary with
/// each failure's message and transcript.
public enum ConsoleReport {
    /// One progress line, written as each case starts or ends.
    public static func progressLine(_ event: SuiteRunner.ProgressEvent) -> String? {
        switch event {
        case .started:
            return nil
        case .finished(let result):
            let label = result.status.rawValue.uppercased().padding(toLength: 13, withPad: " ", startingAt: 0)
            var line = "\(label) \(result.id) (\(result.durationMs) ms)"
            if result.status != .passed && !result.message.isEmpty { line += ": " + result.message }
            return line
        case .note(let text):
            return "-- " + text
        }
    }

    public static func summary(_ report: RunReport, reportFiles: [String]) -> String {
        var text = "\n"
        let failing = report.results.filter { $0.failsRun(strict: report.options.strict) }
        for result in failing {
            text += "FAILED \(result.id) [\(result.requirements.joined(separator: ", "))]\n"
            text += "  \(result.message)\n"
            text += TranscriptText.render(result.transcript)
            text += "\n"
        }
        for problem in report.staleKnownFailures { text += "STALE known failure: \(problem)\n" }
        let counts = [CaseStatus.passed, .failed, .warning, .skipped, .notChecked, .knownFailure]
            .map { "\(report.count($0)) \($0.rawValue)" }.joined(separator: ", ")
        text += "eacp-conformance \(report.mode) (\(report.target)): \(counts) in \(report.durationMs / 1_000) s\n"
        for file in reportFiles { text += "report: \(file)\n" }
        text += "exit status \(report.exitStatus.rawValue)\n"
        return text
    }
}
