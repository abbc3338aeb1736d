/// How one case ended.
public enum CaseStatus: String, Hashable, Sendable, Codable {
    /// The implementation did what every named requirement asks.
    case passed
    /// The implementation broke a named requirement.
    case failed
    /// The implementation refused what it had to refuse, but not in the exact way the specification
    /// names (another TLS alert, for example). With `--strict` this is a failure.
    case warning
    /// The case did not run: its profile is not declared, or the runner lacks something it needs.
    case skipped
    /// The case ran but could not decide, for example because the agent lacked a privilege that the
    /// specification lets it lack. It does not count as a failure.
    case notChecked = "not-checked"
    /// The failure is listed in the known-failures file with a reason, so it does not fail the run.
    case knownFailure = "known-failure"
}

/// What a case body throws to end the case with a status other than passed.
public struct CaseStop: Error, Hashable, Sendable, CustomStringConvertible {
    public let status: CaseStatus
    public let message: String

    public init(_ status: CaseStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public static func failed(_ message: String) -> CaseStop { CaseStop(.failed, message) }
    public static func skipped(_ message: String) -> CaseStop { CaseStop(.skipped, message) }
    public static func notChecked(_ message: String) -> CaseStop { CaseStop(.notChecked, message) }

    public var description: String { "\(status.rawValue): \(message)" }
}

/// The recorded outcome of one case, as the reports show it.
public struct CaseResult: Hashable, Sendable {
    public var id: String
    public var title: String
    public var requirements: [String]
    public var profile: Profile
    public var status: CaseStatus
    public var message: String
    /// Notes the case recorded while it passed, such as a refusal that used another alert.
    public var warnings: [String]
    public var durationMs: Int64
    public var transcript: [Transcript.Entry]
    /// Why the case is a known failure, from the known-failures file.
    public var knownFailureReason: String?

    public init(
        id: String, title: String, requirements: [String], profile: Profile, status: CaseStatus, message: String,
        warnings: [String], durationMs: Int64, transcript: [Transcript.Entry], knownFailureReason: String? = nil
    ) {
        self.id = id
        self.title = title
        self.requirements = requirements
        self.profile = profile
        self.status = status
        self.message = message
        self.warnings = warnings
        self.durationMs = durationMs
        self.transcript = transcript
        self.knownFailureReason = knownFailureReason
    }

    /// True when this result fails the run: a failure, or a warning under `--strict`.
    public func failsRun(strict: Bool) -> Bool {
        status == .failed || (strict && status == .warning)
    }
}
