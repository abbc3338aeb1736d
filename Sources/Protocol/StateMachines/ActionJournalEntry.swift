/// The agent's durable record of one action id. It keeps an action from running twice, provided
/// that the agent writes the entry to disk before it carries out each returned action.
///
/// The same action may arrive twice: by push, and again in a heartbeat reply when the push
/// acknowledgement was lost. The agent looks the id up in its journal first. A second delivery
/// never starts the action again. The agent acknowledges it again and, once the action finished,
/// sends the stored result again.
///
/// The decisions:
/// - An action whose expiry time has passed on arrival, or at its start time, is recorded as expired
///   and never runs.
/// - An action that was running when the agent stopped (crash, power loss, upgrade) is reported as
///   failed after the restart and is not run again, because the agent cannot tell how far it got,
///   and running it twice could be worse than not finishing it: a second process termination, a
///   second isolation. The result carries error code INTERNAL with a detail saying that a restart
///   interrupted the action.
public struct ActionJournalEntry: DescribedStateMachine, Hashable {
    /// A terminal state the agent reports. The agent never reports cancelled.
    public enum Outcome: Hashable, Sendable {
        case succeeded, failed, rejected, expired
    }

    public enum StateName: String, CaseIterable, Hashable, Sendable {
        case unseen, scheduled, running, completed, reported
    }

    public enum EventName: String, CaseIterable, Hashable, Sendable {
        case received, startTimeReached, finished, resultAcknowledged, restarted
    }

    /// The agent's next step, taken after writing the entry.
    public enum Action: Hashable, Sendable {
        /// Send an ActionAck, then start the action.
        case acknowledgeAndRun
        /// Send an ActionAck, and call `startTimeReached` at the given time (Unix milliseconds).
        case acknowledgeAndSchedule(startAtMilliseconds: Int64)
        /// Send an ActionAck and the ActionResult with this outcome, without running the action.
        case acknowledgeAndReport(Outcome)
        /// Send the ActionAck again, because the action is already scheduled or running.
        case acknowledgeAgain
        /// Send the ActionAck again and the stored ActionResult again, unchanged, for an action
        /// that already finished.
        case acknowledgeAgainAndResendResult(Outcome)
        /// Start the action now.
        case run
        /// Call `startTimeReached` at the given time (Unix milliseconds), after a restart.
        case schedule(startAtMilliseconds: Int64)
        /// Send the ActionResult with this outcome.
        case report(Outcome)
        /// Send the ActionResult for an action that a restart interrupted: failed, error code
        /// INTERNAL.
        case reportInterrupted
        /// Send the stored ActionResult again, unchanged, after a restart.
        case resendStoredResult(Outcome)
        /// Nothing to do.
        case none
    }

    public typealias Forbidden = ForbiddenEvent<StateName, EventName>

    private enum State: Hashable, Sendable {
        /// No entry for the id. Next: scheduled, running, completed.
        case unseen
        /// Recorded and waiting for its not-before time. Next: running, completed.
        case scheduled(startAt: Int64, expiresAt: Int64)
        /// Started and not finished. Next: completed.
        case running
        /// Finished, and the server has not yet acknowledged the result. Next: reported.
        case completed(Outcome)
        /// Finished, and the server stored the result. Next: none.
        case reported(Outcome)
    }

    public static let machineName = "action journal entry"
    public static let initialState = StateName.unseen

    private var state = State.unseen

    public init() {}

    public var stateName: StateName {
        switch state {
        case .unseen: .unseen
        case .scheduled: .scheduled
        case .running: .running
        case .completed: .completed
        case .reported: .reported
        }
    }

    /// The stored outcome, once the action finished.
    public var outcome: Outcome? {
        switch state {
        case .completed(let outcome), .reported(let outcome): outcome
        case .unseen, .scheduled, .running: nil
        }
    }

    /// Call when the action arrived, by push or in a heartbeat reply. Times are Unix milliseconds,
    /// and a `notBefore` of 0 means at once.
    public mutating func received(now: Int64, notBefore: Int64, expires: Int64) throws(Forbidden) -> Action {
        switch state {
        case .unseen:
            if now >= expires {
                state = .completed(.expired)
                return .acknowledgeAndReport(.expired)
            }
            if now < notBefore {
                state = .scheduled(startAt: notBefore, expiresAt: expires)
                return .acknowledgeAndSchedule(startAtMilliseconds: notBefore)
            }
            state = .running
            return .acknowledgeAndRun
        case .scheduled, .running:
            return .acknowledgeAgain
        case .completed(let outcome), .reported(let outcome):
            return .acknowledgeAgainAndResendResult(outcome)
        }
    }

    /// Call when the not-before time of a scheduled action arrived.
    public mutating func startTimeReached(now: Int64) throws(Forbidden) -> Action {
        switch state {
        case .scheduled(_, let expiresAt):
            if now >= expiresAt {
                state = .completed(.expired)
                return .report(.expired)
            }
            state = .running
            return .run
        case .unseen, .running, .completed, .reported:
            throw forbidden(.startTimeReached)
        }
    }

    /// Call when the running action ended with `outcome`.
    public mutating func finished(_ outcome: Outcome) throws(Forbidden) -> Action {
        switch state {
        case .running:
            state = .completed(outcome)
            return .report(outcome)
        case .unseen, .scheduled, .completed, .reported:
            throw forbidden(.finished)
        }
    }

    /// Call when the server returned an ActionReceipt for the result. A repeated receipt changes nothing.
    public mutating func resultAcknowledged() throws(Forbidden) -> Action {
        switch state {
        case .completed(let outcome):
            state = .reported(outcome)
            return .none
        case .reported:
            return .none
        case .unseen, .scheduled, .running:
            throw forbidden(.resultAcknowledged)
        }
    }

    /// Call when the agent started again and loaded the entry from its journal.
    public mutating func restarted() throws(Forbidden) -> Action {
        switch state {
        case .scheduled(let startAt, _):
            return .schedule(startAtMilliseconds: startAt)
        case .running:
            state = .completed(.failed)
            return .reportInterrupted
        case .completed(let outcome):
            return .resendStoredResult(outcome)
        case .reported:
            return .none
        case .unseen:
            throw forbidden(.restarted)
        }
    }
}

extension ActionJournalEntry {
    public static let transitions: [Transition<StateName, EventName>] = [
        Transition(.unseen, .received, .running),
        Transition(.unseen, .received, .scheduled),
        Transition(.unseen, .received, .completed),
        Transition(.scheduled, .received, .scheduled),
        Transition(.scheduled, .startTimeReached, .running),
        Transition(.scheduled, .startTimeReached, .completed),
        Transition(.scheduled, .restarted, .scheduled),
        Transition(.running, .received, .running),
        Transition(.running, .finished, .completed),
        Transition(.running, .restarted, .completed),
        Transition(.completed, .received, .completed),
        Transition(.completed, .resultAcknowledged, .reported),
        Transition(.completed, .restarted, .completed),
        Transition(.reported, .received, .reported),
        Transition(.reported, .resultAcknowledged, .reported),
        Transition(.reported, .restarted, .reported),
    ]
}
