import EACPProtocol
import EACPTransport
import Foundation

extension Agent {
    /// Downloads, verifies and installs offered content when the offer rules allow it.
    func contentOffered(_ offer: ContentOffer) async {
        let digestLength = BrokenVariant.isActive(.acceptsShortContentDigest) ? offer.version?.sha256.count ?? 0 : 32
        guard let version = offer.version, version.sha256.count == digestLength, version.revision > 0 else {
            log.warning("content", "content_offer.invalid", ["reason": "sha256 is not 32 bytes or revision is 0"])
            return
        }
        let installed = try? store.installedContent()
        let revision = Int64(version.revision)
        if let installed {
            let wanted = revision > installed.revision || (revision == installed.revision && version.sha256 != installed.sha256)
                || (revision < installed.revision && (offer.downgrade || BrokenVariant.isActive(.ignoresDowngradeFlag)))
            guard wanted else {
                if revision < installed.revision { log.warning("content", "content_offer.ignored_downgrade", ["revision": revision]) }
                return
            }
        }
        if BrokenVariant.isActive(.reportsContentEarly) {
            try? store.storeInstalledContent(InstalledContentRecord(revision: revision, sha256: version.sha256, installedUnixMs: AgentClock.nowUnixMs()))
        }
        guard let path = await download(
            .content, version: String(revision), path: "content/\(revision)", size: offer.sizeBytes, sha256: version.sha256)
        else { return }
        let folder = options.stateDirectory + "/content"
        let target = folder + "/content-\(revision).pkg"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard rename(path, target) == 0 else { throw AtomicFile.WriteError(path: target, call: "rename", errno: errno) }
            AtomicFile.syncFolder(of: target)
            try store.storeInstalledContent(InstalledContentRecord(revision: revision, sha256: version.sha256, installedUnixMs: AgentClock.nowUnixMs()))
            log.info("content", "content.installed", ["revision": revision])
        } catch {
            log.error("content", "content.install_failed", ["revision": revision, "error": error])
        }
    }

    /// Fetches a package with Range requests from where an earlier attempt stopped. Returns the
    /// verified file, or nil after a failure, so that the next offer retries.
    func download(_ kind: DownloadKind, version: String, path: String, size: UInt64, sha256: [UInt8]) async -> String? {
        guard downloadsInProgress.withLock({ $0.insert(kind).inserted }) else { return nil }
        defer { downloadsInProgress.withLock { _ = $0.remove(kind) } }
        let folder = options.stateDirectory + "/downloads"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/\(kind.rawValue)-\(version).part"
        var progress = (try? store.download(kind: kind)) ?? nil
        if progress == nil || progress?.version != version || progress?.sha256 != sha256 {
            try? FileManager.default.removeItem(atPath: file)
            guard FileManager.default.createFile(atPath: file, contents: nil) else {
                recordDownloadFailure("\(kind.rawValue) \(version) download cannot create \(file)")
                return nil
            }
            progress = DownloadProgress(kind: kind, version: version, sha256: sha256, totalSize: Int64(size), filePath: file)
            try? store.storeDownload(progress!)
        }
        var offset = progress!.receivedOffset
        while offset < Int64(size) {
            let response: HTTPResponse
            do {
                response = try await link.download(path, from: offset)
            } catch {
                log.warning("download", "download.failed", ["kind": kind.rawValue, "offset": offset, "error": error])
                recordDownloadFailure("\(kind.rawValue) \(version) download failed at byte \(offset): \(error)")
                return nil
            }
            guard let handle = FileHandle(forWritingAtPath: file) else { return nil }
            // A 200 carries the whole package even when a range was asked for.
            let start = response.status.code == 206 ? offset : 0
            handle.truncateFile(atOffset: UInt64(start))
            handle.write(Data(response.body))
            handle.synchronizeFile()
            handle.closeFile()
            offset = start + Int64(response.body.count)
            _ = try? store.advanceDownload(kind: kind, receivedOffset: offset)
            if response.body.isEmpty { break }
        }
        _ = try? store.removeDownload(kind: kind)
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        let skipsChecks = (kind == .upgrade && BrokenVariant.isActive(.installsUnverifiedUpgrade))
            || (kind == .content && BrokenVariant.isActive(.installsUnverifiedContent))
        guard skipsChecks || ((attributes?[.size] as? NSNumber)?.uint64Value == size && SHA256.digest(filePath: file) == sha256) else {
            log.warning("download", "download.verification_failed", ["kind": kind.rawValue, "version": version])
            recordDownloadFailure("\(kind.rawValue) \(version) does not match the offered size and SHA-256")
            try? FileManager.default.removeItem(atPath: file)
            return nil
        }
        return file
    }

    private func recordDownloadFailure(_ message: String) {
        runtime.withLock {
            $0.downloadFailures += 1
            $0.lastDownloadError = message
        }
    }
}
