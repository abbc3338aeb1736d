/// The outcome of checking the codec against every vector file, as a report for a person.
public struct VectorReport: Sendable {
    public var results: [VectorResult]

    public init(results: [VectorResult]) {
        self.results = results
    }

    /// Checks every vector in `spec`'s vector files.
    ///
    /// Throws when the schema or a vector file cannot be read; a vector that fails is a result, not an error.
    public static func check(spec: SpecDirectory) throws -> VectorReport {
        let checker = VectorChecker(schema: try spec.loadSchema())
        return VectorReport(results: checker.check(try spec.loadGroups()))
    }

    public var passedCount: Int { results.count(where: \.passed) }
    public var failedCount: Int { results.count - passedCount }

    /// One line per problem of each failed vector, then the totals, such as `vectors: 112 passed, 0 failed`.
    public var lines: [String] {
        var lines: [String] = []
        for result in results where !result.passed {
            for problem in result.problems { lines.append("FAIL \(result.group)/\(result.vector): \(problem)") }
        }
        lines.append("vectors: \(passedCount) passed, \(failedCount) failed")
        return lines
    }
}
