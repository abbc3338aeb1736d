import EACPProtocol
import EACPTransport
import Foundation

/// Builds and finds the installation package of an assigned agent version.
///
/// A package is a POSIX ustar archive (spec/server.md, "Upgrade packages") holding `manifest.json`
/// and the agent build an administrator uploaded for that version. It is built once per version and
/// platform, with fixed timestamps and owners, so the same build always gives the same SHA-256.
struct UpgradePackages {
    let context: ServerContext

    /// The build platform used when no build matches the agent's own platform.
    static let anyPlatform = "any"

    struct Package {
        let version: AgentVersion
        let filePath: String
        let sizeBytes: Int64
        let sha256: [UInt8]
        /// The SHA-256 of the agent build inside the package.
        let buildSHA256: [UInt8]
    }

    /// The offer for an agent whose assigned version differs from the one it reports, or nil.
    func offer(for agent: AgentRecord, reportedVersion: AgentVersion) throws(ProtocolFailure) -> UpgradeOffer? {
        guard let package = try package(for: agent) else { return nil }
        let sameVersion = BrokenVariant.isActive(.comparesVersionsAsText)
            ? package.version.description == reportedVersion.description : package.version == reportedVersion
        guard !sameVersion else { return nil }
        var offer = UpgradeOffer()
        offer.version = package.version.description
        offer.sizeBytes = UInt64(package.sizeBytes)
        offer.sha256 = BrokenVariant.isActive(.offersBuildDigest) ? package.buildSHA256 : package.sha256
        return offer
    }

    /// The package of the version assigned to the agent, building it on first use. Nil when no
    /// version is assigned or no build of it is stored.
    func package(for agent: AgentRecord) throws(ProtocolFailure) -> Package? {
        let assignment = try context.stored("upgrade assignment") { () throws(ServerStoreError) in
            try context.store.upgradeAssignment(agentID: agent.agentID)
        }
        guard let assignment, let version = try? AgentVersion(parsing: assignment.version) else { return nil }
        let build = try context.stored("agent build") { () throws(ServerStoreError) in
            try context.store.agentBuild(version: assignment.version, platform: Self.anyPlatform)
        }
        guard let build else {
            context.log.warning("upgrade.no_build", ["agent": agent.agentID, "version": assignment.version])
            return nil
        }
        do {
            return try buildPackage(version: version, build: build)
        } catch {
            context.log.error("upgrade.package_failed", ["version": assignment.version, "error": error])
            throw ProtocolFailure(.internal, "the upgrade package for \(assignment.version) could not be built")
        }
    }

    private func buildPackage(version: AgentVersion, build: AgentBuildRecord) throws -> Package {
        let name = "eacp-agent-\(version)-\(build.platform)-\(Hex.encode(Array(build.sha256.prefix(8)))).tar"
        let path = (context.dataFolder.upgradesFolder as NSString).appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: path) {
            let manifest: [String: String] = [
                "format": "eacp-upgrade-package-1", "version": version.description, "platform": build.platform,
                "build_sha256": Hex.encode(build.sha256), "build_size_bytes": String(build.sizeBytes),
            ]
            let manifestBytes = try JSONEncoder.sortedPretty.encode(manifest)
            let buildBytes = try Data(contentsOf: URL(fileURLWithPath: build.filePath))
            var archive = TarArchive()
            archive.append(name: "manifest.json", contents: Array(manifestBytes), mode: 0o644)
            archive.append(name: "eacp-agent", contents: Array(buildBytes), mode: 0o755)
            try FileStore.writeDurably(archive.finish(), to: path)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        return Package(version: version, filePath: path, sizeBytes: Int64(bytes.count), sha256: SHA256.digest(Array(bytes)),
                       buildSHA256: build.sha256)
    }
}

/// A POSIX ustar writer for regular files, with fixed owner and time so output is reproducible.
struct TarArchive {
    private(set) var bytes: [UInt8] = []

    mutating func append(name: String, contents: [UInt8], mode: Int) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            put(String(String(value, radix: 8).suffix(width - 1)).leftPadded(to: width - 1), at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(mode, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(contents.count, at: 124, width: 12)
        octal(0, at: 136, width: 12)
        put("        ", at: 148, width: 8)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(String(String(checksum, radix: 8)).leftPadded(to: 6), at: 148, width: 6)
        header[154] = 0
        header[155] = UInt8(ascii: " ")

        bytes += header
        bytes += contents
        bytes += [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
    }

    /// Adds the two zero blocks that end an archive and returns its bytes.
    mutating func finish() -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: 1024)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
