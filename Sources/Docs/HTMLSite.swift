import Foundation

/// The HTML site: every generated page and every Markdown page of the specification, plus the schema, the
/// requirement list and the OpenAPI file as plain files. All links are relative, and nothing is loaded from
/// outside the output folder.
///
/// The site mirrors the specification folder: `README.md` becomes `README.html`, `docs/messages.md` becomes
/// `docs/messages.html`, and `index.html` at the top is the generated overview.
public struct HTMLSite: Sendable {
    public var inputs: SpecInputs
    public var pages: [DocPage]
    public var diagramRenderer: DiagramRenderer

    /// Files of the specification folder copied into the site as they are, when they exist.
    static let copiedFiles = ["eacp.proto", "requirements.json", "admin-api.yaml"]

    public init(inputs: SpecInputs, pages: [DocPage], diagramRenderer: DiagramRenderer) {
        self.inputs = inputs
        self.pages = pages
        self.diagramRenderer = diagramRenderer
    }

    /// Returns every file of the site by its path in the output folder.
    public func files() throws -> [String: String] {
        var sources: [(source: String, output: String, markdown: String)] = []
        for page in pages {
            sources.append((page.path, Self.htmlPath(page.path), page.markdown))
        }
        if let index = pages.first(where: { $0.path == "docs/index.md" }) {
            sources.append((index.path, "index.html", index.markdown))
        }
        for (path, markdown) in inputs.markdownFiles {
            sources.append((path, Self.htmlPath(path), markdown))
        }

        var files: [String: String] = [:]
        for name in Self.copiedFiles {
            let url = inputs.specDirectory.appendingPathComponent(name)
            if let text = try? String(contentsOf: url, encoding: .utf8) { files[name] = text }
        }
        let outputs = Set(sources.map(\.output)).union(files.keys)
        for source in sources {
            files[source.output] = page(source.source, output: source.output, markdown: source.markdown, outputs)
        }
        return files
    }

    /// Writes the site into `directory`, creating it when needed, and returns the number of files written.
    public func write(to directory: URL) throws -> Int {
        let files = try files()
        for (path, text) in files {
            let url = directory.appendingPathComponent(path)
            do {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                throw DocsError("cannot write \(url.path): \(error.localizedDescription)")
            }
        }
        return files.count
    }

    static func htmlPath(_ markdownPath: String) -> String {
        markdownPath.hasSuffix(".md") ? String(markdownPath.dropLast(3)) + ".html" : markdownPath
    }

    private func page(_ source: String, output: String, markdown: String, _ outputs: Set<String>) -> String {
        let sourceDirectory = SitePath.directory(of: source)
        let outputDirectory = SitePath.directory(of: output)
        let inline = InlineHTML { href in
            Self.link(href, from: sourceDirectory, to: outputDirectory, outputs: outputs)
        }
        var renderer = HTMLRenderer(inline: inline, diagrams: diagramRenderer)
        let document = MarkdownDocument(parsing: markdown)
        let main = renderer.render(document)
        let title =
            document.blocks.lazy.compactMap { block -> String? in
                if case .heading(1, let text) = block { return Anchor.plainText(text) }
                return nil
            }.first ?? output
        return SiteLayout.page(title: title, main: main, navigation: navigation(from: outputDirectory, current: output))
    }

    /// Maps a link of a Markdown page to its `href` in the site, or nil when it leads outside the site.
    static func link(
        _ href: String, from sourceDirectory: String, to outputDirectory: String, outputs: Set<String>
    )
        -> String?
    {
        guard let target = SitePath.resolve(href, in: sourceDirectory) else { return nil }
        if target.path.isEmpty { return href }
        let path = htmlPath(target.path)
        guard outputs.contains(path) else { return nil }
        let relative = SitePath.relative(to: path, from: outputDirectory)
        return target.fragment.map { "\(relative)#\($0)" } ?? relative
    }

    private func navigation(from directory: String, current: String) -> [(title: String, href: String, isCurrent: Bool)]
    {
        var entries: [(String, String)] = [("Overview", "index.html")]
        entries += pages.filter { $0.path != "docs/index.md" }.map { ($0.title, Self.htmlPath($0.path)) }
        entries.append(("Specification", "README.html"))
        return entries.map { title, path in
            let isCurrent = path == current || (path == "index.html" && current == "docs/index.html")
            return (title, SitePath.relative(to: path, from: directory), isCurrent)
        }
    }
}
