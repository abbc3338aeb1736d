/// The agent's change of the proxy it uses to reach the server, with an automatic revert.
///
/// A wrong proxy could cut the agent off from its server for good, so a new setting is only
/// trusted once a heartbeat has gone through it. The agent applies the setting, sends a heartbeat
/// at once, and retries failed heartbeats until the confirmation deadline. If no heartbeat
/// succeeds in time, the agent goes back to the previous setting and reports the action as failed
/// (error code PROXY_NOT_CONFIRMED). Both set endpoint proxy and disable endpoint proxy use this
/// machine, because disabling is a change to `.direct`.
public struct ProxyChangeMachine: DescribedStateMachine, Hashable {
    public struct Configuration: Hashable, Sendable {
        /// Time from applying a setting to its confirmation deadline when the action's
        /// `confirm_timeout_ms` is 0. 300 s is the default the specification gives.
        public var defaultConfirmTimeoutMilliseconds: Int64 = 300_000
        /// Delay before retrying a failed heartbeat while a change waits for confirmation. 10 s is
        /// the interval the specification recommends.
        public var heartbeatRetryMilliseconds: Int64 = 10_000

        public init() {}
    }

    /// The range the specification allows for an action's `confirm_timeout_ms`. The agent rejects
    /// an action outside it with INVALID_PARAMETERS before it reaches this machine.
    public static let confirmTimeoutRange: ClosedRange<Int64> = 1_000...3_600_000

    /// The route from the agent to the server.
    public enum Setting: Hashable, Sendable {
        case direct
        /// Through an HTTP CONNECT proxy.
        case proxy(host: String, port: UInt16)
    }

    public enum StateName: String, CaseIterable, Hashable, Sendable {
        case confirmed, applied, reverted
    }

    public enum EventName: String, CaseIterable, Hashable, Sendable {
        case changeRequested, heartbeatSucceeded, heartbeatFailed, deadlinePassed, restarted
    }

    /// The agent's next step, returned by every event.
    public enum Action: Hashable, Sendable {
        /// Use `setting` for every connection to the server, send a heartbeat through it at once,
        /// and call `deadlinePassed` at `deadlineMilliseconds` (Unix time) unless a heartbeat
        /// succeeds first.
        case apply(Setting, deadlineMilliseconds: Int64)
        /// Send another heartbeat after the delay.
        case retryHeartbeat(afterMilliseconds: Int64)
        /// Cancel the deadline, store the setting as confirmed and report the action as succeeded.
        case confirm(actionID: String)
        /// Go back to `previous` and report the action as failed with PROXY_NOT_CONFIRMED.
        case revert(to: Setting, actionID: String)
        /// Nothing to do.
        case none
    }

    public typealias Forbidden = ForbiddenEvent<StateName, EventName>

    private enum State: Hashable, Sendable {
        /// The setting in use was confirmed by a heartbeat, or came with enrollment. Next: applied.
        case confirmed(Setting)
        /// A new setting is in use and no heartbeat has gone through it yet. Next: confirmed,
        /// reverted.
        case applied(candidate: Setting, previous: Setting, deadline: Int64, actionID: String)
        /// The last change missed its deadline and the previous setting is back in use. Next: applied.
        case reverted(Setting)
    }

    public static let machineName = "proxy change"
    public static let initialState = StateName.confirmed

    public let configuration: Configuration
    private var state: State

    /// Creates the machine with the setting the agent uses now, which counts as confirmed.
    public init(current: Setting, configuration: Configuration = Configuration()) {
        state = .confirmed(current)
        self.configuration = configuration
    }

    public var stateName: StateName {
        switch state {
        case .confirmed: .confirmed
        case .applied: .applied
        case .reverted: .reverted
        }
    }

    /// The setting in use: the candidate while a change waits for confirmation.
    public var currentSetting: Setting {
        switch state {
        case .confirmed(let setting), .reverted(let setting): setting
        case .applied(let candidate, _, _, _): candidate
        }
    }

