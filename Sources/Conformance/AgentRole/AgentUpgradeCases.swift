import EACPProtocol
import Foundation

/// Upgrade offers to an agent: which it ignores, that it verifies a package before installing it,
/// and that it reports how an attempt ended.
///
/// The packages are a few bytes of text, not a real installer, so an agent that installs one is
/// expected to report the attempt as failed. The cases accept any outcome that is set.
enum AgentUpgradeCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [invalidOffers(harness), verifiesAndReports(harness)]
    }

    /// One offer, with the package the harness serves for it.
    struct Offer {
        var name: String
        var version: String
        var package: [UInt8]
        var digest: [UInt8]

        init(_ name: String, version: String, package: [UInt8], digest: [UInt8]? = nil) {
            self.name = name
            self.version = version
            self.package = package
            self.digest = digest ?? SHA256Digest.of(package)
        }

        var message: UpgradeOffer {
            var offer = UpgradeOffer()
            offer.version = version
            offer.sizeBytes = UInt64(package.count)
            offer.sha256 = digest
            return offer
        }
    }

    static func invalidOffers(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.upgrade.ignores-invalid-offers",
               "Offers with an invalid version, a short SHA-256 or the running version spelled otherwise are not downloaded",
               ["EACP-UPGRADE-007", "EACP-VERSION-004"], harness, profile: .upgrades, timeout: .seconds(40)) { harness, context in
            let running = try runningVersion(harness)
            let package = Array("conformance upgrade package for an ignored offer\n".utf8)
            let offers = [
                Offer("a version with a suffix", version: "900.5-beta", package: package),
                Offer("a SHA-256 of 31 bytes", version: "900.6", package: package, digest: Array(SHA256Digest.of(package).prefix(31))),
                // Leading zeros do not change a version, so this is the version the agent runs.
                Offer("the running version with a leading zero", version: "0" + running.description, package: package),
            ]
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            for offer in offers {
                let downloads = harness.handlers.observations.value.upgradeDownloads.count
                try await offerDuring(heartbeats: 1, offer, harness, context)
                let fetched = harness.handlers.observations.value.upgradeDownloads.dropFirst(downloads).map(\.value)
                try context.require(fetched.isEmpty, "after an offer of \(offer.name) the agent downloaded \(fetched)")
            }
            let reported = harness.handlers.observations.value.heartbeats.compactMap(\.value.lastUpgrade)
                .filter { record in offers.contains { $0.version == record.toVersion } }
            try context.require(reported.isEmpty, "the agent reported an upgrade attempt for an offer it must ignore: \(reported)")
        }
    }

    static func verifiesAndReports(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.upgrade.verifies-and-reports",
               "A package that fails its SHA-256 is discarded unreported; a verified one's attempt is reported in every heartbeat",
               ["EACP-UPGRADE-003", "EACP-UPGRADE-005"], harness, profile: .upgrades, timeout: .seconds(60)) { harness, context in
            let running = try runningVersion(harness)
            harness.handlers.script.update { $0.heartbeatIntervalMs = 1_000 }
            let damaged = Offer("a package that does not match its SHA-256", version: "900.1",
                                package: Array("conformance upgrade package, damaged\n".utf8),
                                digest: SHA256Digest.of(Array("conformance upgrade package, intact\n".utf8)))
            try await offerDuring(heartbeats: 2, damaged, harness, context)
            let observations = harness.handlers.observations.value
            let fetched = observations.upgradeDownloads.filter { $0.value == damaged.version }.count
            try context.require(fetched >= 1, "the agent did not download the offered package of version \(damaged.version)")
            let named = observations.heartbeats.compactMap(\.value.lastUpgrade).filter { $0.toVersion == damaged.version }
            try context.require(named.isEmpty, "the agent reported an upgrade to \(damaged.version) whose package failed verification: \(named)")

            let intact = Offer("a verified package", version: "900.2", package: Array("conformance upgrade package 900.2\n".utf8))
            let record = try await attempt(intact, harness, context)
            try context.require((try? AgentVersion(parsing: record.fromVersion)) == running,
                                "last_upgrade.from_version is \"\(record.fromVersion)\", but the agent ran \(running)")
            try context.require(record.outcome != .unspecified, "last_upgrade.outcome is not set")
            try context.require(record.finishedUnixMs > 0, "last_upgrade.finished_unix_ms is not set")

            // Without an offer the record stays until another attempt ends.
            let start = harness.handlers.observations.value.heartbeats.count
            try await waitForHeartbeats(2, after: start, harness)
            for heartbeat in harness.handlers.observations.value.heartbeats.dropFirst(start) {
                try context.require(heartbeat.value.lastUpgrade == record,
                                    "a later heartbeat carries last_upgrade \(heartbeat.value.lastUpgrade.map { "\($0)" } ?? "absent")")
            }
        }
    }

    /// Offers `offer` until a heartbeat reports an ended attempt for its version, and returns that record.
    static func attempt(_ offer: Offer, _ harness: AgentHarness, _ context: CaseContext) async throws -> Heartbeat.UpgradeRecord {
        context.transcript.note("offering \(offer.name): version \(offer.version)")
        harness.handlers.script.update {
            $0.upgradeOffer = offer.message
            $0.upgradePackages = [offer.version: offer.package]
        }
        defer { harness.handlers.script.update { $0.upgradeOffer = nil } }
        _ = try await harness.requestHeartbeatNow()
        // Tolerance: a heartbeat to carry the offer, a download, the install attempt and one more
        // heartbeat to report it, on a loaded machine.
        guard let record = try await waitFor(timeout: .seconds(15), {
            harness.handlers.observations.value.heartbeats.last?.value.lastUpgrade.flatMap { $0.toVersion == offer.version ? $0 : nil }
        }) else { throw CaseStop.failed("no heartbeat reported an upgrade attempt to \(offer.version) within 15 s of the offer") }
        context.transcript.note("reported: \(record)")
        return record
    }

    /// Offers `offer` in the replies to `heartbeats` heartbeats, then withdraws it.
    static func offerDuring(heartbeats: Int, _ offer: Offer, _ harness: AgentHarness, _ context: CaseContext) async throws {
        context.transcript.note("offering \(offer.name): version \(offer.version)")
        let start = harness.handlers.observations.value.heartbeats.count
        harness.handlers.script.update {
            $0.upgradeOffer = offer.message
            $0.upgradePackages = [offer.version: offer.package]
        }
        defer { harness.handlers.script.update { $0.upgradeOffer = nil } }
        // The first of those heartbeats comes at once when a push channel is open.
        _ = try await harness.requestHeartbeatNow()
        try await waitForHeartbeats(heartbeats + 1, after: start, harness)
    }

    static func waitForHeartbeats(_ count: Int, after start: Int, _ harness: AgentHarness) async throws {
        guard try await waitFor(timeout: .seconds(Int64(count) * 3 + 5), {
            harness.handlers.observations.value.heartbeats.count >= start + count ? true : nil
        }) != nil else { throw CaseStop.failed("fewer than \(count) heartbeats arrived at a 1000 ms interval") }
    }

    /// The version in the agent's latest heartbeat.
    static func runningVersion(_ harness: AgentHarness) throws -> AgentVersion {
        let text = harness.handlers.observations.value.heartbeats.last?.value.agentVersion ?? ""
        guard let version = try? AgentVersion(parsing: text) else {
            throw CaseStop.failed("the agent's latest heartbeat has agent_version \"\(text)\", not a valid agent version")
        }
        return version
    }
}
