/// One arrow of a state machine: in state `from`, the event `event` may lead to state `to`.
///
/// An event whose outcome depends on data (a counter, a digest, a clock) has one transition per
/// possible target.
public struct Transition<StateName: Hashable & Sendable, EventName: Hashable & Sendable>: Hashable, Sendable {
    public let from: StateName
    public let event: EventName
    public let to: StateName

    public init(_ from: StateName, _ event: EventName, _ to: StateName) {
        self.from = from
        self.event = event
        self.to = to
    }
}

/// A protocol state machine described by name: its states, its events and the transitions between
/// them.
///
/// Each machine's `transitions` table lists every transition its methods can take. The diagram of
/// the machine in spec/diagrams lists the same transitions, and the tests check all three against
/// each other.
public protocol DescribedStateMachine: Sendable {
    associatedtype StateName: CaseIterable, Hashable, Sendable, RawRepresentable where StateName.RawValue == String
    associatedtype EventName: CaseIterable, Hashable, Sendable, RawRepresentable where EventName.RawValue == String

    /// The machine's name in messages, such as "push connection".
    static var machineName: String { get }
    /// The state a new machine starts in.
    static var initialState: StateName { get }
    /// Every transition the machine can take.
    static var transitions: [Transition<StateName, EventName>] { get }

    /// The current state's name.
    var stateName: StateName { get }
}

/// The error thrown when an event arrives in a state that does not allow it. The machine is left
/// unchanged, so the caller may log the error and carry on.
public struct ForbiddenEvent<StateName, EventName>: Error, Hashable, Sendable, CustomStringConvertible
where
    StateName: RawRepresentable & Hashable & Sendable, StateName.RawValue == String,
    EventName: RawRepresentable & Hashable & Sendable, EventName.RawValue == String
{
    /// The machine's name, from `DescribedStateMachine.machineName`.
    public let machine: String
    /// The state the machine was in.
    public let state: StateName
    /// The event it did not allow.
    public let event: EventName

    public init(machine: String, state: StateName, event: EventName) {
        self.machine = machine
        self.state = state
        self.event = event
    }

    public var description: String {
        "\(machine): event '\(event.rawValue)' is not allowed in state '\(state.rawValue)'"
    }
}

extension DescribedStateMachine {
    /// Builds the error for `event` in the current state.
    func forbidden(_ event: EventName) -> ForbiddenEvent<StateName, EventName> {
        ForbiddenEvent(machine: Self.machineName, state: stateName, event: event)
    }
}