    /// Call when a set or disable endpoint proxy action requests `setting`. `now` is Unix
    /// milliseconds. `confirmTimeoutMilliseconds` is the action's `confirm_timeout_ms`: 0 selects
    /// the default, and a value outside `confirmTimeoutRange` is clamped to it. A second change
    /// while one waits for confirmation is forbidden, and the agent rejects that action.
    public mutating func changeRequested(
        to setting: Setting, confirmTimeoutMilliseconds: Int64 = 0, actionID: String, now: Int64
    ) throws(Forbidden) -> Action {
        switch state {
        case .confirmed(let previous), .reverted(let previous):
            let deadline = now + confirmTimeout(requested: confirmTimeoutMilliseconds)
            state = .applied(candidate: setting, previous: previous, deadline: deadline, actionID: actionID)
            return .apply(setting, deadlineMilliseconds: deadline)
        case .applied:
            throw forbidden(.changeRequested)
        }
    }

    private func confirmTimeout(requested: Int64) -> Int64 {
        guard requested != 0 else { return configuration.defaultConfirmTimeoutMilliseconds }
        return min(max(requested, Self.confirmTimeoutRange.lowerBound), Self.confirmTimeoutRange.upperBound)
    }

    /// Call when a heartbeat through the setting in use went through.
    public mutating func heartbeatSucceeded() throws(Forbidden) -> Action {
        switch state {
        case .applied(let candidate, _, _, let actionID):
            state = .confirmed(candidate)
            return .confirm(actionID: actionID)
        case .confirmed, .reverted:
            return .none
        }
    }

    /// Call when a heartbeat through the setting in use failed. Outside a change the normal heartbeat
    /// schedule applies.
    public mutating func heartbeatFailed() throws(Forbidden) -> Action {
        switch state {
        case .applied:
            return .retryHeartbeat(afterMilliseconds: configuration.heartbeatRetryMilliseconds)
        case .confirmed, .reverted:
            return .none
        }
    }

    /// Call when the confirmation deadline passed without a successful heartbeat.
    public mutating func deadlinePassed() throws(Forbidden) -> Action {
        switch state {
        case .applied(_, let previous, _, let actionID):
            state = .reverted(previous)
            return .revert(to: previous, actionID: actionID)
        case .confirmed, .reverted:
            throw forbidden(.deadlinePassed)
        }
    }

    /// Call when the agent started again with the persisted machine, before it sends any request.
    /// `now` is Unix milliseconds. A pending change keeps its original deadline, so that a crash
    /// loop cannot postpone the revert. A change whose deadline passed while the agent was down is
    /// reverted at once, without a request through it.
    public mutating func restarted(now: Int64) throws(Forbidden) -> Action {
        switch state {
        case .applied(let candidate, let previous, let deadline, let actionID):
            guard now < deadline else {
                state = .reverted(previous)
                return .revert(to: previous, actionID: actionID)
            }
            return .apply(candidate, deadlineMilliseconds: deadline)
        case .confirmed, .reverted:
            return .none
        }
    }
}

extension ProxyChangeMachine {
    public static let transitions: [Transition<StateName, EventName>] = [
        Transition(.confirmed, .changeRequested, .applied),
        Transition(.confirmed, .heartbeatSucceeded, .confirmed),
        Transition(.confirmed, .heartbeatFailed, .confirmed),
        Transition(.confirmed, .restarted, .confirmed),
        Transition(.applied, .heartbeatSucceeded, .confirmed),
        Transition(.applied, .heartbeatFailed, .applied),
        Transition(.applied, .deadlinePassed, .reverted),
        Transition(.applied, .restarted, .applied),
        Transition(.applied, .restarted, .reverted),
        Transition(.reverted, .changeRequested, .applied),
        Transition(.reverted, .heartbeatSucceeded, .reverted),
        Transition(.reverted, .heartbeatFailed, .reverted),
        Transition(.reverted, .restarted, .reverted),
    ]
}
