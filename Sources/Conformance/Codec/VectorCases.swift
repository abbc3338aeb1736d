import EACPVectors
import Foundation

/// The runner's own codec checked against spec/vectors, one case per vector file. The runner decodes
/// every message the implementation under test sends with this codec, so a codec fault would make
/// every other verdict doubtful.
public enum VectorCases {
    /// Returns the cases, or one skipped case when `spec` is nil.
    public static func all(spec: SpecDirectory?) -> [ConformanceCase] {
        guard let spec, let names = try? spec.vectorFileNames() else {
            return [ConformanceCase(
                "codec.vectors", "The runner's codec matches spec/vectors",
                requirements: ["EACP-ENCODING-001", "EACP-ENCODING-007"]
            ) { _ in
                throw CaseStop.skipped("spec/vectors was not found; run from the repository or pass --spec FOLDER")
            }]
        }
        return names.map { name in
            let group = (name as NSString).deletingPathExtension
            return ConformanceCase(
                "codec.vectors.\(group)", "The runner's codec matches spec/vectors/\(name)",
                requirements: ["EACP-ENCODING-002", "EACP-ENCODING-005", "EACP-ENCODING-007", "EACP-ENCODING-008"]
            ) { context in
                let report: VectorReport
                do {
                    let checker = VectorChecker(schema: try spec.loadSchema())
                    report = VectorReport(results: checker.check(try spec.loadGroups().filter { $0.name == group }))
                } catch {
                    throw CaseStop.failed("cannot read spec/vectors/\(name): \(error)")
                }
                for result in report.results where !result.passed {
                    context.transcript.record("runner", "vector \(result.group)/\(result.vector)", result.problems.joined(separator: "\n"))
                }
                try context.require(report.failedCount == 0, "\(report.failedCount) of \(report.results.count) vectors failed")
            }
        }
    }
}
