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

    /// Rejects a heartbeat reply that contains a field its schema does not define (breaks
    /// EACP-ENCODING-002).
    static let rejectsUnknownReplyFields = BrokenVariant("rejects-unknown-reply-fields")
    /// Takes the first of several `next_heartbeat_interval_ms` values in a heartbeat reply instead of
    /// the last (breaks EACP-ENCODING-005).
    static let keepsFirstInterval = BrokenVariant("keeps-first-interval")
    /// Empties its security event queue when it stops on SIGTERM (breaks EACP-ENROLL-015 and
    /// EACP-ENROLL-016).
    static let dropsQueueOnStop = BrokenVariant("drops-queue-on-stop")
    /// Sends its private key as PEM in the enrollment request's `host_name` (breaks EACP-ENROLL-002).
    static let sendsPrivateKey = BrokenVariant("sends-private-key")
    /// Sends an empty heartbeat, without a client certificate, before it enrolls (breaks EACP-ENROLL-001).
    static let heartbeatBeforeEnrollment = BrokenVariant("heartbeat-before-enrollment")
    /// Opens the push channel before the first heartbeat and sends that heartbeat once the channel is
    /// open, or after 5 s (breaks EACP-HEARTBEAT-001).
    static let opensPushFirst = BrokenVariant("opens-push-first")
    /// Waits 1000 ms between heartbeats whatever interval the server sets (breaks EACP-HEARTBEAT-002).
    static let fixesHeartbeatInterval = BrokenVariant("fixes-heartbeat-interval")
    /// Lists no action kinds in its heartbeats (breaks EACP-HEARTBEAT-003).
    static let omitsActionKinds = BrokenVariant("omits-action-kinds")
    /// Reports its version with a leading `v`, such as `v1.4.0` (breaks EACP-VERSION-001).
    static let prefixesVersion = BrokenVariant("prefixes-version")
    /// Offers TLS 1.3 besides TLS 1.2 in its ClientHello (breaks EACP-TLS-004).
    static let offersTLS13 = BrokenVariant("offers-tls13")
    /// Installs offered content of a lower revision without the downgrade flag (breaks EACP-CONTENT-004).
    static let ignoresDowngradeFlag = BrokenVariant("ignores-downgrade-flag")
    /// Installs offered content without checking its size and SHA-256 (breaks EACP-CONTENT-005).
    static let installsUnverifiedContent = BrokenVariant("installs-unverified-content")
    /// Reports offered content as in use before downloading it (breaks EACP-CONTENT-006).
    static let reportsContentEarly = BrokenVariant("reports-content-early")

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

    /// Returns `configuration`, allowing TLS 1.3 when the `offers-tls13` variant is active, and with the
    /// faults of an active TLS client variant of `BrokenVariant+Transport.swift`.
    static func clientTLS(_ configuration: TLSConfiguration) -> TLSConfiguration {
        var adjusted = configuration
        if isActive(.offersTLS13) { adjusted.maximumProtocolVersionForTesting = .tls1_3 }
        applyTransportFaults(to: &adjusted)
        return adjusted
    }

    /// Fails when the `rejects-unknown-reply-fields` variant finds unknown fields in a heartbeat reply.
    static func checkUnknownFields(_ reply: some WireMessage) throws {
        guard isActive(.rejectsUnknownReplyFields), let reply = reply as? HeartbeatReply, !reply.unknownFields.isEmpty else { return }
        throw UnknownFieldsError(byteCount: reply.unknownFields.count)
    }

    /// Returns `reply`, with the first `next_heartbeat_interval_ms` of `body` when the
    /// `keeps-first-interval` variant is active and `reply` is a heartbeat reply.
    static func keepingFirstInterval<Reply: WireMessage>(_ reply: Reply, body: [UInt8]) -> Reply {
        guard isActive(.keepsFirstInterval), var heartbeatReply = reply as? HeartbeatReply,
            let first = firstVarint(ofField: 2, in: body)
        else { return reply }
        heartbeatReply.nextHeartbeatIntervalMs = UInt32(truncatingIfNeeded: first)
        return heartbeatReply as? Reply ?? reply
    }

    /// Returns the first varint value of top-level field `number` in `bytes`, or nil when there is none
    /// or the bytes end early.
    static func firstVarint(ofField number: UInt64, in bytes: [UInt8]) -> UInt64? {
        var index = 0
        func readVarint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.count {
            guard let tag = readVarint() else { return nil }
            switch tag & 7 {
            case 0:
                guard let value = readVarint() else { return nil }
                if tag >> 3 == number { return value }
            case 1: index += 8
            case 2:
                guard let length = readVarint(), length <= UInt64(bytes.count - index) else { return nil }
                index += Int(length)
            case 5: index += 4
            default: return nil
            }
        }
        return nil
    }

    /// The error of the `rejects-unknown-reply-fields` variant.
    struct UnknownFieldsError: Error, CustomStringConvertible {
        var byteCount: Int
        var description: String { "the reply has \(byteCount) bytes of unknown fields" }
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

extension Agent {
    /// Opens the push channel and waits up to 5 s for it, for the `opens-push-first` variant.
    func openPushBeforeFirstHeartbeat() async {
        guard BrokenVariant.isActive(.opensPushFirst) else { return }
        push.start(agent: self)
        let deadline = ContinuousClock.now + .seconds(5)
        while !push.isConnected, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}

extension Agent {
    /// Removes every queued security event, for the `drops-queue-on-stop` variant.
    func dropEventQueueIfBroken() {
        guard BrokenVariant.isActive(.dropsQueueOnStop), let queued = try? store.peekEvents(limit: 100_000) else { return }
        _ = try? store.removeEvents(eventIDs: queued.map(\.eventID))
    }
}
