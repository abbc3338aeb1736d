import EACPProtocol
import Synchronization

/// The one path every action takes, whether it came by push or in a heartbeat reply: journal,
/// acknowledge, check, run once, store the result, send the result until a receipt arrives.
final class ActionProcessor: Sendable {
    enum DeliveryPath: String, Sendable {
        case push, heartbeat
    }

    /// Every kind this agent carries out, listed in each heartbeat.
    static let supportedKinds: [ActionKind] = ActionKind.knownCases.filter { $0 != .unspecified }

    private let store: AgentStore
    private let log: AgentLog
    /// Ids of actions queued to start or running, so a second delivery does not start them again.
    private let running = Mutex<Set<String>>([])
    private let startQueue = Mutex(StartState())
    private let replyWake = WakeSignal()
    private let weakAgent = Mutex(WeakAgent())

    var agent: Agent? {
        get { weakAgent.withLock { $0.value } }
        set { weakAgent.withLock { $0.value = newValue } }
    }

    private struct StartState {
        var queue = ActionStartQueue()
        /// Whether a caller of `startDueActions` is taking actions from the queue now.
        var isStarting = false
        /// The not-before time the start timer waits for, or nil when no timer waits.
        var timerDueUnixMs: Int64?
    }

    init(store: AgentStore, log: AgentLog) {
        self.store = store
        self.log = log
    }

    /// Journals a delivered action, acknowledges it, and runs it unless it ran or is running already.
    func receive(_ envelope: ActionEnvelope, path: DeliveryPath) {
        receive([envelope], path: path)
    }

    /// Journals and acknowledges a batch of actions in the order given, then starts the new ones in
    /// ascending sequence number, so a heartbeat reply listing 11, 10, 9 starts 9 first.
    func receive(_ envelopes: [ActionEnvelope], path: DeliveryPath) {
        let toStart = envelopes.filter { journal($0, path: path) }
        enqueue(toStart)
    }

    /// Journals and acknowledges one envelope. Returns true when the action should start.
    private func journal(_ envelope: ActionEnvelope, path: DeliveryPath) -> Bool {
        let outcome: JournalOutcome
        do {
            outcome = try store.recordActionReceived(
                actionID: envelope.actionId, kind: envelope.kind.rawValue, envelope: envelope.wireBytes(),
                receivedUnixMs: AgentClock.nowUnixMs())
        } catch {
            // Not journaled means not acknowledged: the server delivers it again in a heartbeat reply.
            log.error("actions", "action.journal_failed", ["action": envelope.actionId, "error": error])
            return false
        }
        sendAck(actionID: envelope.actionId)
        switch outcome {
        case .new:
            log.info("actions", "action.received", ["action": envelope.actionId, "kind": envelope.kind, "path": path.rawValue])
            return true
        case .known(let entry):
            switch entry.state {
            case .received:
                // Journaled before a restart and never started: it may start now, once.
                return true
            case .finished:
                if BrokenVariant.isActive(.runsDuplicateTwice) { return true }
                if let result = entry.result.flatMap({ try? ActionResult(wireBytes: $0) }) {
                    sendResult(result)
                }
                return false
            case .started, .interrupted:
                return false
            }
        }
    }

    /// Reports every action a restart interrupted as failed, never running it again, and queues the
    /// actions journaled before the restart that never started. The server does not deliver those
    /// again once it has their ack, so nothing else would start them.
    func finishInterruptedActions() {
        for entry in store.interruptedActions {
            var result = ActionResult()
            result.actionId = entry.actionID
            result.kind = ActionKind(rawValue: entry.kind)
            result.state = .failed
            result.errorCode = .internal
            result.detail = "a restart of the agent interrupted the action, so it was not run again"
            result.startedUnixMs = entry.startedUnixMs ?? 0
            finish(result)
        }
        guard !BrokenVariant.isActive(.forgetsUnstartedActions) else { return }
        let unstarted = ((try? store.unstartedActions()) ?? []).compactMap { try? ActionEnvelope(wireBytes: $0.envelope) }
        enqueue(unstarted)
    }

    // MARK: Starting in order

    /// Puts actions in the start queue, unless they are queued or running already, and starts
    /// whatever is due.
    private func enqueue(_ envelopes: [ActionEnvelope]) {
        let added = running.withLock { running in
            envelopes.filter { running.insert($0.actionId).inserted }
        }
        guard !added.isEmpty else { return }
        startQueue.withLock { state in
            for envelope in added { state.queue.add(envelope) }
        }
        startDueActions()
    }

    /// Starts due actions one by one, lowest sequence number first. One caller at a time does the
    /// starting; a caller that finds another at work leaves its additions to it.
    private func startDueActions() {
        guard let agent else { return }
        let claimed = startQueue.withLock { state in
            if state.isStarting { return false }
            state.isStarting = true
            return true
        }
        guard claimed else { return }
        while true {
            // Taking the next action and giving up the starter role happen under one lock, so an
            // action added in between is either taken here or started by the caller that added it.
            let now = agent.serverNowUnixMs
            let (next, timerDue) = startQueue.withLock { state -> (ActionEnvelope?, Int64?) in
                if let envelope = state.queue.takeNextDue(nowUnixMs: now) { return (envelope, nil) }
                state.isStarting = false
                // One timer waits for the earliest not-before time ahead; a later time needs no second one.
                guard let earliest = state.queue.earliestNotBeforeUnixMs, earliest < (state.timerDueUnixMs ?? .max) else {
                    return (nil, nil)
                }
                state.timerDueUnixMs = earliest
                return (nil, earliest)
            }
            guard let envelope = next else {
                if let timerDue { startDueActions(at: timerDue, nowUnixMs: now) }
                return
            }
            if !start(envelope, agent: agent) {
                running.withLock { _ = $0.remove(envelope.actionId) }
            }
        }
    }

