import Foundation

/// A deliberate fault the conformance suite's own tests switch on to prove that a case catches it.
///
/// Read once from `EACP_BROKEN_VARIANT`, and only when `EACP_ALLOW_BROKEN_VARIANTS=1` is set too, so a
/// stray variable alone never breaks a deployed agent.
enum BrokenVariant: String, Sendable {
    /// Runs an action again when it is delivered a second time (breaks EACP-ACTION-011).
    case runsDuplicateTwice = "runs-duplicate-twice"

    static let active: BrokenVariant? = {
        let environment = ProcessInfo.processInfo.environment
        guard environment["EACP_ALLOW_BROKEN_VARIANTS"] == "1" else { return nil }
        return environment["EACP_BROKEN_VARIANT"].flatMap(BrokenVariant.init(rawValue:))
    }()

    static func isActive(_ variant: BrokenVariant) -> Bool { active == variant }
}
