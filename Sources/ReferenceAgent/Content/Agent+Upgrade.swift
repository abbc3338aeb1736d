import EACPProtocol
import Foundation

/// Installs a verified agent upgrade package. The agent stages the package and calls the hook;
/// an implementation replaces the agent's binary and restarts it.
public protocol UpgradeInstallHook: Sendable {
    /// Returns nil once the new version is installed and will start, or why the install failed.
    func install(packagePath: String, version: String) async -> String?
}

/// Leaves the package staged in the state folder and reports the upgrade as failed, because this
/// build does not know how the endpoint installs software.
public struct StagingOnlyHook: UpgradeInstallHook {
    public init() {}
    public func install(packagePath: String, version: String) async -> String? {
        "the package is staged at \(packagePath); no install hook is configured"
    }
}

// An upgrade moves through the stored upgrade state: `installing` while the hook runs, then
// `verifying` until the new version sends its first heartbeat. Only that heartbeat reports the
// upgrade as succeeded, while a failed hook is reported as failed at once.
extension Agent {
    /// Downloads and verifies an offered upgrade package, stages it and hands it to the install hook.
    func upgradeOffered(_ offer: UpgradeOffer) async {
        guard let target = try? AgentVersion(parsing: offer.version),
            offer.sha256.count == 32 || BrokenVariant.isActive(.acceptsShortUpgradeDigest)
        else {
            log.warning("upgrade", "upgrade_offer.invalid", ["version": offer.version])
            return
        }
        let textDiffers = BrokenVariant.isActive(.comparesVersionText) && offer.version != version
        guard !upgradeAlreadyHandled(target) || textDiffers else { return }
        guard let path = await download(
            .upgrade, version: target.description, path: "upgrades/\(target)", size: offer.sizeBytes, sha256: offer.sha256)
        else { return }

        let staged = options.stateDirectory + "/upgrade-\(target).pkg"
        guard rename(path, staged) == 0 else {
            let error = AtomicFile.WriteError(path: staged, call: "rename", errno: errno)
            log.error("upgrade", "upgrade.stage_failed", ["version": target, "error": error])
            return
        }
        AtomicFile.syncFolder(of: staged)
        let state = UpgradeStateRecord(
            fromVersion: version, toVersion: target.description, phase: .installing, startedUnixMs: AgentClock.nowUnixMs())
        do {
            try store.storeUpgradeState(state)
        } catch {
            log.error("upgrade", "upgrade.state_failed", ["version": target, "error": error])
            return
        }

        if let failure = await upgradeHook.install(packagePath: staged, version: target.description) {
            finishUpgrade(state, outcome: .failed, detail: failure)
            return
        }
        var verifying = state
        verifying.phase = .verifying
        do {
            try store.storeUpgradeState(verifying)
            log.info("upgrade", "upgrade.installed", ["version": target, "staged": staged])
        } catch {
            log.error("upgrade", "upgrade.state_failed", ["version": target, "error": error])
        }
    }

    /// True when this version already runs, is being installed, or failed to install before. A
    /// version that failed is installed again only after another upgrade ended.
    private func upgradeAlreadyHandled(_ target: AgentVersion) -> Bool {
        if (try? AgentVersion(parsing: version)) == target { return true }
        if let state = try? store.upgradeState(), (try? AgentVersion(parsing: state.toVersion)) == target {
            return true
        }
        guard let last = try? store.lastUpgrade(), let record = try? Heartbeat.UpgradeRecord(wireBytes: last) else {
            return false
        }
        return record.outcome != .succeeded && (try? AgentVersion(parsing: record.toVersion)) == target
    }

    /// Settles an upgrade that a stop or crash interrupted, before the first heartbeat. An
    /// upgrade that the new version runs is left for the heartbeat to report.
    func finishInterruptedUpgrade() {
        guard let state = try? store.upgradeState() else { return }
        guard (try? AgentVersion(parsing: version)) != (try? AgentVersion(parsing: state.toVersion)) else { return }
        switch state.phase {
        case .downloading, .installing:
            finishUpgrade(state, outcome: .failed, detail: "the agent stopped while the upgrade was being installed")
        case .verifying:
            finishUpgrade(
                state, outcome: .rolledBack, detail: "version \(version) started instead of the installed \(state.toVersion)")
        }
    }

    /// The upgrade record the next heartbeat carries: success when this heartbeat is the first
    /// from the new version, else the last upgrade that ended.
    func upgradeRecordToReport() throws -> Heartbeat.UpgradeRecord? {
        if let state = try store.upgradeState(), state.phase == .verifying,
            (try? AgentVersion(parsing: version)) == (try? AgentVersion(parsing: state.toVersion))
        {
            return Self.upgradeRecord(state, outcome: .succeeded, detail: "")
        }
        return try store.lastUpgrade().flatMap { try? Heartbeat.UpgradeRecord(wireBytes: $0) }
    }

    /// Stores a success once the server accepted the heartbeat that reported it.
    func upgradeReported(_ record: Heartbeat.UpgradeRecord?) {
        guard let record, record.outcome == .succeeded, let state = try? store.upgradeState(),
            state.phase == .verifying, state.toVersion == record.toVersion
        else { return }
        keepUpgradeRecord(record, ending: state)
    }

    private func finishUpgrade(_ state: UpgradeStateRecord, outcome: UpgradeOutcome, detail: String) {
        keepUpgradeRecord(Self.upgradeRecord(state, outcome: outcome, detail: detail), ending: state)
    }

    /// Keeps `record` for later heartbeats and clears the upgrade in progress.
    private func keepUpgradeRecord(_ record: Heartbeat.UpgradeRecord, ending state: UpgradeStateRecord) {
        do {
            try store.storeLastUpgrade(encoded: record.wireBytes())
            try store.storeUpgradeState(nil)
        } catch {
            log.error("upgrade", "upgrade.state_failed", ["version": state.toVersion, "error": error])
        }
        log.info("upgrade", "upgrade.finished", ["version": state.toVersion, "outcome": record.outcome, "detail": record.detail])
    }

    private static func upgradeRecord(
        _ state: UpgradeStateRecord, outcome: UpgradeOutcome, detail: String
    ) -> Heartbeat.UpgradeRecord {
        var record = Heartbeat.UpgradeRecord()
        record.fromVersion = state.fromVersion
        record.toVersion = state.toVersion
        record.outcome = outcome
        record.finishedUnixMs = AgentClock.nowUnixMs()
        // The detail may hold at most 1024 bytes, so whole characters are dropped until it fits.
        var text = Substring(detail)
        while text.utf8.count > 1024 { text = text.dropLast() }
        record.detail = String(text)
        return record
    }
}
