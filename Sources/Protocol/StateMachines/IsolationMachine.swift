/// The agent's network isolation of its endpoint.
///
/// Isolation blocks all traffic except the management channel: the server's address, and the
/// proxy when the agent reaches the server through one. Every rule set the machine requests
/// contains those management endpoints, and it requests a new one whenever they change, so isolation
/// never cuts the agent off from its server. Isolating an isolated endpoint replaces the hosts
/// that the previous isolate action allowed, and releasing an endpoint that is not isolated
/// succeeds at once.
///
/// An isolate or cancel action that a restart interrupted is not carried out again: the action
/// journal reports it as failed. So a restart while installing the rules removes them, and a
/// restart while removing them installs them again, because isolation stays in force until a
/// cancel succeeds.
public struct IsolationMachine: DescribedStateMachine, Hashable {
    /// A host and TCP port that isolation must leave reachable.
    public struct Endpoint: Hashable, Sendable {
        public var host: String
        public var port: UInt16

        public init(host: String, port: UInt16) {
            self.host = host
            self.port = port
        }
    }

    public enum StateName: String, CaseIterable, Hashable, Sendable {
        case notIsolated, isolating, isolated, releasing
    }

    public enum EventName: String, CaseIterable, Hashable, Sendable {
        case isolateRequested, isolationApplied, isolationFailed, releaseRequested, releaseApplied, releaseFailed
        case managementEndpointsChanged, restarted
    }

    /// The agent's next step, returned by every event.
    public enum Action: Hashable, Sendable {
        /// Install the firewall rules that block everything but `allowed`, then call
        /// `isolationApplied` or `isolationFailed`.
        case applyIsolation(allowed: [Endpoint])
        /// Replace the allowed endpoints of the installed rules.
        case updateAllowedEndpoints([Endpoint])
        /// Replace the allowed endpoints of the installed rules, then report the action as
        /// succeeded, or as failed when the rules could not be replaced.
        case replaceAllowedEndpoints([Endpoint], actionID: String)
        /// Install the rules that block everything but `allowed` again, because a reboot may have
        /// dropped them. The endpoint counts as isolated throughout.
        case reinstallIsolation(allowed: [Endpoint])
        /// Remove whatever part of the rules was installed, and report nothing, because the action
        /// journal reports the interrupted action.
        case removePartialRules
        /// Remove the isolation rules, then call `releaseApplied` or `releaseFailed`.
        case removeIsolation
        /// Remove whatever part of the rules was installed and report the action as failed.
        case removePartialRulesAndReportFailure(actionID: String)
        /// Report the action as succeeded.
        case reportSucceeded(actionID: String)
        /// Report the action as failed. The endpoint stays isolated.
        case reportFailed(actionID: String)
        /// Nothing to do.
        case none
    }

    public typealias Forbidden = ForbiddenEvent<StateName, EventName>

    private enum State: Hashable, Sendable {
        /// Normal network access. Next: isolating.
        case notIsolated
        /// Installing the rules for `actionID`. Next: isolated, notIsolated (failure or restart).
        case isolating(actionID: String)
        /// Only `allowedEndpoints` are reachable. Next: isolated (new allowed hosts), releasing.
        case isolated
        /// Removing the rules for `actionID`. Next: notIsolated, isolated (failure or restart).
        case releasing(actionID: String)
    }

    public static let machineName = "isolation"
    public static let initialState = StateName.notIsolated

    /// The server's endpoint, and the proxy's when one is in use.
    public private(set) var managementEndpoints: [Endpoint]
    private var state = State.notIsolated
    private var extraAllowed: [Endpoint] = []

    public init(managementEndpoints: [Endpoint]) {
        self.managementEndpoints = managementEndpoints
    }

    public var stateName: StateName {
        switch state {
        case .notIsolated: .notIsolated
        case .isolating: .isolating
        case .isolated: .isolated
        case .releasing: .releasing
        }
    }

    /// The endpoints isolation leaves reachable: the management endpoints first, then the ones the
    /// isolate action allowed, without duplicates.
    public var allowedEndpoints: [Endpoint] {
        var seen = Set<Endpoint>()
        return (managementEndpoints + extraAllowed).filter { seen.insert($0).inserted }
    }

