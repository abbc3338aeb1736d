import EACPTransport
import Foundation

/// Drives a TLSSession over a blocking loopback socket, the way an event loop would, one step at a time.
struct TLSSocketPump {
    let session: TLSSession
    let socket: LoopbackSocket
    let deadline: Date

    /// Runs the handshake. The failure's alert, if any, is still written to the socket before throwing.
    func handshake() throws {
        while true {
            let progress: TLSProgress
            do {
                progress = try session.advance()
            } catch {
                try? flush()
                throw error
            }
            try flush()
            if progress == .handshakeComplete { return }
            guard try receive() else { throw PeerClosedError() }
        }
    }

    /// Reads application data until `isComplete` holds for what arrived, the peer closes, or the
    /// deadline passes. Returns everything read.
    func readPlaintext(until isComplete: ([UInt8]) -> Bool = { _ in false }) throws -> [UInt8] {
        var received: [UInt8] = []
        while !isComplete(received) {
            switch try session.readPlaintext(into: &received, maximumCount: 16_384) {
            case .bytes: continue
            case .closedByPeer: return received
            case .needsMoreInput:
                try flush()
                guard try receive() else { return received }
            }
        }
        return received
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try session.writePlaintext($0) }
        try flush()
    }

    /// Sends close_notify and half-closes the socket.
    func close() {
        session.close()
        try? flush()
        socket.shutdownWrite()
    }

    func flush() throws {
        let output = session.takeCiphertext()
        if !output.isEmpty { try socket.writeAll(output) }
    }

    /// Feeds the next socket read to the session. Returns false when the peer closed the connection.
    private func receive() throws -> Bool {
        let input = try socket.read(deadline: deadline)
        if input.isEmpty { return false }
        input.withUnsafeBytes { session.receiveCiphertext($0) }
        return true
    }
}

/// The peer closed the TCP connection in the middle of a handshake or before a whole record arrived.
struct PeerClosedError: Error, CustomStringConvertible {
    var description: String { "the peer closed the connection" }
}
