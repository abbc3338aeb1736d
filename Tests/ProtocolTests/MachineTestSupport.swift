import EACPProtocol
import Foundation
import Testing

/// A machine that the exhaustive tests drive by event name.
protocol SweepableMachine: DescribedStateMachine, Equatable {
    /// Machines in every state, each reached by events from a new machine. A state appears more
    /// than once when its events lead to different states depending on the data it carries.
    static func samples() throws -> [Self]

    /// The number of argument sets `fire` has for `event`. Events whose arguments choose the
    /// target state have one set per target.
    static func variantCount(of event: EventName) -> Int

    /// Sends `event` with argument set `variant` and discards the action.
    mutating func fire(_ event: EventName, variant: Int) throws(ForbiddenEvent<StateName, EventName>)
}

extension SweepableMachine {
    static func variantCount(of event: EventName) -> Int { 1 }
}

/// Sends every event to a copy of every sample and checks the outcome against the table.
///
/// An event without a row for the sample's state must throw `ForbiddenEvent` naming that state and
/// event, and leave the machine unchanged. An allowed event must take a transition of the table.
/// Together the samples must take every transition of the table at least once.
func checkEveryEventInEveryState<Machine: SweepableMachine>(_: Machine.Type) throws {
    let samples = try Machine.samples()
    #expect(Set(samples.map(\.stateName)) == Set(Machine.StateName.allCases))

    let table = Set(Machine.transitions)
    var takenTransitions: Set<Transition<Machine.StateName, Machine.EventName>> = []
    for sample in samples {
        for event in Machine.EventName.allCases {
            for variant in 0..<Machine.variantCount(of: event) {
                checkEvent(event, variant: variant, on: sample, table: table, takenTransitions: &takenTransitions)
            }
        }
    }

    for transition in table.subtracting(takenTransitions) {
        Issue.record("no sample takes \(transition.from) --> \(transition.to) : \(transition.event)")
    }
}

private func checkEvent<Machine: SweepableMachine>(
    _ event: Machine.EventName, variant: Int, on sample: Machine,
    table: Set<Transition<Machine.StateName, Machine.EventName>>,
    takenTransitions: inout Set<Transition<Machine.StateName, Machine.EventName>>
) {
    var machine = sample
    let from = machine.stateName
    do {
        try machine.fire(event, variant: variant)
        let transition = Transition(from, event, machine.stateName)
        #expect(table.contains(transition), "\(from) --> \(machine.stateName) : \(event) is not in the table")
        takenTransitions.insert(transition)
    } catch {
        #expect(error == ForbiddenEvent(machine: Machine.machineName, state: from, event: event))
        #expect(machine == sample, "\(event) in \(from) changed the machine although it was forbidden")
    }
}

/// Reads the Mermaid `stateDiagram-v2` of spec/diagrams/`fileName` and checks that its arrows are
/// exactly the machine's transitions, and that `[*]` points at the initial state.
func checkDiagram<Machine: DescribedStateMachine>(_: Machine.Type, fileName: String) throws {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("spec/diagrams").appendingPathComponent(fileName)
    let text = try String(contentsOf: url, encoding: .utf8)
    let diagram = try #require(MermaidStateDiagram(markdown: text))

    #expect(diagram.initialStates == [Machine.initialState.rawValue])

    let expected = Set(Machine.transitions.map { "\($0.from.rawValue) --> \($0.to.rawValue) : \($0.event.rawValue)" })
    for arrow in diagram.arrows.subtracting(expected).sorted() {
        Issue.record("\(fileName) has an arrow the machine does not: \(arrow)")
    }
    for arrow in expected.subtracting(diagram.arrows).sorted() {
        Issue.record("\(fileName) lacks the arrow: \(arrow)")
    }
    #expect(diagram.arrows.count == Machine.transitions.count, "duplicate arrows in \(fileName)")
}

/// The arrows of the first ```mermaid block of a Markdown file that holds a `stateDiagram-v2`.
struct MermaidStateDiagram {
    /// Arrows as `from --> to : event`, spaces normalized.
    var arrows: Set<String> = []
    /// Targets of `[*] --> state` lines.
    var initialStates: [String] = []

    init?(markdown: String) {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let start = lines.firstIndex(of: "```mermaid"), lines.indices.contains(start + 1),
            lines[start + 1] == "stateDiagram-v2"
        else { return nil }

        for line in lines[(start + 2)...] {
            if line == "```" { break }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 3 && parts[0] == "[*]" && parts[1] == "-->" {
                initialStates.append(String(parts[2]))
            } else if parts.count == 5 && parts[1] == "-->" && parts[3] == ":" {
                arrows.insert("\(parts[0]) --> \(parts[2]) : \(parts[4])")
            }
        }
    }
}
