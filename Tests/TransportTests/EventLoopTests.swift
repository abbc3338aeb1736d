import Synchronization
import Testing

@testable import EACPTransport

@Suite struct TimerHeapTests {
    @Test func popsDueTimersInDeadlineOrder() {
        var heap = TimerHeap()
        let order = Locked<[Int]>([])
        for (deadline, label) in [(30, 3), (10, 1), (20, 2), (10, 11), (40, 4)] {
            _ = heap.schedule(deadline: UInt64(deadline)) { order.withLock { $0.append(label) } }
        }
        for action in heap.popDue(now: 30) { action() }
        #expect(order.withLock { $0 } == [1, 11, 2, 3])
        #expect(heap.nextDeadline() == 40)
    }

    @Test func skipsCancelledTimers() {
        var heap = TimerHeap()
        let first = heap.schedule(deadline: 5) {}
        _ = heap.schedule(deadline: 9) {}
        heap.cancel(first)
        #expect(heap.nextDeadline() == 9)
        #expect(heap.popDue(now: 10).count == 1)
        #expect(heap.nextDeadline() == nil)
    }

    @Test func rebuildsAfterManyCancellations() {
        var heap = TimerHeap()
        let ids = (0..<1000).map { heap.schedule(deadline: UInt64($0)) {} }
        for id in ids.dropLast() { heap.cancel(id) }
        #expect(heap.count == 1)
        #expect(heap.nextDeadline() == 999)
    }
}

@Suite struct EventLoopTests {
    @Test func runsWorkFromManyThreads() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let count = Locked(0)
        await withTaskGroup(of: Void.self) { tasks in
            for _ in 0..<4 {
                tasks.addTask {
                    for _ in 0..<500 { group.next().execute { count.withLock { $0 += 1 } } }
                }
            }
        }
        try await waitUntil { count.withLock { $0 } == 2000 }
        #expect(count.withLock { $0 } == 2000)
    }

    @Test func firesTimersInOrderAndSkipsCancelled() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.next()
        let fired = Locked<[Int]>([])
        try await onLoop(loop) {
            loop.scheduleTimer(after: .milliseconds(30)) { fired.withLock { $0.append(3) } }
            loop.scheduleTimer(after: .milliseconds(10)) { fired.withLock { $0.append(1) } }
            let cancelled = loop.scheduleTimer(after: .milliseconds(20)) { fired.withLock { $0.append(2) } }
            loop.cancelTimer(cancelled)
        }
        try await waitUntil { fired.withLock { $0.count } == 2 }
        try await Task.sleep(for: .milliseconds(30))
        #expect(fired.withLock { $0 } == [1, 3])
    }

    @Test func reportsInEventLoopOnlyOnItsThread() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.next()
        #expect(!loop.inEventLoop)
        #expect(try await onLoop(loop) { loop.inEventLoop })
    }

    @Test func raisesOpenFileLimitAndReportsShortfall() throws {
        let limit = try OpenFileLimit.raise()
        #expect(limit.current == limit.maximum)
        #expect(limit.satisfiesRequest)

        let tooMany = try OpenFileLimit.raise(requested: limit.maximum + 1)
        #expect(!tooMany.satisfiesRequest)
        #expect(tooMany.description.contains("below the \(limit.maximum + 1) requested"))
    }
}

@Suite struct EventLoopConnectionTests {
    @Test func echoesBytesOverLoopback() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let (_, address) = try await startListener(on: group.loops[0]) { EchoHandler() }

        let loop = group.loops[1]
        let message = (0..<100_000).map { UInt8($0 % 251) }
        let sender = SendingHandler(message: message)
        _ = try await onLoop(loop) {
            UncheckedBox(try Connection.connect(to: address, loop: loop, security: PlaintextStream(), handler: sender))
        }
        try await waitUntil { sender.recorder.receivedBytes.count >= message.count }
        #expect(sender.recorder.receivedBytes == message)
    }

    @Test func reportsRefusedConnect() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.next()
        let (listener, address) = try await startListener(on: loop) { EchoHandler() }
        try await onLoop(loop) { listener.close() }

        let client = RecordingHandler()
        _ = try await onLoop(loop) {
            UncheckedBox(try Connection.connect(to: address, loop: loop, security: PlaintextStream(), handler: client))
        }
        let closed = try await client.closed.value()
        #expect(closed.contains("Connection refused"))
    }

    @Test func pausesReadingAboveHighWaterMarkAndResumesBelowLow() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.next()
        let server = RecordingHandler()
        let serverConnection = Locked<UncheckedBox<Connection>?>(nil)
        let (_, address) = try await startListener(on: loop) { FloodingHandler(recorder: server, store: serverConnection) }

        let client = PausedReader()
        _ = try await onLoop(loop) {
            UncheckedBox(try Connection.connect(to: address, loop: loop, security: PlaintextStream(), handler: client))
        }
        try await waitUntil { server.writability.withLock { $0 } == [false] }
        let paused = try await onLoop(loop) { serverConnection.withLock { $0!.value.isWritable } }
        #expect(!paused)

        try await onLoop(loop) { client.connection?.resumeReading() }
        try await waitUntil { server.writability.withLock { $0 } == [false, true] }
        try await waitUntil { client.receivedCount.load(ordering: .relaxed) == FloodingHandler.floodSize }
        #expect(client.receivedCount.load(ordering: .relaxed) == FloodingHandler.floodSize)
    }
}

/// Writes `message` once active and records the echo.
private final class SendingHandler: ConnectionHandler, Sendable {
    let message: [UInt8]
    let recorder = RecordingHandler()

    init(message: [UInt8]) { self.message = message }

    func connectionDidBecomeActive(_ connection: Connection) { connection.write(message) }
    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        recorder.connection(connection, didRead: bytes)
    }
    func connectionDidClose(_ connection: Connection, error: (any Error)?) {}
}

/// Writes far more than the high-water mark as soon as the connection is active.
private final class FloodingHandler: ConnectionHandler, @unchecked Sendable {
    static let floodSize = 4 * 1024 * 1024
    let recorder: RecordingHandler
    let store: Locked<UncheckedBox<Connection>?>

    init(recorder: RecordingHandler, store: Locked<UncheckedBox<Connection>?>) {
        self.recorder = recorder
        self.store = store
    }

    func connectionDidBecomeActive(_ connection: Connection) {
        store.withLock { $0 = UncheckedBox(connection) }
        connection.write([UInt8](repeating: 0x55, count: Self.floodSize))
    }
    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {}
    func connection(_ connection: Connection, writabilityDidChange writable: Bool) {
        recorder.connection(connection, writabilityDidChange: writable)
    }
    func connectionDidClose(_ connection: Connection, error: (any Error)?) {}
}

/// Pauses reading as soon as it is active, and counts bytes once resumed.
private final class PausedReader: ConnectionHandler, @unchecked Sendable {
    var connection: Connection?
    let receivedCount = Atomic<Int>(0)

    func connectionDidBecomeActive(_ connection: Connection) {
        self.connection = connection
        connection.pauseReading()
    }
    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        receivedCount.add(bytes.count, ordering: .relaxed)
    }
    func connectionDidClose(_ connection: Connection, error: (any Error)?) { self.connection = nil }
}
