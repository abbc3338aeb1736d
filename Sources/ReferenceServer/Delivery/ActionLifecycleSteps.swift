import EACPProtocol

/// One event of `ActionLifecycleMachine`, so that delivery can apply it to a stored action.
enum ActionLifecycleEvent: Hashable, Sendable {
    case pushChannelAvailable, acknowledged, ackTimedOut, pushChannelLost, sentInHeartbeatReply
    case resultReceived(ActionLifecycleMachine.ReportedOutcome)
    case agentVersionTooOld, expiryReached, cancelRequested

    func apply(to machine: inout ActionLifecycleMachine) throws(ActionLifecycleMachine.Forbidden)
        -> ActionLifecycleMachine.Action
    {
        switch self {
        case .pushChannelAvailable: try machine.pushChannelAvailable()
        case .acknowledged: try machine.acknowledged()
        case .ackTimedOut: try machine.ackTimedOut()
        case .pushChannelLost: try machine.pushChannelLost()
        case .sentInHeartbeatReply: try machine.sentInHeartbeatReply()
        case .resultReceived(let reported): try machine.resultReceived(reported)
        case .agentVersionTooOld: try machine.agentVersionTooOld()
        case .expiryReached: try machine.expiryReached()
        case .cancelRequested: try machine.cancelRequested()
        }
    }
}

/// The result of applying one event to a stored action.
enum ActionLifecycleStep: Sendable {
    /// The machine allowed the event. `record` is the action as read before it, and `written` is
    /// false when the step needed no write or another request changed the action first.
    case applied(record: ActionRecord, action: ActionLifecycleMachine.Action, next: ActionLifecycleMachine.StateName,
                 written: Bool)
    /// The machine forbids the event in the action's current state, so nothing was written.
    case forbidden(record: ActionRecord, state: ActionLifecycleMachine.StateName)
}

extension ActionRecord {
    /// The lifecycle state that the stored columns record, as the administrator API shows it. The
    /// store has no `acknowledged` state: it keeps `delivered` with `acknowledgedUnixMs` set. A
    /// finished action's name is its terminal state, or `finished` when this build does not know it.
    var lifecycleStateName: String {
        switch state {
        case .queued: "queued"
        case .pushed: "pushed"
        case .delivered: acknowledgedUnixMs == nil ? "delivered" : "acknowledged"
        case .finished:
            switch ActionTerminalState(rawValue: outcome?.terminalState ?? 0) {
            case .succeeded: "succeeded"
            case .failed: "failed"
            case .rejected: "rejected"
            case .expired: "expired"
            case .cancelled: "cancelled"
            case .unspecified, .unrecognized: "finished"
            }
        }
    }

    /// Whether the action reached the agent. A finished action did exactly when it has an
    /// acknowledgement, because a result records one and the server's own endings happen only
    /// before sending.
    var sentToAgent: Bool {
        switch state {
        case .queued: false
        case .pushed, .delivered: true
        case .finished: acknowledgedUnixMs != nil
        }
    }
}

extension ActionState {
    /// Creates the stored state for a lifecycle state. `acknowledged` is stored as `delivered` with
    /// `acknowledgedUnixMs` set, and every terminal state as `finished` with an outcome.
    init(lifecycle name: ActionLifecycleMachine.StateName) {
        switch name {
        case .queued: self = .queued
        case .pushed: self = .pushed
        case .delivered, .acknowledged: self = .delivered
        case .succeeded, .failed, .rejected, .expired, .cancelled: self = .finished
        }
    }
}

extension ActionDelivery {
    /// The machine's timeouts. The ack timeout is the server's `push_ack_timeout_ms` setting.
    var lifecycleConfiguration: ActionLifecycleMachine.Configuration {
        var configuration = ActionLifecycleMachine.Configuration()
        configuration.ackTimeoutMilliseconds = Int64(context.settings.pushAckTimeoutMs)
        return configuration
    }

    /// Restores the machine of a stored action. Throws INTERNAL for a stored state this build does
    /// not know, such as a terminal state written by a newer server.
    func lifecycle(of record: ActionRecord) throws(ProtocolFailure) -> ActionLifecycleMachine {
        do {
            return try ActionLifecycleMachine(
                restoring: record.lifecycleStateName, sentToAgent: record.sentToAgent,
                configuration: lifecycleConfiguration)
        } catch {
            throw ProtocolFailure(
                .internal,
                "action \(record.action.actionID) has stored terminal state \(record.outcome?.terminalState ?? 0), "
                    + "which this server cannot read: \(error)")
        }
    }

    /// Applies `event` to the stored action and, when the machine returns a step that changes it, calls `write`
    /// with the record as read and the machine's next state. `write` is a compare-and-set against
    /// `record.state` and returns false when another request changed the action first. Then the
    /// action is read again and the event applied to what is stored now, so the event is never
    /// judged against a stale state. Each retry follows a change by someone else, and an action
    /// changes state at most four times, so the loop ends.
    func advance(
        _ record: ActionRecord, _ event: ActionLifecycleEvent,
        write: (ActionRecord, ActionLifecycleMachine.StateName) throws(ServerStoreError) -> Bool
    ) throws(ProtocolFailure) -> ActionLifecycleStep {
        var current = record
        while true {
            var machine = try lifecycle(of: current)
            let action: ActionLifecycleMachine.Action
            do {
                action = try event.apply(to: &machine)
            } catch {
                return .forbidden(record: current, state: machine.stateName)
            }
            switch action {
            case .none, .answerDuplicate:
                return .applied(record: current, action: action, next: machine.stateName, written: false)
            case .sendPush, .deliverByHeartbeat, .startResultTimer, .storeOutcome:
                break
            }

            let next = machine.stateName
            let written = try context.stored("\(event) for action \(current.action.actionID)") {
                () throws(ServerStoreError) in try write(current, next)
            }
            if written { return .applied(record: current, action: action, next: next, written: true) }
            let reloaded = try context.stored("action") { () throws(ServerStoreError) in
                try context.store.action(id: current.action.actionID)
            }
            guard let reloaded, reloaded != current else {
                return .applied(record: current, action: action, next: next, written: false)
            }
            current = reloaded
        }
    }
}