    /// Starts due actions again once the clock reaches `dueUnixMs`. A heartbeat reply may move the
    /// agent's clock meanwhile, so a timer that fires early finds nothing due and is set again.
    private func startDueActions(at dueUnixMs: Int64, nowUnixMs: Int64) {
        Task {
            try? await Task.sleep(for: .milliseconds(max(dueUnixMs - nowUnixMs, 1)))
            startQueue.withLock { state in
                if state.timerDueUnixMs == dueUnixMs { state.timerDueUnixMs = nil }
            }
            startDueActions()
        }
    }

    /// Checks an action and records its start, then runs it in a task of its own. Returns false
    /// when it did not start: rejected, already started, or the journal failed.
    private func start(_ envelope: ActionEnvelope, agent: Agent) -> Bool {
        if let rejection = ActionChecks.rejection(of: envelope, nowUnixMs: agent.serverNowUnixMs) {
            log.info("actions", "action.not_started", ["action": envelope.actionId, "state": rejection.state, "detail": rejection.detail])
            finish(rejection.result(for: envelope))
            return false
        }
        let started = AgentClock.nowUnixMs()
        do {
            guard try store.recordActionStarted(actionID: envelope.actionId, startedUnixMs: started) else { return false }
        } catch {
            log.error("actions", "action.start_failed", ["action": envelope.actionId, "error": error])
            return false
        }
        log.info("actions", "action.started", ["action": envelope.actionId, "kind": envelope.kind])
        Task {
            let outcome = await ActionExecutors(agent: agent).execute(envelope)
            var result = outcome.result(for: envelope)
            result.startedUnixMs = started
            log.info("actions", "action.finished", ["action": envelope.actionId, "state": result.state, "error_code": result.errorCode])
            finish(result)
            running.withLock { _ = $0.remove(envelope.actionId) }
        }
        return true
    }

    /// Stores the result durably, then sends it.
    func finish(_ result: ActionResult) {
        var result = result
        if result.finishedUnixMs == 0 { result.finishedUnixMs = AgentClock.nowUnixMs() }
        result.detail = result.detail.truncated(toUTF8Bytes: 4096)
        do {
            _ = try store.recordActionResult(
                actionID: result.actionId, terminalState: result.state.rawValue, result: result.wireBytes(),
                finishedUnixMs: result.finishedUnixMs)
        } catch {
            log.error("actions", "action.result_not_stored", ["action": result.actionId, "error": error])
            return
        }
        sendResult(result)
    }

    // MARK: Replies

    private func sendAck(actionID: String) {
        var ack = ActionAck()
        ack.actionId = actionID
        ack.receivedUnixMs = AgentClock.nowUnixMs()
        if BrokenVariant.isActive(.skipsActionAck) { return }
        if !BrokenVariant.isActive(.acksOverHTTPOnly), agent?.push.send(.actionAck(ack)) == true { return }
        guard let agent else { return }
        Task {
            do {
                let _: ActionReceipt = try await agent.link.post("actions/ack", ack)
            } catch {
                // The server re-sends unacknowledged actions in heartbeat replies, which acks again.
                log.warning("actions", "action.ack_failed", ["action": actionID, "error": error])
            }
        }
    }

    /// Sends a result on the push channel when it is open, else over HTTP; the reply loop sends it
    /// again until a receipt arrives.
    private func sendResult(_ result: ActionResult) {
        if agent?.push.send(.actionResult(result)) == true { return }
        replyWake.signal()
    }

    func receiptArrived(_ receipt: ActionReceipt) {
        guard receipt.subject == .result else { return }
        _ = try? store.markResultAcknowledged(actionID: receipt.actionId)
        if BrokenVariant.isActive(.forgetsAnsweredActions) { _ = try? store.pruneJournal(receivedBeforeUnixMs: .max) }
    }

    /// Asks the reply loop to send every unacknowledged result now.
    func flushReplies() {
        replyWake.signal()
    }

    /// Sends stored results that have no receipt, over HTTP, with backoff after failures.
    func replyLoop() async {
        var failures = 0
        while !Task.isCancelled {
            let pending = (try? store.unacknowledgedResults()) ?? []
            var failed = false
            for entry in pending {
                guard let bytes = entry.result, let result = try? ActionResult(wireBytes: bytes), let agent else { continue }
                if agent.push.isConnected {
                    _ = agent.push.send(.actionResult(result))
                    continue
                }
                do {
                    let receipt: ActionReceipt = try await agent.link.post("actions/result", result)
                    receiptArrived(receipt)
                } catch where error.status == 404 {
                    log.warning("actions", "action.result_unknown_to_server", ["action": result.actionId])
                    _ = try? store.markResultAcknowledged(actionID: result.actionId)
                } catch {
                    log.warning("actions", "action.result_send_failed", ["action": result.actionId, "error": error])
                    if BrokenVariant.isActive(.dropsUnsentResults) {
                        _ = try? store.markResultAcknowledged(actionID: result.actionId)
                        continue
                    }
                    failed = true
                    break
                }
            }
            failures = failed ? failures + 1 : 0
            let delay = failed
                ? Backoff.requestRetry(failures: failures, retryAfterMs: nil, factor: Backoff.randomFactor())
                : (pending.isEmpty ? 60_000 : 10_000)
            await replyWake.wait(milliseconds: delay)
        }
    }
}
