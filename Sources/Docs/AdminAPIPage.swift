/// The administrator API page, read from the OpenAPI file `admin-api.yaml`.
///
/// NOTE: this reads only the block-style YAML layout that `admin-api.yaml` uses (two-space indents, one key per
/// line, flow maps on one line, folded `>` strings). The file itself, linked from the page, stays the reference.
struct AdminAPIPage {
    let yaml: String

    /// One `key: value` line of the YAML, with folded strings joined into the value.
    struct Entry {
        var indent: Int
        var key: String
        var value: String
    }

    func page() throws -> DocPage {
        let entries = Self.entries(yaml)
        guard let paths = entries.firstIndex(where: { $0.indent == 0 && $0.key == "paths" }) else {
            throw DocsError("admin-api.yaml has no paths section")
        }
        let description = entries.first { $0.indent == 2 && $0.key == "description" }?.value ?? ""
        var parts = [
            "# Administrator API",
            "The reference server's administrator API, from [`admin-api.yaml`](../admin-api.yaml) (OpenAPI 3). "
                + "It is not part of the agent-to-server protocol; a conformance run against a server uses it to "
                + "queue actions and publish content.",
        ]
        if !description.isEmpty { parts.append(MarkdownText.cell(description)) }
        parts.append("## Operations")
        parts.append(
            MarkdownText.table(
                ["method", "path", "summary", "request body", "responses"], operations(entries, from: paths)))
        parts.append("## Schemas")
        parts += schemas(entries)
        return DocPage(
            path: "docs/admin-api.md", title: "Administrator API", body: parts, sources: "spec/admin-api.yaml")
    }

    private func operations(_ entries: [Entry], from start: Int) -> [[String]] {
        var rows: [[String]] = []
        var path = ""
        var index = start + 1
        while index < entries.count, entries[index].indent > 0 {
            let entry = entries[index]
            if entry.indent == 2 {
                path = entry.key
            } else if entry.indent == 4, ["get", "put", "post", "delete", "patch"].contains(entry.key) {
                let end = entries[(index + 1)...].firstIndex { $0.indent <= 4 } ?? entries.count
                let body = Array(entries[(index + 1)..<end])
                rows.append([entry.key.uppercased(), "`\(path)`", summary(body), requestBody(body), responses(body)])
            }
            index += 1
        }
        return rows
    }

    private func summary(_ body: [Entry]) -> String {
        body.first { $0.indent == 6 && $0.key == "summary" }?.value ?? ""
    }

    private func requestBody(_ body: [Entry]) -> String {
        guard let start = body.firstIndex(where: { $0.indent == 6 && $0.key == "requestBody" }) else { return "none" }
        let end = body[(start + 1)...].firstIndex { $0.indent <= 6 } ?? body.count
        let requestEntries = body[(start + 1)..<end]
        if let reference = requestEntries.lazy.compactMap({ Self.schemaReference($0.value) }).first {
            return "[`\(reference)`](#\(Anchor.slug("`\(reference)`")))"
        }
        if let media = requestEntries.first(where: { $0.key.contains("/") }) { return "`\(media.key)`" }
        return "JSON object"
    }

    private func responses(_ body: [Entry]) -> String {
        body.filter { $0.indent == 8 && $0.key.hasPrefix("\"") }.map { $0.key.trimmingCharacters(in: "\"") }
            .joined(separator: ", ")
    }

    /// Returns one table per schema of `components.schemas`: its properties and their types.
    private func schemas(_ entries: [Entry]) -> [String] {
        guard let start = entries.firstIndex(where: { $0.indent == 2 && $0.key == "schemas" }) else { return [] }
        var parts: [String] = []
        var index = start + 1
        while index < entries.count, entries[index].indent >= 4 {
            let schema = entries[index]
            let end = entries[(index + 1)...].firstIndex { $0.indent <= 4 } ?? entries.count
            if schema.indent == 4 {
                parts.append("### `\(schema.key)`")
                parts.append(schemaBody(Array(entries[(index + 1)..<end])))
            }
            index = end
        }
        return parts
    }

    private func schemaBody(_ body: [Entry]) -> String {
        let type = body.first { $0.indent == 6 && $0.key == "type" }?.value ?? "object"
        if let values = body.first(where: { $0.indent == 6 && $0.key == "enum" })?.value {
            return "A \(type), one of: " + Self.flowList(values).map { "`\($0)`" }.joined(separator: ", ") + "."
        }
        let required = Set(Self.flowList(body.first { $0.indent == 6 && $0.key == "required" }?.value ?? ""))
        let rows = body.filter { $0.indent == 8 }.map { property in
            [
                "`\(property.key)`", propertyType(property.value), required.contains(property.key) ? "yes" : "no",
            ]
        }
        if rows.isEmpty { return "A \(type)." }
        return MarkdownText.table(["property", "type", "required"], rows)
    }

    /// `{type: integer, format: int64}` reads as `integer (int64)`; a reference links to its schema.
    private func propertyType(_ value: String) -> String {
        if let reference = Self.schemaReference(value) { return "[`\(reference)`](#\(Anchor.slug("`\(reference)`")))" }
        if value.isEmpty { return "object" }
        let fields = Self.flowList(value)
        let type = fields.first { $0.hasPrefix("type:") }.map { String($0.dropFirst(5)).trimmingSpaces() } ?? value
        let format = fields.first { $0.hasPrefix("format:") }.map { String($0.dropFirst(7)).trimmingSpaces() }
        return format.map { "\(type) (\($0))" } ?? type
    }

    private static func schemaReference(_ value: String) -> String? {
        guard let range = value.range(of: "#/components/schemas/") else { return nil }
        return String(value[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    /// Splits `[a, b]` or `{a: 1, b: 2}` at its top-level commas.
    static func flowList(_ value: String) -> [String] {
        let inner = value.trimmingSpaces().trimmingCharacters(in: "[]{}")
        var items: [String] = []
        var depth = 0
        var current = ""
        for character in inner {
            if "[{".contains(character) { depth += 1 }
            if "]}".contains(character) { depth -= 1 }
            if character == ",", depth == 0 {
                items.append(current.trimmingSpaces())
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.trimmingSpaces().isEmpty { items.append(current.trimmingSpaces()) }
        return items
    }

    /// Reads every `key: value` line. Lines of a folded string (`>`) join its value, and a flow value that spans
    /// lines is joined until its brackets close. List items (`- `) are skipped.
    static func entries(_ yaml: String) -> [Entry] {
        let lines = yaml.split(separator: "\n").map(String.init)
        var entries: [Entry] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let indent = line.prefix { $0 == " " }.count
            let text = line.trimmingSpaces()
            index += 1
            guard !text.isEmpty, !text.hasPrefix("#"), !text.hasPrefix("- "), let colon = text.firstIndex(of: ":")
            else { continue }
            var value = String(text[text.index(after: colon)...]).trimmingSpaces()
            if value == ">" || value == "|" {
                var folded: [String] = []
                while index < lines.count, lines[index].prefix(while: { $0 == " " }).count > indent {
                    folded.append(lines[index].trimmingSpaces())
                    index += 1
                }
                value = folded.joined(separator: " ")
            }
            while value.filter({ $0 == "[" }).count > value.filter({ $0 == "]" }).count, index < lines.count {
                value += " " + lines[index].trimmingSpaces()
                index += 1
            }
            entries.append(
                Entry(indent: indent, key: String(text[..<colon]), value: value.trimmingCharacters(in: "\"")))
        }
        return entries
    }
}
