/// The server's record of one action for one agent, across both delivery paths: the push channel
/// and heartbeat replies.
///
/// The server pushes the action when the agent's version allows it (`ActionGate`) and the push
/// channel is up. If the agent does not acknowledge the push in time, or the channel drops, the
/// action waits for the next heartbeat reply. Only an action that was sent at least once may
/// receive a result. An administrator may cancel an action, and the expiry time may end it, only
/// until the agent acknowledges it. From then on the agent's result decides the terminal state.
public struct ActionLifecycleMachine: DescribedStateMachine, Hashable {
    /// Timeouts in milliseconds.
    public struct Configuration: Hashable, Sendable {
        /// Time the agent has to acknowledge a push before the action falls back to the next
        /// heartbeat reply. 30 s covers a slow journal write on a busy endpoint.
        public var ackTimeoutMilliseconds: Int64 = 30_000
        /// Time from the acknowledgement to the result before the server records the action as
        /// failed. 24 h leaves room for a large file retrieval over a slow link; it is an estimate,
        /// not a measurement.
        public var resultTimeoutMilliseconds: Int64 = 86_400_000

        public init() {}
    }

    /// A terminal state. Each action reaches exactly one and never leaves it.
    public enum Outcome: Hashable, Sendable {
        case succeeded, failed, rejected, expired, cancelled
    }

    /// A terminal state that an agent may report. Only the server cancels.
    public enum ReportedOutcome: Hashable, Sendable {
        case succeeded, failed, rejected, expired

        var outcome: Outcome {
            switch self {
            case .succeeded: .succeeded
            case .failed: .failed
            case .rejected: .rejected
            case .expired: .expired
            }
        }
    }

    public enum StateName: String, CaseIterable, Hashable, Sendable {
        case queued, pushed, awaitingHeartbeat, acknowledged
        case succeeded, failed, rejected, expired, cancelled
    }

    public enum EventName: String, CaseIterable, Hashable, Sendable {
        case pushChannelAvailable, acknowledged, ackTimedOut, pushChannelLost, deliveredByHeartbeat
        case resultReceived, resultTimedOut, expiryReached, cancelRequested
    }

    /// The server's next step, returned by every event.
    public enum Action: Hashable, Sendable {
        /// Send the envelope over the push channel, and call `ackTimedOut` after the timeout.
        case sendPush(ackTimeoutMilliseconds: Int64)
        /// Put the envelope in the next heartbeat reply to this agent.
        case holdForHeartbeat
        /// Store the acknowledgement, and call `resultTimedOut` after the timeout.
        case startResultTimer(timeoutMilliseconds: Int64)
        /// Store the terminal state durably, then send the agent a receipt when the event came from
        /// it.
        case storeOutcome(Outcome)
        /// The action already ended: send the agent a receipt and keep the stored state.
        case answerDuplicate(stored: Outcome)
        /// Nothing to do.
        case none
    }

    public typealias Forbidden = ForbiddenEvent<StateName, EventName>

    private enum State: Hashable, Sendable {
        /// Created and never sent. Next: pushed, acknowledged, expired, cancelled.
        case queued
        /// Sent over the push channel and not yet acknowledged. Next: acknowledged,
        /// awaitingHeartbeat, a terminal state.
        case pushed
        /// The push was not acknowledged in time or the channel dropped; the next heartbeat reply
        /// carries the action. Next: acknowledged, a terminal state.
        case awaitingHeartbeat
        /// The agent recorded the action in its journal. Next: succeeded, failed, rejected, expired.
        case acknowledged
        /// A terminal state. `delivered` is false when the action ended before it was ever sent,
        /// so that a result for it is forbidden. Next: none (events leave it unchanged).
        case finished(Outcome, delivered: Bool)
    }

    public static let machineName = "action lifecycle"
    public static let initialState = StateName.queued

    public let configuration: Configuration
    private var state = State.queued

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public var stateName: StateName {
        switch state {
        case .queued: .queued
        case .pushed: .pushed
        case .awaitingHeartbeat: .awaitingHeartbeat
        case .acknowledged: .acknowledged
        case .finished(.succeeded, _): .succeeded
        case .finished(.failed, _): .failed
        case .finished(.rejected, _): .rejected
        case .finished(.expired, _): .expired
        case .finished(.cancelled, _): .cancelled
        }
    }

    /// Whether the next heartbeat reply to the agent must carry the action.
    public var isDueForHeartbeat: Bool {
        switch state {
        case .queued, .awaitingHeartbeat: true
        case .pushed, .acknowledged, .finished: false
        }
    }

    /// Call when the agent's push channel is open and `ActionGate` allows pushing this action's kind to the
    /// agent's version.
    public mutating func pushChannelAvailable() throws(Forbidden) -> Action {
        switch state {
        case .queued:
            state = .pushed
            return .sendPush(ackTimeoutMilliseconds: configuration.ackTimeoutMilliseconds)
        case .pushed, .awaitingHeartbeat, .acknowledged, .finished:
            throw forbidden(.pushChannelAvailable)
        }
    }

