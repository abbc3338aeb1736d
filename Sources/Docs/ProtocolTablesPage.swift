import EACPProtocol
import ProtoGen

/// The page of action kinds with their gating thresholds, and the page of error codes with their HTTP status
/// and WebSocket close code.
struct ProtocolTablesPages {
    let schema: ProtoFile
    let markdownFiles: [String: String]

    /// Returns the action kinds page. The thresholds come from `ActionGate`, the code the reference server uses.
    func actionsPage() throws -> DocPage {
        guard let kinds = schema.enums.first(where: { $0.name == "ActionKind" }) else {
            throw DocsError("eacp.proto has no enum ActionKind")
        }
        var rows: [[String]] = []
        for value in kinds.values where value.number != 0 {
            let kind = ActionKind(rawValue: Int32(truncatingIfNeeded: value.number))
            guard let requirement = ActionGate.requirement(for: kind) else {
                throw DocsError("ActionGate has no row for \(value.name) (\(value.number)); add it before the docs")
            }
            rows.append([
                "\(value.number)", "`\(value.name)`", requirement.minimumVersion.description,
                requirement.minimumPushVersion.description, parametersLink(for: value.name),
            ])
        }
        let parts = [
            "# Action kinds",
            "The server starts every action; the agent carries it out and answers with an acknowledgement and a "
                + "result (see [actions](../actions.md)). An agent at or above a kind's lowest supporting version "
                + "carries the kind out. The server pushes the kind only to agents at or above its lowest push "
                + "version, and sends it to older supporting agents in heartbeat replies only. It rejects the "
                + "action for agents below the lowest supporting version. The reasons for each row are in "
                + "[versions](../versions.md#action-gating).",
            MarkdownText.table(
                ["number", "kind", "lowest supporting version", "lowest push version", "parameters"], rows),
            "An action's own `minimum_agent_version` can raise both thresholds for that action. Versions compare "
                + "component by component as integers, and a missing component counts as 0.",
            "How an action ends: [`ActionTerminalState`](enums.md#actionterminalstate); why it did not succeed: "
                + "[`ActionErrorCode`](enums.md#actionerrorcode).",
        ]
        return DocPage(
            path: "docs/actions.md", title: "Action kinds", body: parts,
            sources: "spec/eacp.proto and the action gating table in Sources/Protocol/Versions/ActionGate.swift")
    }

    /// `ACTION_KIND_QUARANTINE_FILE` has its parameters in the message `QuarantineFileParameters`.
    private func parametersLink(for valueName: String) -> String {
        let words = valueName.dropFirst("ACTION_KIND_".count).split(separator: "_")
        let name = words.map { $0.prefix(1) + $0.dropFirst().lowercased() }.joined() + "Parameters"
        guard schema.messages.contains(where: { $0.name == name }) else { return "none" }
        return "[`\(name)`](messages.md#\(Anchor.slug("`\(name)`")))"
    }

    /// Returns the error codes page, joining the `ErrorCode` enum of the schema with the error table of
    /// `errors.md`. Every code of the enum except 0 must have a row in that table.
    func errorsPage() throws -> DocPage {
        guard let codes = schema.enums.first(where: { $0.name == "ErrorCode" }) else {
            throw DocsError("eacp.proto has no enum ErrorCode")
        }
        let table = try errorTable()
        var rows: [[String]] = []
        for value in codes.values where value.number != 0 {
            let shortName = String(value.name.dropFirst("ERROR_CODE_".count))
            guard let row = table[shortName] else {
                throw DocsError("errors.md has no row for \(value.name) in its error code table")
            }
            rows.append(["\(value.number)", "`\(value.name)`", row.status, row.closeCode, row.when])
        }
        let parts = [
            "# Error codes",
            "Every HTTP error response under `/eacp/v1/` carries an [`ErrorReply`](messages.md#errorreply) whose "
                + "`code` matches the HTTP status below. A side that closes the push channel because of an error "
                + "uses the close code. \"none\" means the error cannot occur on that path. The normative text is "
                + "in [errors and limits](../errors.md#error-codes).",
            MarkdownText.table(["number", "code", "HTTP status", "WebSocket close code", "when"], rows),
            "A push channel closed without an error uses close code 1000, or 1001 when the side is going away "
                + "(shutdown, missed pongs).",
        ]
        return DocPage(
            path: "docs/errors.md", title: "Error codes", body: parts, sources: "spec/eacp.proto and spec/errors.md")
    }

    private struct ErrorRow {
        var status: String
        var closeCode: String
        var when: String
    }

    /// Reads the rows of the error code table: `| `BAD_REQUEST` (1) | 400 | 1008 | when |`.
    private func errorTable() throws -> [String: ErrorRow] {
        guard let source = markdownFiles["errors.md"], let section = MarkdownText.section("Error codes", in: source)
        else { throw DocsError("errors.md has no section \"Error codes\"") }
        var rows: [String: ErrorRow] = [:]
        for case .table(_, let tableRows) in MarkdownDocument(parsing: section).blocks {
            for row in tableRows where row.count >= 4 {
                let name = row[0].split(separator: "`").first.map(String.init) ?? row[0]
                rows[name] = ErrorRow(status: row[1], closeCode: row[2], when: row[3])
            }
        }
        return rows
    }
}
