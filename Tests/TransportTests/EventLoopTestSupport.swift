import Synchronization
import Testing

@testable import EACPTransport

/// A value set once from any thread and awaited by a test, with a timeout that guards against hanging.
final class Eventually<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)

    func set(_ value: Value) { storage.withLock { $0 = value } }

    var current: Value? { storage.withLock { $0 } }

    func value(timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation) async throws -> Value {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = current { return value }
            try await Task.sleep(for: .milliseconds(2))
        }
        Issue.record("timed out waiting for a value", sourceLocation: sourceLocation)
        throw CancellationError()
    }
}

/// Waits until `condition` holds, checking every few milliseconds, with a timeout that guards against hanging.
func waitUntil(
    timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @Sendable () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(2))
    }
    Issue.record("timed out waiting for a condition", sourceLocation: sourceLocation)
    throw CancellationError()
}

/// Runs `body` on `loop` and returns its result.
func onLoop<Value: Sendable>(_ loop: EventLoop, _ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        loop.execute { continuation.resume(with: Swift.Result { try body() }) }
    }
}

/// A value behind a lock that can be shared between handlers and the test.
final class Locked<Value>: @unchecked Sendable {
    private let mutex: Mutex<Value>

    init(_ value: sending Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        try mutex.withLock(body)
    }
}

/// Echoes every byte back to the peer.
final class EchoHandler: ConnectionHandler {
    func connectionDidBecomeActive(_ connection: Connection) {}
    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) { connection.write(Array(bytes)) }
    func connectionDidClose(_ connection: Connection, error: (any Error)?) {}
}

/// Records what a connection receives, for assertions from the test's thread.
final class RecordingHandler: ConnectionHandler, Sendable {
    let received = Mutex<[UInt8]>([])
    let active = Eventually<Bool>()
    let closed = Eventually<String>()
    let writability = Mutex<[Bool]>([])

    var receivedBytes: [UInt8] { received.withLock { $0 } }

    func connectionDidBecomeActive(_ connection: Connection) { active.set(true) }
    func connection(_ connection: Connection, didRead bytes: UnsafeRawBufferPointer) {
        received.withLock { $0 += bytes }
    }
    func connection(_ connection: Connection, writabilityDidChange writable: Bool) {
        writability.withLock { $0.append(writable) }
    }
    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        closed.set(error.map { "\($0)" } ?? "clean")
    }
}

/// Starts a listener on 127.0.0.1 with an ephemeral port whose accepted connections run handlers from
/// `makeHandler`.
func startListener(
    on loop: EventLoop, configuration: ConnectionConfiguration = ConnectionConfiguration(),
    makeHandler: @escaping @Sendable () -> any ConnectionHandler
) async throws -> (Listener, SocketAddress) {
    let box = Mutex<[Connection]>([])
    let listener = try await onLoop(loop) { () -> UncheckedBox<Listener> in
        let listener = try Listener(address: SocketAddress(ipAddress: "127.0.0.1", port: 0)!, backlog: 128, loop: loop) { fd in
            if let connection = try? Connection.accept(
                fd: fd, loop: loop, security: PlaintextStream(), handler: makeHandler(), configuration: configuration)
            {
                box.withLock { $0.append(connection) }
            }
        }
        return UncheckedBox(listener)
    }
    return (listener.value, listener.value.address)
}

/// Carries a loop-bound value across a `Sendable` boundary; the test touches it only on its loop.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
