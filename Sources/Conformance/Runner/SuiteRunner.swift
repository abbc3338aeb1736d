import Foundation

/// Runs cases one after another, each under its own timeout, and turns every way a case can end
/// into a `CaseResult`.
///
/// Cases run sequentially on purpose: agent cases share one agent process and one harness server,
/// and timing cases would measure each other's load if they overlapped.
public struct SuiteRunner: Sendable {
    public let options: RunOptions
    public let progress: @Sendable (ProgressEvent) -> Void

    /// What the runner reports while it works.
    public enum ProgressEvent: Sendable {
        case started(ConformanceCase, index: Int, count: Int)
        case finished(CaseResult)
        case note(String)
    }

    public init(options: RunOptions, progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }) {
        self.options = options
        self.progress = progress
    }

    /// Runs the selected cases of `cases` in order. Cases of undeclared profiles are skipped with the reason.
    public func run(_ cases: [ConformanceCase]) async -> [CaseResult] {
        let selected = cases.filter { options.selects($0.id) }
        var results: [CaseResult] = []
        for (index, conformanceCase) in selected.enumerated() {
            progress(.started(conformanceCase, index: index + 1, count: selected.count))
            let result = await run(conformanceCase)
            progress(.finished(result))
            results.append(result)
        }
        return results
    }

    /// Runs one case, or skips it when its profile is not declared.
    public func run(_ conformanceCase: ConformanceCase) async -> CaseResult {
        var result = CaseResult(
            id: conformanceCase.id, title: conformanceCase.title, requirements: conformanceCase.requirements,
            profile: conformanceCase.profile, status: .passed, message: "", warnings: [], durationMs: 0, transcript: [])
        guard options.profiles.contains(conformanceCase.profile) else {
            result.status = .skipped
            result.message = "profile \(conformanceCase.profile.rawValue) is not declared; pass --profiles to include it"
            return result
        }

        let context = CaseContext(caseID: conformanceCase.id, strict: options.strict)
        let started = ContinuousClock.now
        do {
            try await Self.withTimeout(conformanceCase.timeout) { try await conformanceCase.body(context) }
        } catch let stop as CaseStop {
            result.status = stop.status
            result.message = stop.message
        } catch is CaseTimeout {
            result.status = .failed
            result.message = "timed out after \(conformanceCase.timeout.milliseconds) ms"
        } catch {
            result.status = .failed
            result.message = "\(error)"
        }
        result.durationMs = (ContinuousClock.now - started).milliseconds
        result.warnings = context.warnings
        if result.status == .passed, !result.warnings.isEmpty {
            result.status = .warning
            result.message = result.warnings.joined(separator: "; ")
        }
        result.transcript = context.transcript.entries
        return result
    }

    struct CaseTimeout: Error {}

    static func withTimeout(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw CaseTimeout()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
