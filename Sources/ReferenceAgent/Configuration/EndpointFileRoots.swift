import Foundation

/// The folders under which actions may touch endpoint files: quarantine takes files from them,
/// restore writes into them, and file retrieval reads from them.
///
/// With no folder configured every path is outside, so those actions fail with
/// PERMISSION_DENIED until an operator names the folders. A default of "anywhere" would let one
/// mistaken or malicious action move or upload any file the agent can read.
struct EndpointFileRoots: Sendable {
    /// Each configured folder with its symbolic links resolved and a trailing `/`.
    private let prefixes: [String]

    init(_ folders: [String]) {
        prefixes = folders.map { folder in
            let resolved = (folder as NSString).resolvingSymlinksInPath
            return resolved.hasSuffix("/") ? resolved : resolved + "/"
        }
    }

    var isEmpty: Bool { prefixes.isEmpty }

    /// Returns whether `path` lies below one of the folders once its symbolic links are resolved, so
    /// a link inside a folder cannot lead out of it. Relative paths are never inside.
    func contains(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        let resolved = (path as NSString).resolvingSymlinksInPath
        return prefixes.contains { resolved.hasPrefix($0) }
    }

    /// Returns the `detail` of an action that failed because `path` is outside every folder.
    func rejectionDetail(for path: String, action: String) -> String {
        guard !isEmpty else {
            return "\(action) of \(path) is not allowed because no endpoint file folder is configured; "
                + "start the agent with --quarantine-root or EACP_QUARANTINE_ROOTS"
        }
        return "\(action) of \(path) is not allowed because it is outside the configured endpoint file folders"
    }
}
