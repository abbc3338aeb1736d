import Synchronization

extension AsyncStream<[UInt8]> {
    /// Wraps `stream` so that each message the application reads is counted off `queue`, which then lets
    /// the connection read the socket again once it had stopped because too many messages were waiting.
    static func counting(_ stream: AsyncStream<[UInt8]>, off queue: WebSocketInboundQueue) -> AsyncStream<[UInt8]> {
        let iterator = StreamIterator(stream.makeAsyncIterator())
        return AsyncStream(unfolding: {
            guard let message = await iterator.next() else { return nil }
            queue.dequeued(byteCount: message.count)
            return message
        })
    }
}

/// The iterator of the inner stream, carried into the unfolding closure.
private final class StreamIterator: @unchecked Sendable {
    // @unchecked: an AsyncStream has one reader at a time, so `next()` never runs twice at once.
    private var base: AsyncStream<[UInt8]>.Iterator

    init(_ base: AsyncStream<[UInt8]>.Iterator) { self.base = base }

    func next() async -> [UInt8]? { await base.next() }
}

/// Counts the messages delivered to the application and not yet read, and stops and restarts reading the
/// socket around the configured limits. Messages are counted on the loop thread and read on any thread.
final class WebSocketInboundQueue: Sendable {
    private struct State {
        var bytes = 0
        var messages = 0
        var readingPaused = false
    }

    private let maxBytes: Int
    private let maxMessages: Int
    private let connection: Connection
    private let state = Mutex(State())

    init(configuration: WebSocketConfiguration, connection: Connection) {
        maxBytes = configuration.maxQueuedInboundBytes
        maxMessages = configuration.maxQueuedInboundMessages
        self.connection = connection
    }

    /// The bytes of the messages waiting for the application.
    var queuedBytes: Int { state.withLock { $0.bytes } }
    /// The number of messages waiting for the application.
    var queuedMessages: Int { state.withLock { $0.messages } }

    /// Counts a message handed to the stream and stops reading the socket when the queue passes a limit.
    /// Call on the connection's loop thread.
    func enqueued(byteCount: Int) {
        let pause = state.withLock { state in
            state.bytes += byteCount
            state.messages += 1
            guard !state.readingPaused, state.bytes > maxBytes || state.messages > maxMessages else { return false }
            state.readingPaused = true
            return true
        }
        if pause { connection.pauseReading() }
    }

    /// Counts a message the application read and restarts reading once the queue is down to half of both
    /// limits. Call from any thread.
    func dequeued(byteCount: Int) {
        let resume = state.withLock { state in
            state.bytes -= byteCount
            state.messages -= 1
            guard state.readingPaused, state.bytes <= maxBytes / 2, state.messages <= maxMessages / 2 else {
                return false
            }
            state.readingPaused = false
            return true
        }
        if resume { connection.execute { $0.resumeReading() } }
    }
}
