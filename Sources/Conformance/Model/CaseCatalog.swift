import EACPVectors

/// The metadata of one conformance case without its body, for documentation and reports.
public struct CaseDescription: Hashable, Sendable {
    /// The stable case id, such as `agent.heartbeat.interval-honoured`.
    public let id: String
    public let title: String
    /// Requirement ids of spec/requirements.json, such as `EACP-TLS-002`.
    public let requirements: [String]
    public let profile: Profile
}

/// The list of every conformance case the runner has, in the order of a reference run: codec cases,
/// then server cases, then agent cases.
public enum CaseCatalog {
    /// Returns every case's description. There is one codec case per file of `spec/vectors`, so `spec`
    /// decides their ids. When `spec` is nil, the list contains the single skipped `codec.vectors` case instead.
    public static func all(spec: SpecDirectory?) -> [CaseDescription] {
        let cases = VectorCases.all(spec: spec) + ServerCases.all(.placeholder) + AgentCases.all(nil, eventCommand: nil)
        return cases.map { conformanceCase in
            CaseDescription(
                id: conformanceCase.id, title: conformanceCase.title, requirements: conformanceCase.requirements,
                profile: conformanceCase.profile)
        }
    }
}
