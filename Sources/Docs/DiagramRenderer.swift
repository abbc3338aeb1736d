import Foundation

/// Draws the Mermaid state diagrams of the documentation for the HTML site: as SVG through Graphviz `dot` when it
/// is installed, and always as a table of transitions.
public struct DiagramRenderer: Sendable {
    /// The `dot` executable, or nil to write tables only.
    public var dotPath: String?

    public init(dotPath: String?) {
        self.dotPath = dotPath
    }

    /// Uses the `dot` found on the PATH, if any.
    public static func graphvizIfInstalled() -> DiagramRenderer {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let dot = path.split(separator: ":").map { "\($0)/dot" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return DiagramRenderer(dotPath: dot)
    }

    /// One arrow of a state diagram; `from` is nil for the initial arrow `[*] --> state`.
    struct Arrow: Hashable {
        var from: String?
        var to: String
        var event: String
    }

    /// Returns the HTML for a Mermaid block. Anything other than a `stateDiagram-v2` is shown as code.
    func render(mermaid: String) -> String {
        guard let arrows = Self.arrows(mermaid) else {
            return "<pre><code>\(HTMLText.escape(mermaid))</code></pre>"
        }
        let table = Self.transitionTable(arrows)
        guard let svg = drawSVG(arrows) else {
            return "<figure class=\"diagram\">\n\(table)\n</figure>"
        }
        return "<figure class=\"diagram\">\n\(svg)\n<details><summary>Transitions as a table</summary>\n\(table)\n"
            + "</details>\n</figure>"
    }

    /// Reads the arrows of a `stateDiagram-v2`, or returns nil when the block is another kind of diagram.
    static func arrows(_ mermaid: String) -> [Arrow]? {
        let lines = mermaid.split(separator: "\n").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        guard lines.first == "stateDiagram-v2" else { return nil }
        var arrows: [Arrow] = []
        for line in lines.dropFirst() {
            let parts = line.components(separatedBy: " --> ")
            guard parts.count == 2 else { continue }
            let target = parts[1].components(separatedBy: " : ")
            let from = parts[0] == "[*]" ? nil : parts[0]
            arrows.append(Arrow(from: from, to: target[0], event: target.count > 1 ? target[1] : ""))
        }
        return arrows
    }

    static func transitionTable(_ arrows: [Arrow]) -> String {
        var html = "<div class=\"table\"><table>\n<thead><tr><th>state</th><th>event</th><th>next state</th></tr>"
        html += "</thead>\n<tbody>\n"
        for arrow in arrows {
            let from = arrow.from.map { "<code>\(HTMLText.escape($0))</code>" } ?? "(start)"
            let event = arrow.from == nil ? "" : "<code>\(HTMLText.escape(arrow.event))</code>"
            html += "<tr><td>\(from)</td><td>\(event)</td><td><code>\(HTMLText.escape(arrow.to))</code></td></tr>\n"
        }
        return html + "</tbody>\n</table></div>"
    }

    /// Returns the diagram in the dot language. Arrows between the same two states share one edge, with one event
    /// per line of its label.
    static func dotSource(_ arrows: [Arrow]) -> String {
        var edges: [(from: String, to: String, events: [String])] = []
        for arrow in arrows {
            let from = arrow.from ?? "[*]"
            if let index = edges.firstIndex(where: { $0.from == from && $0.to == arrow.to }) {
                edges[index].events.append(arrow.event)
            } else {
                edges.append((from, arrow.to, [arrow.event]))
            }
        }
        var lines = [
            "digraph machine {",
            "  rankdir=LR; bgcolor=\"transparent\";",
            "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f3f6fa\", color=\"#5b6b7d\", "
                + "fontname=\"Helvetica\", fontsize=11];",
            "  edge [color=\"#5b6b7d\", fontname=\"Helvetica\", fontsize=9];",
            "  \"[*]\" [shape=circle, style=filled, fillcolor=\"#333333\", label=\"\", width=0.15];",
        ]
        for edge in edges {
            let label = edge.events.filter { !$0.isEmpty }.joined(separator: "\\n")
            lines.append("  \(quoted(edge.from)) -> \(quoted(edge.to)) [label=\(quoted(label))];")
        }
        return (lines + ["}"]).joined(separator: "\n")
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Runs `dot -Tsvg` and returns the `<svg>` element, or nil when `dot` is missing or fails.
    private func drawSVG(_ arrows: [Arrow]) -> String? {
        guard let dotPath else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dotPath)
        process.arguments = ["-Tsvg"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        input.fileHandleForWriting.write(Data(Self.dotSource(arrows).utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let svg = String(data: data, encoding: .utf8),
            let start = svg.range(of: "<svg")
        else { return nil }
        // The XML declaration and doctype before `<svg` are not allowed inside an HTML page.
        return String(svg[start.lowerBound...]).trimmingCharacters(in: "\n")
    }
}
