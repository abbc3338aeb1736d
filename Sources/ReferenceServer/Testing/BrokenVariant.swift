import EACPProtocol
import Foundation

/// A deliberate fault the conformance suite's own tests switch on to prove that a case catches it.
///
/// The active variant is read once from `EACP_BROKEN_VARIANT`, and only when
/// `EACP_ALLOW_BROKEN_VARIANTS=1` is set too, so a stray variable alone never breaks a deployed
/// server. Each variant is a static member declared next to the area it breaks, in the
/// `BrokenVariant+*.swift` files; its name is the value of `EACP_BROKEN_VARIANT`.
struct BrokenVariant: Hashable, Sendable {
    let name: String

    init(_ name: String) { self.name = name }

    static let activeName: String? = {
        let environment = ProcessInfo.processInfo.environment
        guard environment["EACP_ALLOW_BROKEN_VARIANTS"] == "1" else { return nil }
        return environment["EACP_BROKEN_VARIANT"]
    }()

    static func isActive(_ variant: BrokenVariant) -> Bool { activeName == variant.name }
}

extension BrokenVariant {
    /// Accepts a heartbeat whose sequence_number is 0 (breaks EACP-HEARTBEAT-005).
    static let acceptsSequenceZero = BrokenVariant("accepts-sequence-zero")
    /// Offers content of a lower revision than the agent's, as a downgrade (breaks EACP-CONTENT-002).
    static let offersOlderContent = BrokenVariant("offers-older-content")
    /// Pushes actions to agents whose version is below the kind's lowest push version, which may
    /// receive them only in heartbeat replies (breaks EACP-VERSION-006 and EACP-VERSION-007).
    static let pushesBelowPushVersion = BrokenVariant("pushes-below-push-version")
    /// Negotiates TLS 1.3 with clients that offer it (breaks EACP-TLS-001 and EACP-TLS-003).
    static let acceptsTLS13 = BrokenVariant("accepts-tls13")
}

extension ActionGate.Decision {
    /// Whether the server may push the action: only a `.push` decision allows it, unless the
    /// `pushes-below-push-version` variant also lets heartbeat-only actions through.
    var allowsPush: Bool {
        switch self {
        case .push: true
        case .heartbeatOnly: BrokenVariant.isActive(.pushesBelowPushVersion)
        case .unsupported: false
        }
    }
}
