import Foundation

/// Everything one run produced: what was tested, how each case ended, and the exit status.
public struct RunReport: Sendable {
    /// `agent`, `server` or `reference` (both references and the codec vectors).
    public var mode: String
    /// The implementation under test, in words: the agent command or the server URL.
    public var target: String
    public var options: RunOptions
    public var startedAt: Date
    public var durationMs: Int64
    public var results: [CaseResult]
    /// Why the known-failures file is stale; empty when it is current or absent.
    public var staleKnownFailures: [String]

    public init(
        mode: String, target: String, options: RunOptions, startedAt: Date, durationMs: Int64, results: [CaseResult],
        staleKnownFailures: [String] = []
    ) {
        self.mode = mode
        self.target = target
        self.options = options
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.results = results
        self.staleKnownFailures = staleKnownFailures
    }

    public func count(_ status: CaseStatus) -> Int { results.count { $0.status == status } }

    /// The exit status of spec/conformance.md: 1 when a required case failed, else 3 when the
    /// known-failures file is stale, else 0.
    public var exitStatus: ExitStatus {
        if results.contains(where: { $0.failsRun(strict: options.strict) }) { return .caseFailed }
        if !staleKnownFailures.isEmpty { return .staleKnownFailures }
        return .passed
    }

    /// Marks failures listed in `knownFailures` and records entries that are stale.
    public mutating func apply(_ knownFailures: KnownFailures, allCaseIDs: Set<String>) {
        staleKnownFailures = knownFailures.staleEntries(results: results, allCaseIDs: allCaseIDs, strict: options.strict)
        for index in results.indices where results[index].failsRun(strict: options.strict) {
            guard let reason = knownFailures.reason(for: results[index].id), !reason.isEmpty else { continue }
            results[index].status = .knownFailure
            results[index].knownFailureReason = reason
        }
    }
}

/// The runner's exit statuses, fixed by spec/conformance.md.
public enum ExitStatus: Int32, Sendable {
    /// Every required case passed.
    case passed = 0
    /// A required case failed.
    case caseFailed = 1
    /// The runner could not run: bad usage, or the implementation or a peer could not be started.
    case harnessError = 2
    /// The known-failures file is stale: an entry lacks its reason, or a listed case now passes.
    case staleKnownFailures = 3
}
