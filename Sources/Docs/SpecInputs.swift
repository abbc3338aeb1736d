import Foundation
import ProtoGen

/// Everything the documentation is generated from, read from one specification folder.
public struct SpecInputs: Sendable {
    /// The specification folder, holding `eacp.proto`.
    public var specDirectory: URL
    public var schema: ProtoFile
    public var requirements: [Requirement]
    /// Markdown files of the specification by path relative to the folder, such as `README.md` and
    /// `diagrams/isolation.md`. Generated pages under `docs/` are not included.
    public var markdownFiles: [String: String]
    /// The administrator API in OpenAPI YAML, when `admin-api.yaml` exists.
    public var adminAPI: String?
    /// The conformance cases, or nil when no case list is available yet.
    public var cases: [ConformanceCaseReference]?
    /// The broken variants that prove the cases can fail, or nil when no list is available.
    public var variants: [BrokenVariantReference]?

    /// Reads the specification folder. Optional files that are missing are left out.
    public static func load(
        specDirectory: URL, cases: [ConformanceCaseReference]? = nil, variants: [BrokenVariantReference]? = nil
    ) throws -> SpecInputs {
        let protoURL = specDirectory.appendingPathComponent("eacp.proto")
        let schema = try SwiftGenerator.parse(source: try read(protoURL), path: "eacp.proto")
        let requirementsURL = specDirectory.appendingPathComponent("requirements.json")
        let requirements: RequirementFile
        do {
            requirements = try JSONDecoder().decode(RequirementFile.self, from: Data(try read(requirementsURL).utf8))
        } catch let error as DocsError {
            throw error
        } catch {
            throw DocsError("\(requirementsURL.path) is not a valid requirement list: \(error)")
        }

        var markdown: [String: String] = [:]
        for folder in ["", "diagrams"] {
            let url = folder.isEmpty ? specDirectory : specDirectory.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            for name in names where name.hasSuffix(".md") {
                let path = folder.isEmpty ? name : "\(folder)/\(name)"
                markdown[path] = try read(url.appendingPathComponent(name))
            }
        }

        let adminURL = specDirectory.appendingPathComponent("admin-api.yaml")
        let adminAPI = FileManager.default.fileExists(atPath: adminURL.path) ? try read(adminURL) : nil
        return SpecInputs(
            specDirectory: specDirectory, schema: schema, requirements: requirements.requirements,
            markdownFiles: markdown, adminAPI: adminAPI, cases: cases, variants: variants)
    }

    /// Returns the specification folder found in `start` or one of its parents: the first `spec` folder that
    /// contains `eacp.proto`.
    public static func findSpecDirectory(from start: URL) -> URL? {
        var folder = start.standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent("spec")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("eacp.proto").path) {
                return candidate
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    private static func read(_ url: URL) throws -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DocsError("cannot read \(url.path): \(error.localizedDescription)")
        }
    }
}

/// A failure to read the sources of the documentation or to write it, with a message naming the file and what
/// is wrong.
public struct DocsError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
