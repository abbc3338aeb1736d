/// Renders the blocks of one Markdown page to the HTML of its `<main>` element.
struct HTMLRenderer {
    let inline: InlineHTML
    let diagrams: DiagramRenderer

    /// Anchors already given out on this page; a repeated heading gets `-1`, `-2`… as on GitHub.
    private var usedAnchors: [String: Int] = [:]

    init(inline: InlineHTML, diagrams: DiagramRenderer) {
        self.inline = inline
        self.diagrams = diagrams
    }

    mutating func render(_ document: MarkdownDocument) -> String {
        document.blocks.map { render($0) }.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    private mutating func render(_ block: MarkdownBlock) -> String {
        switch block {
        case .heading(let level, let text):
            return "<h\(level) id=\"\(anchor(for: text))\">\(inline.render(text))</h\(level)>"
        case .paragraph(let text):
            if text.hasPrefix("<!--") { return "" }
            return "<p\(requirementAnchor(text))>\(inline.render(text))</p>"
        case .list(let start, let items):
            let tag = start == nil ? "ul" : "ol"
            let startAttribute = start.map { $0 == 1 ? "" : " start=\"\($0)\"" } ?? ""
            let body = items.map { "<li>\(inline.render($0))</li>" }.joined(separator: "\n")
            return "<\(tag)\(startAttribute)>\n\(body)\n</\(tag)>"
        case .table(let header, let rows):
            return table(header, rows)
        case .code(let language, let text):
            if language == "mermaid" { return diagrams.render(mermaid: text) }
            return "<pre><code>\(HTMLText.escape(text))</code></pre>"
        }
    }

    private func table(_ header: [String], _ rows: [[String]]) -> String {
        var html = "<div class=\"table\"><table>\n<thead><tr>"
        html += header.map { "<th>\(inline.render($0))</th>" }.joined()
        html += "</tr></thead>\n<tbody>\n"
        for row in rows {
            html += "<tr>" + row.map { "<td>\(inline.render($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table></div>"
    }

    private mutating func anchor(for heading: String) -> String {
        let slug = Anchor.slug(heading)
        let count = usedAnchors[slug, default: 0]
        usedAnchors[slug] = count + 1
        return count == 0 ? slug : "\(slug)-\(count)"
    }

    /// Returns the `id` attribute of a paragraph that states a requirement, `**EACP-AREA-NNN** (…)`: the
    /// requirement id, lowercased.
    private func requirementAnchor(_ text: String) -> String {
        guard text.hasPrefix("**EACP-"), let end = text.dropFirst(2).range(of: "**") else { return "" }
        let id = text[text.index(text.startIndex, offsetBy: 2)..<end.lowerBound]
        return " id=\"\(HTMLText.escape(id.lowercased()))\""
    }
}