    /// Call when the agent acknowledged the action, over the push channel or with POST actions/ack. A repeated
    /// or late acknowledgement changes nothing.
    public mutating func acknowledged() throws(Forbidden) -> Action {
        switch state {
        case .pushed, .awaitingHeartbeat:
            state = .acknowledged
            return .startResultTimer(timeoutMilliseconds: configuration.resultTimeoutMilliseconds)
        case .acknowledged, .finished(_, delivered: true):
            return .none
        case .queued, .finished(_, delivered: false):
            throw forbidden(.acknowledged)
        }
    }

    /// Call when the agent did not acknowledge the push in time.
    public mutating func ackTimedOut() throws(Forbidden) -> Action {
        switch state {
        case .pushed:
            state = .awaitingHeartbeat
            return .holdForHeartbeat
        case .queued, .awaitingHeartbeat, .acknowledged, .finished:
            throw forbidden(.ackTimedOut)
        }
    }

    /// Call when the push channel closed before the agent acknowledged the push.
    public mutating func pushChannelLost() throws(Forbidden) -> Action {
        switch state {
        case .pushed:
            state = .awaitingHeartbeat
            return .holdForHeartbeat
        case .queued, .awaitingHeartbeat, .acknowledged, .finished:
            throw forbidden(.pushChannelLost)
        }
    }

    /// Call when the server sent a heartbeat reply that carries the action. A successful heartbeat exchange
    /// counts as the acknowledgement, so the result timer starts.
    public mutating func deliveredByHeartbeat() throws(Forbidden) -> Action {
        switch state {
        case .queued, .awaitingHeartbeat:
            state = .acknowledged
            return .startResultTimer(timeoutMilliseconds: configuration.resultTimeoutMilliseconds)
        case .pushed, .acknowledged, .finished:
            throw forbidden(.deliveredByHeartbeat)
        }
    }

    /// Call when the agent reported the action's terminal state. A result for an action that
    /// already ended gets a receipt, and the stored state stays.
    public mutating func resultReceived(_ reported: ReportedOutcome) throws(Forbidden) -> Action {
        switch state {
        case .pushed, .awaitingHeartbeat, .acknowledged:
            state = .finished(reported.outcome, delivered: true)
            return .storeOutcome(reported.outcome)
        case .finished(let stored, delivered: true):
            return .answerDuplicate(stored: stored)
        case .queued, .finished(_, delivered: false):
            throw forbidden(.resultReceived)
        }
    }

    /// Call when no result arrived within the result timeout after the acknowledgement.
    public mutating func resultTimedOut() throws(Forbidden) -> Action {
        switch state {
        case .acknowledged:
            state = .finished(.failed, delivered: true)
            return .storeOutcome(.failed)
        case .queued, .pushed, .awaitingHeartbeat, .finished:
            throw forbidden(.resultTimedOut)
        }
    }

    /// Call when the action's expiry time passed. Forbidden once the agent acknowledged the action, because
    /// then the agent decides whether it expired.
    public mutating func expiryReached() throws(Forbidden) -> Action {
        try end(with: .expired, event: .expiryReached)
    }

    /// Call when an administrator cancelled the action. Forbidden once the agent acknowledged it.
    public mutating func cancelRequested() throws(Forbidden) -> Action {
        try end(with: .cancelled, event: .cancelRequested)
    }

    private mutating func end(with outcome: Outcome, event: EventName) throws(Forbidden) -> Action {
        switch state {
        case .queued:
            state = .finished(outcome, delivered: false)
            return .storeOutcome(outcome)
        case .pushed, .awaitingHeartbeat:
            state = .finished(outcome, delivered: true)
            return .storeOutcome(outcome)
        case .acknowledged, .finished:
            throw forbidden(event)
        }
    }
}

extension ActionLifecycleMachine {
    public static let transitions: [Transition<StateName, EventName>] = {
        var table: [Transition<StateName, EventName>] = [
            Transition(.queued, .pushChannelAvailable, .pushed),
            Transition(.queued, .deliveredByHeartbeat, .acknowledged),
            Transition(.queued, .expiryReached, .expired),
            Transition(.queued, .cancelRequested, .cancelled),
            Transition(.pushed, .acknowledged, .acknowledged),
            Transition(.pushed, .ackTimedOut, .awaitingHeartbeat),
            Transition(.pushed, .pushChannelLost, .awaitingHeartbeat),
            Transition(.pushed, .expiryReached, .expired),
            Transition(.pushed, .cancelRequested, .cancelled),
            Transition(.awaitingHeartbeat, .deliveredByHeartbeat, .acknowledged),
            Transition(.awaitingHeartbeat, .acknowledged, .acknowledged),
            Transition(.awaitingHeartbeat, .expiryReached, .expired),
            Transition(.awaitingHeartbeat, .cancelRequested, .cancelled),
            Transition(.acknowledged, .acknowledged, .acknowledged),
            Transition(.acknowledged, .resultTimedOut, .failed),
        ]
        let reportable: [StateName] = [.succeeded, .failed, .rejected, .expired]
        for from in [StateName.pushed, .awaitingHeartbeat, .acknowledged] {
            for to in reportable {
                table.append(Transition(from, .resultReceived, to))
            }
        }
        for terminal in [StateName.succeeded, .failed, .rejected, .expired, .cancelled] {
            table.append(Transition(terminal, .resultReceived, terminal))
            table.append(Transition(terminal, .acknowledged, terminal))
        }
        return table
    }()
}
