import CEACPLinux
import Glibc

extension Connection {
    /// How many socket reads one wakeup may do before the loop serves other connections.
    private static let readsPerWakeup = 4
    /// The most plaintext asked of the security layer per call: one TLS record's worth. TLS sessions
    /// prepare the whole requested space before reading, so asking for more only costs time.
    private static let plaintextPerRead = 16 * 1024

    func handleEvents(_ events: UInt32) {
        if case .connecting = state {
            finishConnect()
            return
        }
        if events & EPOLLOUT.rawValue != 0 { flush() }
        let readable = events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0
        if readable && readingEnabled {
            readFromSocket()
        } else if events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 && !isClosed {
            // Reading is paused, so no read can report the reset. Without this, the level-triggered
            // hang-up would be reported again on every turn of the loop.
            fail(ConnectionError(.reset, "peer reset or hung up the connection"))
        }
    }

    // MARK: Inbound

    private func finishConnect() {
        if let error = Socket.pendingError(fd) {
            fail(error)
            return
        }
        cancelTimer()
        startHandshake()
    }

    func startHandshake() {
        state = .handshaking
        updateInterest()
        startTimer(configuration.handshakeTimeout) {
            $0.fail(ConnectionError(.handshakeTimeout, "handshake did not complete in time"))
        }
        processInbound()
    }

    private func readFromSocket() {
        for _ in 0..<Self.readsPerWakeup {
            guard readingEnabled else { return }
            let result: Socket.ReadResult
            do {
                result = try Socket.read(fd, into: loop.readBuffer)
            } catch {
                fail(error)
                return
            }
            switch result {
            case .bytes(let count):
                if case .closing = state { continue }  // Draining the peer's bytes before closing.
                security.receiveInbound(UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
                processInbound()
                if count < loop.readBuffer.count { return }
            case .wouldBlock:
                return
            case .endOfStream:
                handleEndOfStream()
                return
            }
        }
    }

    /// Advances the handshake, then hands every decrypted byte to the handler until it pauses reading.
    func processInbound() {
        do {
            if case .handshaking = state {
                let complete = try security.advanceHandshake()
                flushSecurityOutput()
                guard complete, case .handshaking = state else { return }
                state = .active
                cancelTimer()
                handler?.connectionDidBecomeActive(self)
            }
            try deliverApplicationData()
        } catch {
            flushSecurityOutput()  // A failed TLS handshake leaves an alert for the peer.
            fail(error)
        }
    }

    private func deliverApplicationData() throws {
        // The loop's scratch buffer is moved out while in use, so a handler that reaches another
        // connection's read path from its callback gets a fresh buffer instead of this one.
        var buffer = loop.plaintextBuffer
        loop.plaintextBuffer = []
        defer {
            buffer.removeAll(keepingCapacity: true)
            loop.plaintextBuffer = buffer
        }
        while isActive && !pausedByHandler {
            buffer.removeAll(keepingCapacity: true)
            switch try security.readApplicationData(into: &buffer, maximumCount: Self.plaintextPerRead) {
            case .bytes(let count):
                guard count > 0 else { continue }
                buffer.withUnsafeBytes { handler?.connection(self, didRead: $0) }
            case .needsMoreInput:
                flushSecurityOutput()
                return
            case .closedByPeer:
                flushSecurityOutput()
                handleEndOfStream()
                return
            }
        }
    }

    private func handleEndOfStream() {
        inputEnded = true
        updateInterest()
        switch state {
        case .connecting, .closed: return
        case .handshaking:
            fail(ConnectionError(.endedDuringHandshake, "peer closed the connection during the handshake"))
        case .active:
            handler?.connectionDidReadEndOfStream(self)
        case .closing:
            if pendingOutboundCount == 0 { finishClose(error: nil) }
        }
    }

    // MARK: Outbound

    /// Encrypts and queues `bytes`, then writes as much as the socket takes. Writes after close are dropped.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard isActive else { return }
        do {
            try security.writeApplicationData(bytes)
        } catch {
            fail(error)
            return
        }
        flushSecurityOutput()
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    func flushSecurityOutput() {
        let bytes = security.takeOutbound()
        if !bytes.isEmpty {
            if pendingOutboundCount == 0 {
                outbound = bytes
                outboundOffset = 0
            } else {
                outbound += bytes
            }
        }
        flush()
    }

    func flush() {
        guard !isClosed else { return }
        while pendingOutboundCount > 0 {
            let written: Int
            do {
                written = try outbound.withUnsafeBytes { try Socket.write(fd, UnsafeRawBufferPointer(rebasing: $0[outboundOffset...])) }
            } catch {
                fail(error)
                return
            }
            if written == 0 { break }
            outboundOffset += written
        }
        if pendingOutboundCount == 0 {
            outbound = []
            outboundOffset = 0
        }
        applyBackpressure()
        updateInterest()
        closeWriteSideIfFlushed()
    }

    private func applyBackpressure() {
        guard isActive else { return }
        if !pausedByBackpressure && pendingOutboundCount > configuration.outboundHighWaterMark {
            pausedByBackpressure = true
            handler?.connection(self, writabilityDidChange: false)
        } else if pausedByBackpressure && pendingOutboundCount < configuration.outboundLowWaterMark {
            pausedByBackpressure = false
            handler?.connection(self, writabilityDidChange: true)
            if readingEnabled { loop.execute { [self] in processInbound() } }
        }
    }

    func closeWriteSideIfFlushed() {
        guard case .closing = state, pendingOutboundCount == 0 else { return }
        if inputEnded {
            finishClose(error: nil)
        } else if !outputEnded {
            outputEnded = true
            _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        }
    }

    func updateInterest() {
        guard !isClosed else { return }
        var events: UInt32 = 0
        if readingEnabled { events |= EPOLLIN.rawValue }
        if pendingOutboundCount > 0 { events |= EPOLLOUT.rawValue }
        if case .connecting = state { events |= EPOLLOUT.rawValue }
        guard events != interest else { return }
        interest = events
        loop.modify(fd: fd, events: events)
    }
}
