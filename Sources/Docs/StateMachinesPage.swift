import EACPProtocol

/// A protocol state machine reduced to names: states, events and transitions.
struct MachineOutline: Sendable {
    var typeName: String
    /// The diagram page in the specification folder, such as `diagrams/isolation.md`.
    var diagramPath: String
    var initialState: String
    var transitions: [(from: String, event: String, to: String)]

    init<Machine: DescribedStateMachine>(_ machine: Machine.Type, diagram: String) {
        typeName = String(describing: machine)
        diagramPath = "diagrams/\(diagram)"
        initialState = Machine.initialState.rawValue
        transitions = Machine.transitions.map { ($0.from.rawValue, $0.event.rawValue, $0.to.rawValue) }
    }

    /// The machines of `Sources/Protocol/StateMachines` with their diagram files.
    static let all: [MachineOutline] = [
        MachineOutline(PushConnectionMachine.self, diagram: "push-connection.md"),
        MachineOutline(ActionLifecycleMachine.self, diagram: "action-lifecycle.md"),
        MachineOutline(ActionJournalEntry.self, diagram: "action-journal.md"),
        MachineOutline(ContentUpdateMachine.self, diagram: "content-update.md"),
        MachineOutline(AgentUpgradeMachine.self, diagram: "agent-upgrade.md"),
        MachineOutline(IsolationMachine.self, diagram: "isolation.md"),
        MachineOutline(ProxyChangeMachine.self, diagram: "proxy-change.md"),
    ]

    /// The machine as a Mermaid state diagram, one line per transition in the order of the Swift table.
    var mermaid: String {
        var lines = ["stateDiagram-v2", "    [*] --> \(initialState)"]
        for transition in transitions {
            lines.append("    \(transition.from) --> \(transition.to) : \(transition.event)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The page of the protocol's state machines: the explanation from each diagram page and a diagram drawn from the
/// Swift transition table.
struct StateMachinesPage {
    let markdownFiles: [String: String]

    func page() throws -> DocPage {
        var parts = [
            "# State machines",
            "The protocol's state machines, drawn from the transition tables of the Swift types in "
                + "`Sources/Protocol/StateMachines`. Each section repeats the explanation of its diagram page. "
                + "An event that a state does not draw is forbidden in that state.",
        ]
        let outlines = MachineOutline.all
        parts.append(outlines.map { "- [\(title(of: $0))](#\(Anchor.slug(title(of: $0))))" }.joined(separator: "\n"))
        for outline in outlines {
            parts += try section(outline)
        }
        return DocPage(
            path: "docs/state-machines.md", title: "State machines", body: parts,
            sources: "Sources/Protocol/StateMachines and spec/diagrams")
    }

    private func title(of outline: MachineOutline) -> String {
        guard let source = markdownFiles[outline.diagramPath],
            let firstLine = source.split(separator: "\n").first, firstLine.hasPrefix("# ")
        else { return outline.typeName }
        return String(firstLine.dropFirst(2))
    }

    private func section(_ outline: MachineOutline) throws -> [String] {
        guard let source = markdownFiles[outline.diagramPath] else {
            throw DocsError("the diagram page \(outline.diagramPath) of \(outline.typeName) is missing")
        }
        var parts = ["## \(title(of: outline))"]
        let explanation = Self.explanation(of: source)
        if !explanation.isEmpty {
            parts.append(MarkdownText.rebaseLinks(explanation, from: "diagrams", to: "docs"))
        }
        parts.append(
            "Swift type: `\(outline.typeName)`. Initial state: `\(outline.initialState)`. Diagram page: "
                + "[\(outline.diagramPath)](../\(outline.diagramPath)).")
        parts.append("```mermaid\n\(outline.mermaid)\n```")
        return parts
    }

    /// Returns the diagram page without its title and without its Mermaid block.
    static func explanation(of source: String) -> String {
        var kept: [Substring] = []
        var inMermaid = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```mermaid") {
                inMermaid = true
            } else if inMermaid {
                if line.hasPrefix("```") { inMermaid = false }
            } else if !line.hasPrefix("# ") {
                kept.append(line)
            }
        }
        var text = kept.map(String.init).joined(separator: "\n")
        while text.contains("\n\n\n") { text = text.replacingOccurrences(of: "\n\n\n", with: "\n\n") }
        return MarkdownText.demoteHeadings(text.trimmingCharacters(in: "\n"), by: 1)
    }
}
