/// One deliberately broken variant of a reference implementation, and the cases that must catch it.
///
/// A variant is switched on in the reference server or agent with `EACP_ALLOW_BROKEN_VARIANTS=1` and
/// `EACP_BROKEN_VARIANT=<name>`. The suite's own tests run the listed cases against it and expect each
/// of them to fail, and expect the failing cases together to name every requirement the variant
/// breaks. That is the proof that the suite can fail for the reason it claims.
public struct BrokenVariantEntry: Hashable, Sendable {
    /// The reference implementation the variant changes.
    public enum Role: String, Hashable, Sendable {
        case server
        case agent
    }

    /// The value of `EACP_BROKEN_VARIANT`, such as `accepts-tls13`.
    public let name: String
    public let role: Role
    /// The MUST requirements the variant breaks, such as `EACP-TLS-001`.
    public let requirements: [String]
    /// Ids of the cases that must fail against the variant. Each names at least one of `requirements`.
    public let cases: [String]
    /// A one-sentence summary of what the variant does wrong.
    public let summary: String

    public init(_ name: String, role: Role, breaks requirements: [String], caughtBy cases: [String], _ summary: String) {
        self.name = name
        self.role = role
        self.requirements = requirements
        self.cases = cases
        self.summary = summary
    }
}
