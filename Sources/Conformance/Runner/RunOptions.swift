/// The settings of one conformance run that do not depend on the implementation under test.
public struct RunOptions: Sendable {
    /// Profiles the implementation declares; `core` is always in the set.
    public var profiles: Set<Profile> = [.core]
    /// When true, a refusal of the wrong kind (a warning) fails its case.
    public var strict = false
    /// Runs only cases whose id starts with one of these prefixes; empty runs every case.
    public var caseFilters: [String] = []
    /// Folder for the JUnit XML and JSON reports.
    public var reportDirectory = "./conformance-reports"
    /// File of cases expected to fail, each with a reason; see spec/conformance.md.
    public var knownFailuresPath: String?

    public init() {}

    /// Whether the case with `id` is selected by the filters.
    public func selects(_ id: String) -> Bool {
        caseFilters.isEmpty || caseFilters.contains { id.hasPrefix($0) }
    }
}