    /// Call when an isolate endpoint action arrived. `additionalAllowed` are the hosts its parameters allow
    /// besides the management channel. On an isolated endpoint they replace the hosts that the
    /// previous isolate action allowed.
    public mutating func isolateRequested(
        actionID: String, additionalAllowed: [Endpoint] = []
    ) throws(Forbidden) -> Action {
        switch state {
        case .notIsolated:
            extraAllowed = additionalAllowed
            state = .isolating(actionID: actionID)
            return .applyIsolation(allowed: allowedEndpoints)
        case .isolated:
            extraAllowed = additionalAllowed
            return .replaceAllowedEndpoints(allowedEndpoints, actionID: actionID)
        case .isolating, .releasing:
            throw forbidden(.isolateRequested)
        }
    }

    /// Call when the isolation rules are installed.
    public mutating func isolationApplied() throws(Forbidden) -> Action {
        switch state {
        case .isolating(let actionID):
            state = .isolated
            return .reportSucceeded(actionID: actionID)
        case .notIsolated, .isolated, .releasing:
            throw forbidden(.isolationApplied)
        }
    }

    /// Call when installing the rules failed.
    public mutating func isolationFailed() throws(Forbidden) -> Action {
        switch state {
        case .isolating(let actionID):
            extraAllowed = []
            state = .notIsolated
            return .removePartialRulesAndReportFailure(actionID: actionID)
        case .notIsolated, .isolated, .releasing:
            throw forbidden(.isolationFailed)
        }
    }

    /// Call when a cancel isolation action arrived.
    public mutating func releaseRequested(actionID: String) throws(Forbidden) -> Action {
        switch state {
        case .isolated:
            state = .releasing(actionID: actionID)
            return .removeIsolation
        case .notIsolated:
            return .reportSucceeded(actionID: actionID)
        case .isolating, .releasing:
            throw forbidden(.releaseRequested)
        }
    }

    /// Call when the isolation rules are removed.
    public mutating func releaseApplied() throws(Forbidden) -> Action {
        switch state {
        case .releasing(let actionID):
            extraAllowed = []
            state = .notIsolated
            return .reportSucceeded(actionID: actionID)
        case .notIsolated, .isolating, .isolated:
            throw forbidden(.releaseApplied)
        }
    }

    /// Call when removing the rules failed. The endpoint is still isolated.
    public mutating func releaseFailed() throws(Forbidden) -> Action {
        switch state {
        case .releasing(let actionID):
            state = .isolated
            return .reportFailed(actionID: actionID)
        case .notIsolated, .isolating, .isolated:
            throw forbidden(.releaseFailed)
        }
    }

    /// Call when the server's address or the proxy changed, for example after a confirmed proxy change.
    public mutating func managementEndpointsChanged(_ endpoints: [Endpoint]) throws(Forbidden) -> Action {
        managementEndpoints = endpoints
        switch state {
        case .notIsolated:
            return .none
        case .isolating, .isolated, .releasing:
            return .updateAllowedEndpoints(allowedEndpoints)
        }
    }

    /// Call when the agent started again with the persisted machine, possibly after a reboot that
    /// dropped the firewall rules. An isolate or cancel action that was in progress counts as
    /// interrupted and is not carried out again.
    public mutating func restarted() throws(Forbidden) -> Action {
        switch state {
        case .notIsolated:
            return .none
        case .isolating:
            extraAllowed = []
            state = .notIsolated
            return .removePartialRules
        case .isolated, .releasing:
            state = .isolated
            return .reinstallIsolation(allowed: allowedEndpoints)
        }
    }
}

extension IsolationMachine {
    public static let transitions: [Transition<StateName, EventName>] = [
        Transition(.notIsolated, .isolateRequested, .isolating),
        Transition(.notIsolated, .releaseRequested, .notIsolated),
        Transition(.notIsolated, .managementEndpointsChanged, .notIsolated),
        Transition(.notIsolated, .restarted, .notIsolated),
        Transition(.isolating, .isolationApplied, .isolated),
        Transition(.isolating, .isolationFailed, .notIsolated),
        Transition(.isolating, .managementEndpointsChanged, .isolating),
        Transition(.isolating, .restarted, .notIsolated),
        Transition(.isolated, .isolateRequested, .isolated),
        Transition(.isolated, .releaseRequested, .releasing),
        Transition(.isolated, .managementEndpointsChanged, .isolated),
        Transition(.isolated, .restarted, .isolated),
        Transition(.releasing, .releaseApplied, .notIsolated),
        Transition(.releasing, .releaseFailed, .isolated),
        Transition(.releasing, .managementEndpointsChanged, .releasing),
        Transition(.releasing, .restarted, .isolated),
    ]
}
