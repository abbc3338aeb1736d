/// The index page: what EACP is, roles, transports and paths, the TLS profile and timers, taken from the
/// specification text, with links to every other page.
struct OverviewPage {
    let markdownFiles: [String: String]
    let generatedPages: [DocPage]

    /// Specification pages that the index links to when they exist, with what each one contains.
    static let specPages: [(path: String, contents: String)] = [
        ("README.md", "roles, conventions, encoding, versions, enrollment, heartbeat, events, status, logs, upgrades"),
        ("transport.md", "HTTP paths, the TLS profile, the push channel, CONNECT proxies"),
        ("actions.md", "the action lifecycle, each action kind, uploads, live terminals, isolation, proxy changes"),
        ("versions.md", "agent and content versions, the content offer table, the action gating table"),
        ("errors.md", "error codes, limits, bad input"),
        ("evolution.md", "how the schema and the specification may change"),
        ("agent-contract.md", "how a conformance runner starts an agent under test"),
        ("conformance.md", "the conformance runner, profiles and the JSON report schema"),
        ("agent-status.md", "the JSON printed by the agent's status command"),
        ("server.md", "the reference server"),
    ]

    func page() throws -> DocPage {
        guard let readme = markdownFiles["README.md"], let transport = markdownFiles["transport.md"] else {
            throw DocsError("the specification folder needs README.md and transport.md")
        }
        var parts = [
            "# EACP protocol reference",
            "EACP, the Endpoint Agent Communication Protocol, connects endpoint security agents to their management "
                + "server. These pages are generated from the schema, the requirement list, the state machines and "
                + "the specification text, so they change only together with them. The normative text is the "
                + "specification itself, linked below.",
            "## Pages",
            pageList(),
        ]
        parts += try extracted("Roles", from: readme, file: "README.md")
        parts.append("## Transports and paths")
        parts.append(try body("Transport", in: transport, file: "transport.md", level: 1))
        parts += try extracted("Paths", from: transport, file: "transport.md", demotedBy: 1)
        parts += try extracted("TLS profile", from: transport, file: "transport.md")
        parts += try extracted("Timers and message classes", from: readme, file: "README.md")
        return DocPage(
            path: "docs/index.md", title: "Overview", body: parts, sources: "spec/README.md and spec/transport.md")
    }

    private func pageList() -> String {
        var lines = generatedPages.map { "- [\($0.title)](\(SitePath.relative(to: $0.path, from: "docs")))" }
        for (path, contents) in Self.specPages where markdownFiles[path] != nil {
            lines.append("- Specification: [\(path)](../\(path)): \(contents)")
        }
        lines.append(
            "- Schema: [eacp.proto](../eacp.proto); requirement list: [requirements.json](../requirements.json)")
        return lines.joined(separator: "\n")
    }

    private func extracted(
        _ heading: String, from source: String, file: String, demotedBy levels: Int = 0
    ) throws
        -> [String]
    {
        let text = try body(heading, in: source, file: file, level: 2)
        return [
            String(repeating: "#", count: 2 + levels) + " " + heading, MarkdownText.demoteHeadings(text, by: levels),
        ]
    }

    /// Returns the section under `heading`, with links rewritten for a page in `docs`. A level-1 heading stands for the
    /// text between the title and the first section.
    private func body(_ heading: String, in source: String, file: String, level: Int) throws -> String {
        guard let text = MarkdownText.section(heading, in: source) else {
            throw DocsError("\(file) has no section \"\(heading)\"")
        }
        let intro = level == 1 ? (text.components(separatedBy: "\n## ").first ?? text) : text
        return MarkdownText.rebaseLinks(intro.trimmingCharacters(in: "\n"), from: "", to: "docs")
    }
}
