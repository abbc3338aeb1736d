@testable import EACPTransport

/// A client and a server session wired to each other in memory, with no sockets.
struct TLSMemoryPair {
    let client: TLSSession
    let server: TLSSession

    init(client: TLSConfiguration, server: TLSConfiguration, serverName: String? = nil) throws {
        self.client = try TLSSession(context: TLSContext(configuration: client), serverName: serverName)
        self.server = try TLSSession(context: TLSContext(configuration: server))
    }

    /// The outcome of `handshake()`: each side's error, nil for a side that completed.
    struct Outcome {
        var clientError: TLSError?
        var serverError: TLSError?
        var clientDone = false
        var serverDone = false
    }

    /// Runs the handshake, moving each side's ciphertext to the other after every step, including a step
    /// that failed, so alerts arrive. Stops when both sides finished or one failed and nothing moves.
    func handshake() -> Outcome {
        var outcome = Outcome()
        for _ in 0..<20 {
            step(client, done: &outcome.clientDone, error: &outcome.clientError)
            let toServer = client.takeCiphertext()
            toServer.withUnsafeBytes { server.receiveCiphertext($0) }

            step(server, done: &outcome.serverDone, error: &outcome.serverError)
            let toClient = server.takeCiphertext()
            toClient.withUnsafeBytes { client.receiveCiphertext($0) }

            let finished = outcome.clientDone && outcome.serverDone
            let failed = outcome.clientError != nil || outcome.serverError != nil
            if finished || (failed && toServer.isEmpty && toClient.isEmpty) { break }
        }
        return outcome
    }

    private func step(_ session: TLSSession, done: inout Bool, error: inout TLSError?) {
        guard !done, error == nil else { return }
        do {
            done = try session.advance() == .handshakeComplete
        } catch let failure as TLSError {
            error = failure
        } catch {
            preconditionFailure("TLSSession.advance threw a non-TLSError: \(error)")
        }
    }

    /// Sends `bytes` from `sender` to `receiver` and returns what `receiver` reads.
    static func transfer(_ bytes: [UInt8], from sender: TLSSession, to receiver: TLSSession) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try sender.writePlaintext($0) }
        sender.takeCiphertext().withUnsafeBytes { receiver.receiveCiphertext($0) }
        var received: [UInt8] = []
        while case .bytes = try receiver.readPlaintext(into: &received, maximumCount: 4096) {}
        return received
    }
}
