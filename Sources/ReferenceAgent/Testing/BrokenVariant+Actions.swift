extension BrokenVariant {
    /// Sends no `ActionAck`, only the result (breaks EACP-ACTION-010).
    static let skipsActionAck = BrokenVariant("skips-action-ack")
    /// Sends every `ActionAck` over HTTP, even while the push channel is connected (breaks
    /// EACP-ACTION-013).
    static let acksOverHTTPOnly = BrokenVariant("acks-over-http-only")
    /// Drops a result whose `POST /eacp/v1/actions/result` failed instead of sending it again (breaks
    /// EACP-ACTION-013).
    static let dropsUnsentResults = BrokenVariant("drops-unsent-results")
    /// Accepts a `parameters` member that belongs to another kind, or none (breaks EACP-ACTION-017).
    static let acceptsParametersOfOtherKind = BrokenVariant("accepts-parameters-of-other-kind")
    /// Quarantines a file whatever its SHA-256 (breaks EACP-ACTION-021).
    static let ignoresQuarantineHash = BrokenVariant("ignores-quarantine-hash")
    /// Runs an action whose expiry has passed (breaks EACP-ACTION-017).
    static let runsExpiredActions = BrokenVariant("runs-expired-actions")
    /// Starts an action as soon as it arrives, before its not-before time (breaks EACP-ACTION-018).
    static let ignoresNotBefore = BrokenVariant("ignores-not-before")
    /// Reports every result with `ACTION_KIND_UNSPECIFIED` instead of the envelope's kind (breaks
    /// EACP-ACTION-019).
    static let reportsUnspecifiedKind = BrokenVariant("reports-unspecified-kind")
    /// Deletes finished actions from the journal as soon as the server acknowledged their result,
    /// before their expiry (breaks EACP-ACTION-020).
    static let forgetsAnsweredActions = BrokenVariant("forgets-answered-actions")
    /// Copies a quarantined file instead of moving it, so it stays at its path (breaks EACP-ACTION-021).
    static let quarantineLeavesFile = BrokenVariant("quarantine-leaves-file")
    /// Restores a file over whatever is at the destination (breaks EACP-ACTION-022).
    static let restoreOverwrites = BrokenVariant("restore-overwrites")
    /// Terminates the process with `pid` whatever its start time (breaks EACP-ACTION-023).
    static let ignoresProcessStartTime = BrokenVariant("ignores-process-start-time")
    /// Terminates only the process with `pid`, even when `include_descendants` is true (breaks
    /// EACP-ACTION-023).
    static let ignoresIncludeDescendants = BrokenVariant("ignores-include-descendants")
    /// Uploads endpoint files whatever their total size (breaks EACP-ACTION-024).
    static let ignoresMaxTotalBytes = BrokenVariant("ignores-max-total-bytes")
    /// Fails security event data retrieval when any listed event has no data, not only when none has
    /// (breaks EACP-ACTION-025).
    static let failsOnMissingEventData = BrokenVariant("fails-on-missing-event-data")
    /// Writes the enrollment token into the support file (breaks EACP-ACTION-026).
    static let supportFileHasToken = BrokenVariant("support-file-has-token")
    /// Succeeds at `PERFORM_HEARTBEAT` without sending a heartbeat (breaks EACP-ACTION-027).
    static let skipsPerformedHeartbeat = BrokenVariant("skips-performed-heartbeat")
    /// After a restart, treats an action that was running as never started, so a new delivery runs it
    /// again (breaks EACP-ACTION-028).
    static let rerunsInterruptedActions = BrokenVariant("reruns-interrupted-actions")
    /// Leaves actions that were journaled but not started, such as one waiting for its not-before time,
    /// unstarted after a restart (breaks EACP-ACTION-019).
    static let forgetsUnstartedActions = BrokenVariant("forgets-unstarted-actions")
    /// Does not open the push channel again after it closes (breaks EACP-PUSH-001).
    static let leavesPushClosed = BrokenVariant("leaves-push-closed")
    /// Ignores a push message that does not decode instead of closing with 1007 (breaks EACP-PUSH-004).
    static let ignoresMalformedPush = BrokenVariant("ignores-malformed-push")
    /// Keeps a push channel open however many pongs are missed (breaks EACP-PUSH-006).
    static let ignoresMissedPongs = BrokenVariant("ignores-missed-pongs")
    /// Closes the push channel with 1007 on a `PushMessage` whose direction is unset or unknown,
    /// instead of ignoring it (breaks EACP-PUSH-005).
    static let closesOnUnknownPush = BrokenVariant("closes-on-unknown-push")
    /// Reports the push channel as connected while pings go unanswered (breaks EACP-PUSH-011).
    static let reportsHalfOpenConnected = BrokenVariant("reports-half-open-connected")
}
