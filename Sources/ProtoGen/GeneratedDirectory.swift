import Foundation

/// The folder that contains generated files. Only files ending in `.pb.swift` belong to the generator, so
/// any other file in the folder is left alone.
public struct GeneratedDirectory: Sendable {
    public static let fileSuffix = ".pb.swift"

    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// Names of the files that differ from `files`: changed, missing, or generated earlier and no longer
    /// produced. Sorted by name.
    public func staleFiles(comparedWith files: [GeneratedFile]) throws -> [String] {
        let existing = try existingFileNames()
        var stale = Set(existing.subtracting(files.map(\.name)))
        for file in files {
            let url = URL(fileURLWithPath: path).appendingPathComponent(file.name)
            let current = try? String(contentsOf: url, encoding: .utf8)
            if current != file.contents { stale.insert(file.name) }
        }
        return stale.sorted()
    }

    /// Writes the files that changed and deletes generated files that are no longer produced.
    /// Returns the names of the files written or deleted, sorted.
    @discardableResult
    public func write(_ files: [GeneratedFile]) throws -> [String] {
        let stale = try staleFiles(comparedWith: files)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let byName = Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0) })
        for name in stale {
            let url = URL(fileURLWithPath: path).appendingPathComponent(name)
            if let file = byName[name] {
                try file.contents.write(to: url, atomically: true, encoding: .utf8)
            } else {
                try FileManager.default.removeItem(at: url)
            }
        }
        return stale
    }

    private func existingFileNames() throws -> Set<String> {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        return Set(names.filter { $0.hasSuffix(Self.fileSuffix) })
    }
}
