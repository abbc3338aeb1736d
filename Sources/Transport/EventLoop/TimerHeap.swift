/// The identity of a scheduled timer, for cancelling it.
public struct TimerID: Hashable, Sendable {
    let value: UInt64
}

/// A binary min-heap of timers ordered by deadline, then by scheduling order.
///
/// Cancelling only removes the action. The heap entry stays until its deadline passes or until cancelled
/// entries outnumber live ones, which triggers a rebuild. That keeps both schedule and cancel O(log n).
struct TimerHeap {
    private struct Entry {
        var deadline: UInt64
        var id: UInt64

        func precedes(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : id < other.id
        }
    }

    private var entries: [Entry] = []
    private var actions: [UInt64: () -> Void] = [:]
    private var nextID: UInt64 = 0

    var count: Int { actions.count }

    mutating func schedule(deadline: UInt64, _ action: @escaping () -> Void) -> TimerID {
        nextID += 1
        actions[nextID] = action
        push(Entry(deadline: deadline, id: nextID))
        return TimerID(value: nextID)
    }

    mutating func cancel(_ id: TimerID) {
        actions[id.value] = nil
        if entries.count > 64 && entries.count > 2 * actions.count { rebuild() }
    }

    /// Returns the earliest deadline of a timer that is still scheduled.
    mutating func nextDeadline() -> UInt64? {
        while let first = entries.first, actions[first.id] == nil { popFirst() }
        return entries.first?.deadline
    }

    /// Removes and returns the actions of every timer due at `now`, earliest first.
    mutating func popDue(now: UInt64) -> [() -> Void] {
        var due: [() -> Void] = []
        while let first = entries.first, first.deadline <= now {
            popFirst()
            if let action = actions.removeValue(forKey: first.id) { due.append(action) }
        }
        return due
    }

    private mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popFirst() {
        entries.swapAt(0, entries.count - 1)
        entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count && entries[left].precedes(entries[smallest]) { smallest = left }
            if right < entries.count && entries[right].precedes(entries[smallest]) { smallest = right }
            guard smallest != parent else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func rebuild() {
        let live = entries.filter { actions[$0.id] != nil }
        entries = []
        entries.reserveCapacity(live.count)
        for entry in live { push(entry) }
    }
}
