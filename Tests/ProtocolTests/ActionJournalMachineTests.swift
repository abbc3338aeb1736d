import EACPProtocol
import Testing

@Suite struct ActionJournalMachineTests {
    typealias Machine = ActionJournalEntry

    @Test func runsOnceAndAnswersDuplicateWithStoredResult() throws {
        var entry = Machine()
        #expect(try entry.received(now: 1_000, notBefore: 0, expires: 9_000) == .acknowledgeAndRun)
        #expect(try entry.received(now: 1_500, notBefore: 0, expires: 9_000) == .acknowledgeAgain)  // heartbeat copy
        #expect(try entry.finished(.succeeded) == .report(.succeeded))
        #expect(entry.stateName == .completed)
        #expect(
            try entry.received(now: 2_000, notBefore: 0, expires: 9_000) == .acknowledgeAgainAndResendResult(.succeeded)
        )
        #expect(try entry.resultAcknowledged() == .none)
        #expect(entry.stateName == .reported)
        #expect(
            try entry.received(now: 99_000, notBefore: 0, expires: 9_000)
                == .acknowledgeAgainAndResendResult(.succeeded))
        #expect(try entry.resultAcknowledged() == .none)
        #expect(entry.outcome == .succeeded)
    }

    @Test func expiredActionIsRecordedWithoutRunning() throws {
        var entry = Machine()
        #expect(try entry.received(now: 9_000, notBefore: 0, expires: 9_000) == .acknowledgeAndReport(.expired))
        #expect(entry.stateName == .completed)
        #expect(entry.outcome == .expired)
        #expect(
            try entry.received(now: 9_500, notBefore: 0, expires: 9_000) == .acknowledgeAgainAndResendResult(.expired))
    }

    @Test func notBeforeSchedulesThenRuns() throws {
        var entry = Machine()
        #expect(
            try entry.received(now: 1_000, notBefore: 5_000, expires: 9_000)
                == .acknowledgeAndSchedule(startAtMilliseconds: 5_000))
        #expect(try entry.received(now: 2_000, notBefore: 5_000, expires: 9_000) == .acknowledgeAgain)
        #expect(try entry.restarted() == .schedule(startAtMilliseconds: 5_000))
        #expect(try entry.startTimeReached(now: 5_000) == .run)
        #expect(entry.stateName == .running)
    }

    @Test func scheduledActionExpiresBeforeStart() throws {
        var entry = Machine()
        #expect(
            try entry.received(now: 1_000, notBefore: 5_000, expires: 6_000)
                == .acknowledgeAndSchedule(startAtMilliseconds: 5_000))
        #expect(try entry.startTimeReached(now: 6_000) == .report(.expired))
        #expect(entry.outcome == .expired)
    }

    @Test func restartDuringRunReportsFailure() throws {
        var entry = Machine()
        #expect(try entry.received(now: 1_000, notBefore: 0, expires: 9_000) == .acknowledgeAndRun)
        #expect(try entry.restarted() == .reportInterrupted)
        #expect(entry.stateName == .completed)
        #expect(entry.outcome == .failed)
        #expect(
            try entry.received(now: 2_000, notBefore: 0, expires: 9_000) == .acknowledgeAgainAndResendResult(.failed))
    }

    @Test func restartResendsUnacknowledgedResult() throws {
        var entry = Machine()
        #expect(try entry.received(now: 1_000, notBefore: 0, expires: 9_000) == .acknowledgeAndRun)
        #expect(try entry.finished(.rejected) == .report(.rejected))
        #expect(try entry.restarted() == .resendStoredResult(.rejected))
        #expect(try entry.resultAcknowledged() == .none)
        #expect(try entry.restarted() == .none)
        #expect(entry.stateName == .reported)
    }

    @Test func finishWithoutStartIsForbidden() {
        var entry = Machine()
        #expect(throws: Machine.Forbidden(machine: "action journal entry", state: .unseen, event: .finished)) {
            try entry.finished(.succeeded)
        }
    }

    @Test func forbiddenEventsThrowInEveryState() throws {
        try checkEveryEventInEveryState(Machine.self)
    }

    @Test func diagramMatchesTransitions() throws {
        try checkDiagram(Machine.self, fileName: "action-journal.md")
    }
}

extension ActionJournalEntry: SweepableMachine {
    static func samples() throws -> [ActionJournalEntry] {
        let unseen = ActionJournalEntry()
        var scheduled = unseen
        _ = try scheduled.received(now: 1_000, notBefore: 5_000, expires: 9_000)
        var scheduledToExpire = unseen  // expires when `fire` sends startTimeReached at 5000
        _ = try scheduledToExpire.received(now: 1_000, notBefore: 4_000, expires: 5_000)
        var running = unseen
        _ = try running.received(now: 1_000, notBefore: 0, expires: 9_000)
        var completed = running
        _ = try completed.finished(.succeeded)
        var reported = completed
        _ = try reported.resultAcknowledged()
        return [unseen, scheduled, scheduledToExpire, running, completed, reported]
    }

    // Arrival times for `received` on an action with not-before 5000 and expiry 9000: at once,
    // too early, too late.
    static let arrivalTimes: [Int64] = [6_000, 1_000, 9_000]

    static func variantCount(of event: EventName) -> Int {
        event == .received ? arrivalTimes.count : 1
    }

    mutating func fire(_ event: EventName, variant: Int) throws(ForbiddenEvent<StateName, EventName>) {
        switch event {
        case .received: _ = try received(now: Self.arrivalTimes[variant], notBefore: 5_000, expires: 9_000)
        case .startTimeReached: _ = try startTimeReached(now: 5_000)
        case .finished: _ = try finished(.succeeded)
        case .resultAcknowledged: _ = try resultAcknowledged()
        case .restarted: _ = try restarted()
        }
    }
}
