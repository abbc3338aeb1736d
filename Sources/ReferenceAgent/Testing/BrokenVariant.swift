import EACPProtocol
import Foundation

/// A deliberate fault the conformance suite's own tests switch on to prove that a case catches it.
///
/// The active variant is read once from `EACP_BROKEN_VARIANT`, and only when
/// `EACP_ALLOW_BROKEN_VARIANTS=1` is set too, so a stray variable alone never breaks a deployed
/// agent. Each variant is a static member declared next to the area it breaks, in the
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
    /// Runs an action again when it is delivered a second time (breaks EACP-ACTION-011).
    static let runsDuplicateTwice = BrokenVariant("runs-duplicate-twice")
    /// Sends a security event only after the next heartbeat was answered, not at once (breaks
    /// EACP-EVENT-002).
    static let holdsEventsForHeartbeat = BrokenVariant("holds-events-for-heartbeat")
}

extension Agent {
    /// Whether the `holds-events-for-heartbeat` variant keeps `batch` back: it does until a heartbeat
    /// is answered after the newest event of the batch was observed.
    func holdsForHeartbeat(_ batch: [SecurityEvent]) -> Bool {
        guard BrokenVariant.isActive(.holdsEventsForHeartbeat) else { return false }
        let newest = batch.map(\.observedUnixMs).max() ?? 0
        let answered = runtime.withLock { $0.lastHeartbeatAnsweredUnixMs } ?? 0
        return answered <= newest
    }
}
