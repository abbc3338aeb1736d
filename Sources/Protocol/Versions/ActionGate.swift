/// The action gating table: which agent versions may receive each action kind, and by which path.
///
/// An agent at or above a kind's `minimumVersion` carries the kind out. Only agents at or above
/// `minimumPushVersion` accept it over the push channel; older agents that support the kind get it
/// in a heartbeat reply. spec/versions.md contains the same table with the reasons.
public enum ActionGate {
    /// The lowest agent versions for one action kind.
    public struct Requirement: Hashable, Sendable {
        /// The lowest version that carries the kind out.
        public let minimumVersion: AgentVersion
        /// The lowest version that accepts the kind over the push channel. Never below
        /// `minimumVersion`.
        public let minimumPushVersion: AgentVersion
    }

    /// The delivery path the server may use for an action to one agent.
    public enum Decision: Hashable, Sendable {
        /// Over the push channel, falling back to a heartbeat reply.
        case push
        /// Only in a heartbeat reply.
        case heartbeatOnly
        /// Not at all: the server rejects the action for this agent.
        case unsupported(UnsupportedReason)
    }

    /// The reason an agent cannot receive an action.
    public struct UnsupportedReason: Hashable, Sendable, CustomStringConvertible {
        public let description: String

        private init(_ description: String) { self.description = description }

        /// The kind is `ACTION_KIND_UNSPECIFIED`.
        public static let unspecifiedKind = UnsupportedReason("the action kind is not set")

        /// The kind's number is not defined in this build's schema.
        public static func unrecognizedKind(_ rawValue: Int32) -> UnsupportedReason {
            UnsupportedReason("action kind \(rawValue) is not known")
        }

        /// The agent is older than the lowest version that carries the kind out.
        public static func agentTooOld(kind: ActionKind, minimumVersion: AgentVersion) -> UnsupportedReason {
            UnsupportedReason("action kind \(kind) needs agent version \(minimumVersion) or later")
        }

        /// The agent is older than the action's own minimum agent version.
        public static func belowActionMinimum(_ minimumVersion: AgentVersion) -> UnsupportedReason {
            UnsupportedReason("the action needs agent version \(minimumVersion) or later")
        }
    }

    /// Returns the gating table row for a kind, or nil for `.unspecified` and `.unrecognized`.
    public static func requirement(for kind: ActionKind) -> Requirement? {
        switch kind {
        case .unspecified, .unrecognized:
            return nil
        case .quarantineFile, .restoreFile, .terminateProcess, .isolateEndpoint, .cancelIsolation,
            .retrieveEndpointFiles, .retrieveSupportFile:
            return Requirement(minimumVersion: AgentVersion(1, 0), minimumPushVersion: AgentVersion(1, 2))
        case .retrieveSecurityEventData:
            return Requirement(minimumVersion: AgentVersion(1, 1), minimumPushVersion: AgentVersion(1, 2))
        case .performHeartbeat:
            // Delivering it in a heartbeat reply would only ask for the heartbeat that just happened.
            return Requirement(minimumVersion: AgentVersion(1, 2), minimumPushVersion: AgentVersion(1, 2))
        case .setEndpointProxy, .disableEndpointProxy:
            return Requirement(minimumVersion: AgentVersion(1, 3), minimumPushVersion: AgentVersion(1, 3))
        case .startLiveTerminal:
            return Requirement(minimumVersion: AgentVersion(1, 4), minimumPushVersion: AgentVersion(1, 4))
        }
    }

    /// Decides how an action of `kind` may reach an agent running `agentVersion`.
    ///
    /// - Parameter actionMinimum: the action's own `minimum_agent_version`, when it has one. An agent
    ///   below it cannot receive the action even when the kind's row allows it.
    public static func decision(
        kind: ActionKind, agentVersion: AgentVersion, actionMinimum: AgentVersion? = nil
    ) -> Decision {
        guard let requirement = requirement(for: kind) else {
            if case .unrecognized(let rawValue) = kind {
                return .unsupported(.unrecognizedKind(rawValue))
            }
            return .unsupported(.unspecifiedKind)
        }

        if agentVersion < requirement.minimumVersion {
            return .unsupported(.agentTooOld(kind: kind, minimumVersion: requirement.minimumVersion))
        }
        if let actionMinimum, agentVersion < actionMinimum {
            return .unsupported(.belowActionMinimum(actionMinimum))
        }
        return agentVersion < requirement.minimumPushVersion ? .heartbeatOnly : .push
    }
}
