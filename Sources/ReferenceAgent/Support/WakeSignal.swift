import Synchronization

/// Lets a loop sleep until a deadline or until another task has new work for it. A signal that
/// arrives while nobody waits is kept, so the next wait returns at once.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil as CheckedContinuation<Void, Never>?
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns after `milliseconds`, on a signal, or when the task is cancelled, whichever comes first.
    func wait(milliseconds: Int64) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(max(0, milliseconds)))
            self.resume(id: id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = (id, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.resume(id: id)
        }
        timer.cancel()
    }

    private func resume(id: UInt64) {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter, waiter.id == id else { return nil as CheckedContinuation<Void, Never>? }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}

/// Runs async operations one at a time, in the order they were requested.
actor SerialRunner {
    private var last: Task<Void, Never>?

    func run<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T {
        let previous = last
        let task = Task<T, Never> {
            await previous?.value
            return await operation()
        }
        last = Task { _ = await task.value }
        return await task.value
    }
}
