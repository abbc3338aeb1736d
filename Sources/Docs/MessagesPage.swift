import ProtoGen

/// The page of every message with its fields, and the page of every enum with its values, from `eacp.proto`.
struct SchemaPages {
    let schema: ProtoFile
    /// The paths that carry each message, by message name, from the path table of `transport.md`.
    let usage: [String: [String]]

    /// Returns the page of messages.
    func messagesPage() -> DocPage {
        var parts = [
            "# Messages",
            "Every message of `eacp.v1` with its fields, in the order of [`eacp.proto`](../eacp.proto). The meaning, "
                + "unit and limit of each field come from the schema's comments. Enum types are on the "
                + "[enums page](enums.md). Field numbers never change (see [evolution](../evolution.md)).",
        ]
        for message in schema.messages {
            parts += messageSections(message, level: 2)
        }
        return DocPage(path: "docs/messages.md", title: "Messages", body: parts, sources: "spec/eacp.proto")
    }

    /// Returns the page of enums.
    func enumsPage() -> DocPage {
        var parts = [
            "# Enums",
            "Every enum of `eacp.v1`. A value of 0 means \"not set\". A receiver keeps values it does not know "
                + "and treats them as not set unless the field's comment says otherwise.",
        ]
        for declaration in allEnums() {
            parts.append("## `\(declaration.fullName)`")
            let documentation = MarkdownText.prose(declaration.documentation)
            if !documentation.isEmpty { parts.append(MarkdownText.cell(documentation)) }
            let rows = declaration.values.map { value in
                ["\(value.number)", "`\(value.name)`", MarkdownText.prose(value.documentation)]
            }
            parts.append(MarkdownText.table(["number", "value", "meaning"], rows))
        }
        return DocPage(path: "docs/enums.md", title: "Enums", body: parts, sources: "spec/eacp.proto")
    }

    private func messageSections(_ message: MessageDeclaration, level: Int) -> [String] {
        var parts = [String(repeating: "#", count: min(level, 4)) + " `\(message.fullName)`"]
        let documentation = MarkdownText.prose(message.documentation)
        if !documentation.isEmpty { parts.append(MarkdownText.cell(documentation)) }
        if let uses = usage[message.fullName] {
            parts.append("Travels as " + uses.joined(separator: "; ") + ".")
        }

        if message.fields.isEmpty {
            parts.append("This message has no fields.")
        } else {
            let rows = message.fields.map { field in
                [
                    "\(field.number)", "`\(field.name)`", typeLink(field.type), label(field, in: message),
                    MarkdownText.prose(field.documentation),
                ]
            }
            parts.append(MarkdownText.table(["#", "field", "type", "label", "meaning"], rows))
        }
        for oneof in message.oneofs where !oneof.documentation.isEmpty {
            parts.append("`oneof \(oneof.name)`: " + MarkdownText.cell(MarkdownText.prose(oneof.documentation)))
        }
        if !message.enums.isEmpty {
            let links = message.enums.map { "[`\($0.fullName)`](enums.md#\(Anchor.slug("`\($0.fullName)`")))" }
            parts.append("Nested enums: " + links.joined(separator: ", ") + ".")
        }
        for nested in message.messages {
            parts += messageSections(nested, level: level + 1)
        }
        return parts
    }

    private func label(_ field: FieldDeclaration, in message: MessageDeclaration) -> String {
        if let index = field.oneofIndex { return "oneof `\(message.oneofs[index].name)`" }
        return field.isRepeated ? "repeated" : "singular"
    }

    private func typeLink(_ type: FieldType) -> String {
        switch type {
        case .scalar(let scalar): return "`\(scalar.rawValue)`"
        case .named(let name): return "`\(name)`"
        case .message(let name): return "[`\(name)`](#\(Anchor.slug("`\(name)`")))"
        case .enumeration(let name): return "[`\(name)`](enums.md#\(Anchor.slug("`\(name)`")))"
        }
    }

    /// Returns every enum of the file, top-level ones first and then those nested in messages, in file order.
    func allEnums() -> [EnumDeclaration] {
        func nested(_ message: MessageDeclaration) -> [EnumDeclaration] {
            message.enums + message.messages.flatMap(nested)
        }
        return schema.enums + schema.messages.flatMap(nested)
    }

    /// Reads which message each path of the `transport.md` path table carries, in its request and in its success
    /// response.
    static func usage(fromTransport markdown: String?) -> [String: [String]] {
        guard let markdown, let section = MarkdownText.section("Paths", in: markdown) else { return [:] }
        var usage: [String: [String]] = [:]
        for block in MarkdownDocument(parsing: section).blocks {
            guard case .table(let header, let rows) = block, header.count >= 4 else { continue }
            for row in rows where row.count >= 4 {
                let endpoint = "\(row[0]) \(row[1])"
                for name in codeSpans(row[2]) { usage[name, default: []].append("the request body of \(endpoint)") }
                for name in codeSpans(row[3]) { usage[name, default: []].append("the reply to \(endpoint)") }
            }
        }
        return usage
    }

    private static func codeSpans(_ text: String) -> [String] {
        let pieces = text.split(separator: "`", omittingEmptySubsequences: false)
        return stride(from: 1, to: pieces.count, by: 2).map { String(pieces[$0]) }
    }
}
