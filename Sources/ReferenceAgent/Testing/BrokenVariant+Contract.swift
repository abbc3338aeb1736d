import EACPProtocol
import EACPTransport
import Foundation
import Synchronization

// Variants of the launch contract, enrollment, heartbeats, settings, content and upgrades.
extension BrokenVariant {
    /// Ignores the credentials in the state folder and enrolls again at every start (breaks
    /// EACP-ENROLL-006, EACP-ENROLL-011 and EACP-ENROLL-016).
    static let enrollsAtEveryStart = BrokenVariant("enrolls-at-every-start")
    /// Numbers heartbeats from 1 again in every process instead of continuing the stored numbering
    /// (breaks EACP-HEARTBEAT-004 and EACP-ENROLL-016).
    static let restartsHeartbeatNumbering = BrokenVariant("restarts-heartbeat-numbering")
    /// Exits with status 1 instead of 0 after SIGTERM (breaks EACP-ENROLL-015).
    static let failsOnSIGTERM = BrokenVariant("fails-on-sigterm")
    /// Starts every process from the default settings instead of those the server set (breaks
    /// EACP-HEARTBEAT-009).
    static let forgetsSettings = BrokenVariant("forgets-settings")
    /// Uses a status report interval below 1000 ms as given instead of clamping it (breaks
    /// EACP-HEARTBEAT-009).
    static let skipsSettingsClamp = BrokenVariant("skips-settings-clamp")
    /// Accepts a server URL with a path and ignores the path (breaks EACP-TRANSPORT-001 and
    /// EACP-TRANSPORT-017).
    static let acceptsURLPath = BrokenVariant("accepts-url-path")
    /// Reports a missing setting without naming its variable (breaks EACP-ENROLL-013).
    static let hidesMissingVariable = BrokenVariant("hides-missing-variable")
    /// Reports an unusable CA file without naming the file (breaks EACP-TLS-015).
    static let hidesCAFileName = BrokenVariant("hides-ca-file-name")
    /// Creates the state folder only when its parent exists (breaks EACP-ENROLL-012).
    static let needsStateFolderParent = BrokenVariant("needs-state-folder-parent")
    /// Exits at start when an `EACP_CONFORMANCE_` variable is set, as an agent that rejects unknown
    /// variables would (breaks EACP-ENROLL-014). It looks at that prefix only, so that the variables
    /// of a test environment do not stop it before a case runs.
    static let rejectsUnknownVariables = BrokenVariant("rejects-unknown-variables")
    /// Downloads an upgrade offer whose SHA-256 is not 32 bytes long (breaks EACP-UPGRADE-007).
    static let acceptsShortUpgradeDigest = BrokenVariant("accepts-short-upgrade-digest")
    /// Tells whether it already runs an offered version by comparing the text, not the value
    /// (breaks EACP-VERSION-004).
    static let comparesVersionText = BrokenVariant("compares-version-text")
    /// Hands an upgrade package to the install hook without checking its size and SHA-256 (breaks
    /// EACP-UPGRADE-003).
    static let installsUnverifiedUpgrade = BrokenVariant("installs-unverified-upgrade")
    /// Opens the push channel without its client certificate, directly (breaks EACP-TLS-011).
    static let pushWithoutClientCertificate = BrokenVariant("push-without-client-certificate")
    /// Reports an ended upgrade attempt in one heartbeat only (breaks EACP-UPGRADE-005).
    static let reportsUpgradeOnce = BrokenVariant("reports-upgrade-once")

    /// Heartbeat numbers of the `restarts-heartbeat-numbering` variant, kept in memory only.
    static let heartbeatNumbers = Mutex<Int64>(0)
    /// `finished_unix_ms` of the upgrade records the `reports-upgrade-once` variant already reported.
    static let reportedUpgrades = Mutex<Set<Int64>>([])

    /// Returns the next heartbeat sequence number of the `restarts-heartbeat-numbering` variant.
    static func nextHeartbeatNumberInMemory() -> Int64 {
        heartbeatNumbers.withLock { number in
            number += 1
            return number
        }
    }

    /// `record`, or nil when the `reports-upgrade-once` variant has already reported it.
    static func upgradeRecordOnce(_ record: Heartbeat.UpgradeRecord?) -> Heartbeat.UpgradeRecord? {
        guard let record, isActive(.reportsUpgradeOnce) else { return record }
        return reportedUpgrades.withLock { $0.insert(record.finishedUnixMs).inserted } ? record : nil
    }

    /// Fails when the `rejects-unknown-variables` variant finds an `EACP_CONFORMANCE_` variable.
    static func checkUnknownVariables(_ environment: [String: String]) throws(AgentOptionsError) {
        guard isActive(.rejectsUnknownVariables) else { return }
        if let name = environment.keys.sorted().first(where: { $0.hasPrefix("EACP_CONFORMANCE_") }) {
            throw AgentOptionsError(.invalidValue, "unknown environment variable \(name); remove it to start the agent")
        }
    }
}

extension Agent {
    /// Makes a direct connector to the server that pins the CA but presents no client certificate,
    /// for the `push-without-client-certificate` variant.
    func connectorWithoutCredentials() throws -> ClientConnector {
        let context = try TLSContext(configuration: .client(
            trustedCAPEM: try options.readPinnedCA(), expectedHostName: options.serverURL.host))
        let host = options.serverURL.host
        return ClientConnector(host: host, port: options.serverURL.port) {
            try AgentTLSStream(context: context, serverName: host, observation: nil)
        }
    }
}
