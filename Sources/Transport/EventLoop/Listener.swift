import CEACPLinux
import Glibc

/// A listening socket on an event loop that accepts every pending connection on each wakeup.
final class Listener: EventSource, @unchecked Sendable {
    // @unchecked: used only on `loop`'s thread.

    let loop: EventLoop
    let fd: Int32
    let address: SocketAddress
    private let onAccept: (Int32) -> Void
    private(set) var acceptFailures = 0
    private var closed = false

    /// How many connections one wakeup accepts before the loop serves its other sockets.
    private static let acceptsPerWakeup = 256
    /// How long accepting pauses when the process is out of descriptors or memory, since retrying at
    /// once would only fail again.
    private static let exhaustionPause: Duration = .milliseconds(100)

    /// Binds, listens and registers with `loop`. `onAccept` runs on the loop's thread for each new socket
    /// and owns it. Call on the loop's thread.
    init(address: SocketAddress, backlog: Int32, loop: EventLoop, onAccept: @escaping (Int32) -> Void) throws(SystemError) {
        self.loop = loop
        self.onAccept = onAccept
        fd = try Socket.makeListener(address: address, backlog: backlog)
        do {
            self.address = try Socket.localAddress(fd)
            try loop.register(self, fd: fd, events: EPOLLIN.rawValue)
        } catch {
            Socket.close(fd)
            throw error
        }
    }

    func handleEvents(_ events: UInt32) {
        for _ in 0..<Self.acceptsPerWakeup {
            guard !closed else { return }
            do {
                guard let connection = try Socket.accept(fd) else { return }
                onAccept(connection)
            } catch {
                acceptFailures += 1
                if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errno) { pauseAccepting() }
                return
            }
        }
    }

    /// Stops accepting for a moment. The level-triggered listener would otherwise report the same
    /// waiting connection on every turn of the loop while accept keeps failing.
    private func pauseAccepting() {
        loop.modify(fd: fd, events: 0)
        loop.scheduleTimer(after: Self.exhaustionPause) { [weak self] in
            guard let self, !closed else { return }
            loop.modify(fd: fd, events: EPOLLIN.rawValue)
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        loop.deregister(fd: fd)
        Socket.close(fd)
    }

    func loopDidStop() { close() }
}
