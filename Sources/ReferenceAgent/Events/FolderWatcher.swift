import EACPProtocol
import EACPTransport
import Foundation

/// Turns each new file in a watched folder into a security event of type `file.detected`. The file
/// moves into the event's data, so the event data action can upload it. The event id comes from the
/// file's name, inode, size and modification time, so a restart between recording and moving makes
/// the same id again and the server stores the event once.
struct FolderWatcher {
    let agent: Agent
    let folder: String
    static let pollInterval: Duration = .milliseconds(500)

    func run() async {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        agent.log.info("events", "watch.started", ["folder": folder])
        while !Task.isCancelled {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            for name in names where !name.hasPrefix(".") {
                record(folder + "/" + name, name: name)
            }
            try? await Task.sleep(for: Self.pollInterval)
        }
    }

    private func record(_ path: String, name: String) {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        let identity = "\(name)\n\(info.st_ino)\n\(info.st_size)\n\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        let eventID = "file-" + SHA256.hex(SHA256.digest(Array(identity.utf8))).prefix(40)
        let body: [String: Any] = ["path": path, "size": Int64(info.st_size)]
        do {
            try agent.recordEvent(
                type: "file.detected", severity: .medium,
                body: Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])), eventID: eventID,
                data: path)
            agent.log.info("events", "watch.file_recorded", ["path": path, "event": eventID])
        } catch {
            agent.log.error("events", "watch.record_failed", ["path": path, "error": error])
        }
    }
}
