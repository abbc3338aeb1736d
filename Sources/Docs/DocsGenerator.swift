import Foundation

/// One generated Markdown page.
public struct DocPage: Hashable, Sendable {
    /// The path relative to the specification folder, such as `docs/messages.md`.
    public var path: String
    public var title: String
    /// The page's Markdown, ending in a newline.
    public var markdown: String

    init(path: String, title: String, body: [String], sources: String) {
        self.path = path
        self.title = title
        markdown = ([MarkdownText.generatedNotice(sources: sources)] + body).joined(separator: "\n\n") + "\n"
    }
}

/// Generates the Markdown pages of `spec/docs` and compares them with the files on disk.
public enum DocsGenerator {
    /// Returns every generated page, the index first.
    public static func pages(from inputs: SpecInputs) throws -> [DocPage] {
        let schemaPages = SchemaPages(
            schema: inputs.schema, usage: SchemaPages.usage(fromTransport: inputs.markdownFiles["transport.md"]))
        let tables = ProtocolTablesPages(schema: inputs.schema, markdownFiles: inputs.markdownFiles)
        var pages = [
            schemaPages.messagesPage(),
            schemaPages.enumsPage(),
            try tables.actionsPage(),
            try tables.errorsPage(),
            try StateMachinesPage(markdownFiles: inputs.markdownFiles).page(),
            RequirementsPage(requirements: inputs.requirements, cases: inputs.cases, variants: inputs.variants).page(),
        ]
        if let adminAPI = inputs.adminAPI {
            pages.append(try AdminAPIPage(yaml: adminAPI).page())
        }
        let index = try OverviewPage(markdownFiles: inputs.markdownFiles, generatedPages: pages).page()
        return [index] + pages
    }

    /// Returns the paths of the pages whose file in the specification folder differs from the generated text or
    /// is missing, and of Markdown files in `docs` that no page generates any more.
    public static func stalePaths(_ pages: [DocPage], in specDirectory: URL) -> [String] {
        var stale: [String] = []
        for page in pages {
            let url = specDirectory.appendingPathComponent(page.path)
            if (try? String(contentsOf: url, encoding: .utf8)) != page.markdown { stale.append(page.path) }
        }
        let generated = Set(pages.map(\.path))
        for path in existingMarkdown(in: specDirectory) where !generated.contains(path) {
            stale.append(path)
        }
        return stale.sorted()
    }

    /// Writes the pages into the specification folder and removes Markdown files in `docs` that no page
    /// generates. Returns the paths it wrote or removed.
    public static func write(_ pages: [DocPage], to specDirectory: URL) throws -> [String] {
        let stale = stalePaths(pages, in: specDirectory)
        let docs = specDirectory.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        let byPath = Dictionary(uniqueKeysWithValues: pages.map { ($0.path, $0) })
        for path in stale {
            let url = specDirectory.appendingPathComponent(path)
            do {
                if let page = byPath[path] {
                    try page.markdown.write(to: url, atomically: true, encoding: .utf8)
                } else {
                    try FileManager.default.removeItem(at: url)
                }
            } catch {
                throw DocsError("cannot update \(url.path): \(error.localizedDescription)")
            }
        }
        return stale
    }

    private static func existingMarkdown(in specDirectory: URL) -> [String] {
        let docs = specDirectory.appendingPathComponent("docs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []
        return names.filter { $0.hasSuffix(".md") }.map { "docs/\($0)" }
    }
}
