import EACPProtocol

/// Journaled actions that have not started yet, kept in ascending `sequence_number`.
///
/// Among the actions whose not-before time has come, the agent starts them in ascending
/// sequence number, whatever order they arrived in. An action whose not-before time is still
/// ahead does not hold back later actions that are due. The queue only orders starts: an action
/// that has started leaves it, and the next one may start before it finishes.
struct ActionStartQueue {
    /// Waiting envelopes, sorted by sequence number, then by action id for equal numbers.
    private var waiting: [ActionEnvelope] = []

    var isEmpty: Bool { waiting.isEmpty }
    /// The earliest not-before time among the waiting actions, or nil when none waits.
    var earliestNotBeforeUnixMs: Int64? { waiting.map(\.notBeforeUnixMs).min() }
    var count: Int { waiting.count }

    /// Adds an envelope at its place in sequence order. Returns false, and changes nothing,
    /// when an envelope with the same action id is already waiting.
    @discardableResult
    mutating func add(_ envelope: ActionEnvelope) -> Bool {
        guard !waiting.contains(where: { $0.actionId == envelope.actionId }) else { return false }
        let index = waiting.firstIndex { Self.precedes(envelope, $0) } ?? waiting.endIndex
        waiting.insert(envelope, at: index)
        return true
    }

    /// Removes and returns the waiting action with the lowest sequence number whose not-before
    /// time is at or before `nowUnixMs`, or nil when none is due.
    mutating func takeNextDue(nowUnixMs: Int64) -> ActionEnvelope? {
        guard let index = waiting.firstIndex(where: {
            $0.notBeforeUnixMs <= nowUnixMs || BrokenVariant.isActive(.ignoresNotBefore)
        }) else { return nil }
        return waiting.remove(at: index)
    }

    private static func precedes(_ left: ActionEnvelope, _ right: ActionEnvelope) -> Bool {
        if left.sequenceNumber != right.sequenceNumber { return left.sequenceNumber < right.sequenceNumber }
        return left.actionId < right.actionId
    }
}
