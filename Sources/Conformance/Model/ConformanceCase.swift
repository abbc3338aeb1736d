import Synchronization

/// One conformance case: a stable id, the requirement ids it checks, the profile it belongs to, and
/// the body that drives the implementation under test.
///
/// Case ids are dotted, role first (`agent.heartbeat.interval-honoured`, `server.tls.rejects-tls13-only`),
/// and never change meaning: a known-failures file and a CI history refer to them.
public struct ConformanceCase: Sendable {
    public let id: String
    public let title: String
    /// Requirement ids of spec/requirements.json, such as `EACP-TLS-002`.
    public let requirements: [String]
    public let profile: Profile
    /// The longest the body may run before the case fails as timed out.
    public let timeout: Duration
    public let body: @Sendable (CaseContext) async throws -> Void

    public init(
        _ id: String, _ title: String, requirements: [String], profile: Profile = .core,
        timeout: Duration = .seconds(30), body: @escaping @Sendable (CaseContext) async throws -> Void
    ) {
        self.id = id
        self.title = title
        self.requirements = requirements
        self.profile = profile
        self.timeout = timeout
        self.body = body
    }
}

/// What a case body gets: its transcript, whether the run is strict, and a place for warnings.
public final class CaseContext: Sendable {
    public let caseID: String
    public let transcript: Transcript
    /// Whether a refusal of the wrong kind fails the case rather than warning.
    public let strict: Bool
    private let warningStorage = Mutex<[String]>([])

    public init(caseID: String, transcript: Transcript = Transcript(), strict: Bool) {
        self.caseID = caseID
        self.transcript = transcript
        self.strict = strict
    }

    public var warnings: [String] { warningStorage.withLock { $0 } }

    /// Records a deviation that the specification names but that does not break the core of the
    /// requirement. Under `--strict` it fails the case instead.
    public func warn(_ message: String) throws(CaseStop) {
        if strict { throw .failed(message + " (a failure under --strict)") }
        transcript.note("warning: " + message)
        warningStorage.withLock { $0.append(message) }
    }

    /// Fails the case with `message` unless `condition` holds.
    public func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(CaseStop) {
        guard condition else { throw .failed(message()) }
    }
}
