import Glibc
import Synchronization

/// A fixed set of event loops, one thread each, handed out round-robin.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let nextIndex = Atomic<Int>(0)

    /// The number of online processor cores, the default loop count.
    public static var coreCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    public init(loopCount: Int = EventLoopGroup.coreCount) throws(SystemError) {
        precondition(loopCount > 0, "an event loop group needs at least one loop")
        var loops: [EventLoop] = []
        for _ in 0..<loopCount {
            do {
                loops.append(try EventLoop())
            } catch {
                for loop in loops { loop.shutdown() }
                throw error
            }
        }
        self.loops = loops
    }

    /// Returns the next loop in round-robin order.
    public func next() -> EventLoop {
        loops[nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue % loops.count]
    }

    /// Stops every loop and waits for their threads. Call once, off every loop's thread.
    public func shutdown() {
        for loop in loops { loop.shutdown() }
    }
}
