import EACPProtocol
import EACPTransport
import Foundation
import Glibc

/// Quarantine moves a file into `quarantine/<action id>/` in the state folder with mode 0400, so it
/// cannot be executed, and keeps its path, owner and permissions to restore it later.
struct FileQuarantine {
    struct Record: Codable {
        var originalPath: String
        var owner: UInt32
        var group: UInt32
        var mode: UInt32
        var sha256: String
    }

    let agent: Agent

    private var folder: String { agent.options.stateDirectory + "/quarantine" }

    func quarantine(_ parameters: QuarantineFileParameters, actionID: String) -> ActionOutcome {
        let path = parameters.path
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failed(.notFound, "no regular file at \(path)")
        }
        let roots = EndpointFileRoots(agent.options.quarantineRoots)
        guard roots.contains(path) else {
            return .failed(.permissionDenied, roots.rejectionDetail(for: path, action: "quarantine"))
        }
        guard let digest = SHA256.digest(filePath: path) else {
            return .failed(.permissionDenied, "\(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        if !parameters.sha256.isEmpty, parameters.sha256 != digest, !BrokenVariant.isActive(.ignoresQuarantineHash) {
            return .failed(.hashMismatch, "\(path) has SHA-256 \(SHA256.hex(digest)), not \(SHA256.hex(parameters.sha256))")
        }

        let entry = folder + "/" + actionID
        do {
            try FileManager.default.createDirectory(atPath: entry, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let record = Record(
                originalPath: path, owner: info.st_uid, group: info.st_gid, mode: UInt32(info.st_mode & 0o7777),
                sha256: SHA256.hex(digest))
            try AtomicFile.write(Array(try JSONEncoder().encode(record)), to: entry + "/record.json")
            if BrokenVariant.isActive(.quarantineLeavesFile) {
                try FileManager.default.copyItem(atPath: path, toPath: entry + "/file")
            } else {
                try move(from: path, to: entry + "/file")
            }
            chmod(entry + "/file", 0o400)
        } catch {
            return .failed(.internal, "moving \(path) into quarantine failed: \(error)")
        }
        agent.log.info("actions", "file.quarantined", ["path": path, "action": actionID])
        return .succeeded("quarantined \(path)")
    }

    func restore(_ parameters: RestoreFileParameters) -> ActionOutcome {
        let entry = folder + "/" + parameters.quarantineActionId
        guard let data = FileManager.default.contents(atPath: entry + "/record.json"),
            let record = try? JSONDecoder().decode(Record.self, from: data),
            FileManager.default.fileExists(atPath: entry + "/file")
        else {
            return .failed(.notFound, "no file quarantined by action \(parameters.quarantineActionId)")
        }
        let destination = parameters.restorePath.isEmpty ? record.originalPath : parameters.restorePath
        let roots = EndpointFileRoots(agent.options.quarantineRoots)
        guard roots.contains(destination) else {
            return .failed(.permissionDenied, roots.rejectionDetail(for: destination, action: "restore"))
        }
        var existing = stat()
        guard lstat(destination, &existing) != 0 || BrokenVariant.isActive(.restoreOverwrites) else {
            return .failed(.internal, "\(destination) exists; restoring never overwrites a file")
        }
        do {
            try move(from: entry + "/file", to: destination)
        } catch {
            return .failed(.internal, "restoring to \(destination) failed: \(error)")
        }
        chmod(destination, mode_t(record.mode))
        if geteuid() == 0 { chown(destination, record.owner, record.group) }
        try? FileManager.default.removeItem(atPath: entry)
        agent.log.info("actions", "file.restored", ["path": destination])
        return .succeeded("restored \(destination)")
    }

    /// Renames, or copies and removes when the two paths are on different file systems.
    private func move(from source: String, to destination: String) throws {
        if rename(source, destination) == 0 { return }
        guard errno == EXDEV else { throw AtomicFile.WriteError(path: destination, call: "rename", errno: errno) }
        try FileManager.default.copyItem(atPath: source, toPath: destination)
        try FileManager.default.removeItem(atPath: source)
    }
}
