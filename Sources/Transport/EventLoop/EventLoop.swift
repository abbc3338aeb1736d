import CEACPLinux
import Glibc
import Synchronization

/// A file descriptor registered with an event loop. Every method runs on that loop's thread.
protocol EventSource: AnyObject {
    /// Reacts to the epoll events reported for the descriptor.
    func handleEvents(_ events: UInt32)
    /// Closes the descriptor because the loop is stopping with the source still registered.
    func loopDidStop()
}

/// One thread running an epoll loop: socket readiness, timers, and work handed over from other threads.
///
/// Registration is level-triggered. A paused connection simply drops EPOLLIN from its interest set and
/// leaves unread bytes in the kernel, so back-pressure needs no bookkeeping of "more data was there",
/// and a connection reads a bounded amount per wakeup, which keeps loops fair between connections.
///
/// Everything except `execute` and `inEventLoop` must be called on the loop's own thread.
public final class EventLoop: @unchecked Sendable {
    // @unchecked: `queue`, `threadID` and `stopRequested` are synchronized, and `thread` is written before
    // the loop starts. Every other stored property is touched only on the loop's thread, as the methods
    // that use them require.

    private struct Queue {
        var tasks: [@Sendable () -> Void] = []
        var wakeupPending = false
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let queue = Mutex(Queue())
    private let threadID = Atomic<UInt>(0)
    private let stopRequested = Atomic<Bool>(false)
    private var thread = pthread_t()

    private var sources: [Int32: (generation: UInt32, source: EventSource)] = [:]
    private var nextGeneration: UInt32 = 0
    private var timers = TimerHeap()
    private var running = true

    /// Scratch space for socket reads, shared by all connections of this loop so that none needs its own.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// Scratch space for decrypted bytes, shared the same way.
    var plaintextBuffer: [UInt8] = []

    private static let wakeToken = UInt64.max

    init() throws(SystemError) {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw SystemError.last("epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            Glibc.close(epollFD)
            throw SystemError.last("eventfd")
        }
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: Self.wakeToken))
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event) == 0 else {
            Glibc.close(wakeFD)
            Glibc.close(epollFD)
            throw SystemError.last("epoll_ctl(eventfd)")
        }
        plaintextBuffer.reserveCapacity(readBuffer.count)
        startThread()
    }

    deinit {
        readBuffer.deallocate()
        Glibc.close(wakeFD)
        Glibc.close(epollFD)
    }

    /// Whether the caller runs on this loop's thread.
    public var inEventLoop: Bool { UInt(pthread_self()) == threadID.load(ordering: .acquiring) }

    /// Runs `work` on the loop's thread, after the events and timers of the current iteration.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        let needsWakeup = queue.withLock { queue in
            queue.tasks.append(work)
            defer { queue.wakeupPending = true }
            return !queue.wakeupPending
        }
        if needsWakeup && !inEventLoop {
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
    }

    /// Runs `action` on the loop's thread after `delay`. Call on the loop's thread.
    @discardableResult
    public func scheduleTimer(after delay: Duration, _ action: @escaping () -> Void) -> TimerID {
        assertInEventLoop()
        return timers.schedule(deadline: monotonicNanoseconds() + delay.nanoseconds, action)
    }

    /// Cancels a timer. Cancelling one that already ran or was cancelled does nothing. Call on the loop's thread.
    public func cancelTimer(_ id: TimerID) {
        assertInEventLoop()
        timers.cancel(id)
    }

    /// Stops the loop and waits for its thread to end. Sources still registered close their descriptors.
    /// Call from any thread except the loop's own.
    public func shutdown() {
        precondition(!inEventLoop, "an event loop cannot wait for itself to stop")
        guard !stopRequested.exchange(true, ordering: .acquiringAndReleasing) else { return }
        execute { [unowned self] in running = false }
        pthread_join(thread, nil)
    }

    // MARK: Registration

    func register(_ source: EventSource, fd: Int32, events: UInt32) throws(SystemError) {
        assertInEventLoop()
        nextGeneration &+= 1
        var event = epoll_event(events: events, data: epoll_data_t(u64: Self.token(fd: fd, generation: nextGeneration)))
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else { throw SystemError.last("epoll_ctl(ADD)") }
        sources[fd] = (nextGeneration, source)
    }

    func modify(fd: Int32, events: UInt32) {
        assertInEventLoop()
        guard let entry = sources[fd] else { return }
        var event = epoll_event(events: events, data: epoll_data_t(u64: Self.token(fd: fd, generation: entry.generation)))
        // Fails only for a descriptor that is not registered, which the lookup above rules out.
        _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Removes the descriptor from the interest set. Call before closing it.
    func deregister(fd: Int32) {
        assertInEventLoop()
        guard sources.removeValue(forKey: fd) != nil else { return }
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    var registeredCount: Int { sources.count }

    // MARK: The loop

    private func startThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&thread, nil, { context in
            let loop = Unmanaged<EventLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        precondition(result == 0, "pthread_create failed with \(result), so no event loop can run")
    }

    private func run() {
        threadID.store(UInt(pthread_self()), ordering: .releasing)
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }

        while running {
            let count = retryingOnInterrupt { epoll_wait(epollFD, events, Int32(capacity), waitTimeout()) }
            precondition(count >= 0, "epoll_wait failed: \(SystemError.last("epoll_wait"))")
            for index in 0..<Int(count) { dispatch(events[index]) }
            for action in timers.popDue(now: monotonicNanoseconds()) { action() }
            runTasks()
        }
        stopSources()
    }

    private func dispatch(_ event: epoll_event) {
        let token = event.data.u64
        if token == Self.wakeToken {
            var value: UInt64 = 0
            _ = Glibc.read(wakeFD, &value, 8)
            return
        }
        let fd = Int32(truncatingIfNeeded: token & 0xFFFF_FFFF)
        // A stale event for a descriptor closed earlier in this batch and already reused carries the old
        // generation, so it is dropped instead of reaching the new connection.
        guard let entry = sources[fd], entry.generation == UInt32(token >> 32) else { return }
        entry.source.handleEvents(event.events)
    }

    /// Milliseconds until the next timer, 0 when work is queued, or -1 to wait for an event.
    private func waitTimeout() -> Int32 {
        if queue.withLock({ !$0.tasks.isEmpty }) { return 0 }
        guard let deadline = timers.nextDeadline() else { return -1 }
        let now = monotonicNanoseconds()
        guard deadline > now else { return 0 }
        return Int32(clamping: (deadline - now + 999_999) / 1_000_000)
    }

    private func runTasks() {
        let tasks = queue.withLock { queue in
            queue.wakeupPending = false
            return queue.tasks.isEmpty ? [] : queue.tasks.swapAndClear()
        }
        for task in tasks { task() }
    }

    private func stopSources() {
        runTasks()
        let remaining = sources.values.map(\.source)
        for source in remaining { source.loopDidStop() }
        sources = [:]
        timers = TimerHeap()
        threadID.store(0, ordering: .releasing)
    }

    private static func token(fd: Int32, generation: UInt32) -> UInt64 {
        UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
    }

    func assertInEventLoop() {
        precondition(inEventLoop, "called off its event loop's thread")
    }
}

extension Array {
    /// Returns the elements and leaves the array empty without keeping its storage.
    fileprivate mutating func swapAndClear() -> [Element] {
        let elements = self
        self = []
        return elements
    }
}
