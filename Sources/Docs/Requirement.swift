/// One requirement of the specification as `requirements.json` lists it.
public struct Requirement: Decodable, Hashable, Sendable {
    /// The stable id, such as `EACP-HEARTBEAT-001`.
    public var id: String
    /// `MUST`, `SHOULD` or `MAY`.
    public var level: String
    /// `agent`, `server` or both.
    public var roles: [String]
    /// The area part of the id, such as `HEARTBEAT`.
    public var area: String
    public var title: String
    public var text: String
    /// The page and anchor of the section that states it, relative to the specification folder, such as
    /// `README.md#encoding`.
    public var section: String
}

struct RequirementFile: Decodable {
    var requirements: [Requirement]
}

/// A conformance case as the documentation shows it: its id, a title, the requirements it checks and its profile.
public struct ConformanceCaseReference: Hashable, Sendable {
    /// The stable case id, such as `agent.heartbeat.interval-honoured`.
    public var id: String
    public var title: String
    /// The ids of the requirements the case checks.
    public var requirementIDs: [String]
    /// The conformance profile the case belongs to, such as `core` or `push-channel`. A case outside `core` runs
    /// only when the implementation under test declares its profile.
    public var profile: String

    public init(id: String, title: String, requirementIDs: [String], profile: String = "core") {
        self.id = id
        self.title = title
        self.requirementIDs = requirementIDs
        self.profile = profile
    }
}

/// A deliberately broken variant of a reference implementation, as the documentation lists it: the MUST
/// requirements it breaks and the conformance cases that catch it.
public struct BrokenVariantReference: Hashable, Sendable {
    /// The value of `EACP_BROKEN_VARIANT` that switches it on, such as `accepts-tls13`.
    public var name: String
    /// `server` or `agent`.
    public var role: String
    public var requirementIDs: [String]
    public var caseIDs: [String]
    public var summary: String

    public init(name: String, role: String, requirementIDs: [String], caseIDs: [String], summary: String) {
        self.name = name
        self.role = role
        self.requirementIDs = requirementIDs
        self.caseIDs = caseIDs
        self.summary = summary
    }
}
