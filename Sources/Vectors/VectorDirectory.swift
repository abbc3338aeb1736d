import Foundation

/// The `spec/` folder of a package checkout: the schema `eacp.proto` and the vector files in `vectors/`.
public struct SpecDirectory: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    public var protoURL: URL { url.appendingPathComponent("eacp.proto") }
    public var vectorsURL: URL { url.appendingPathComponent("vectors") }

    /// The `spec` folder in `start` or the nearest parent folder that has `spec/eacp.proto`, or nil.
    public static func find(from start: URL) -> SpecDirectory? {
        var folder = start.standardizedFileURL
        while true {
            let candidate = SpecDirectory(url: folder.appendingPathComponent("spec"))
            if FileManager.default.fileExists(atPath: candidate.protoURL.path) { return candidate }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    public func loadSchema() throws -> ProtoSchema {
        try ProtoSchema(contentsOf: protoURL)
    }

    /// Names of the vector files, without `.json`, sorted.
    public func vectorFileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: vectorsURL.path)
            .filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(".json".count)) }
            .sorted()
    }

    /// Reads every vector file.
    public func loadGroups() throws -> [VectorGroup] {
        try vectorFileNames().map { name in
            let text = try String(contentsOf: fileURL(forGroup: name), encoding: .utf8)
            return try VectorFileFormat.group(named: name, text: text)
        }
    }

    public func fileURL(forGroup name: String) -> URL {
        vectorsURL.appendingPathComponent(name + ".json")
    }

    /// Names of the groups whose file differs from `groups`, and of vector files no group produces.
    public func staleGroupNames(comparedWith groups: [VectorGroup]) throws -> [String] {
        var stale = Set(try vectorFileNames()).subtracting(groups.map(\.name))
        for group in groups {
            let current = try? String(contentsOf: fileURL(forGroup: group.name), encoding: .utf8)
            if current != VectorFileFormat.text(of: group) { stale.insert(group.name) }
        }
        return stale.sorted()
    }

    /// Writes the files of `groups` that changed, deletes vector files no group produces, and returns their
    /// names, sorted.
    @discardableResult
    public func write(_ groups: [VectorGroup]) throws -> [String] {
        try FileManager.default.createDirectory(at: vectorsURL, withIntermediateDirectories: true)
        let stale = try staleGroupNames(comparedWith: groups)
        for name in stale {
            if let group = groups.first(where: { $0.name == name }) {
                try VectorFileFormat.text(of: group).write(to: fileURL(forGroup: name), atomically: true, encoding: .utf8)
            } else {
                try FileManager.default.removeItem(at: fileURL(forGroup: name))
            }
        }
        return stale
    }
}
