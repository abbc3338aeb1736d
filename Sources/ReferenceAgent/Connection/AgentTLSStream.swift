import EACPTransport
import Synchronization

/// The parameters of the agent's latest TLS handshake with the server, for `eacp-agent status`.
public struct TLSObservation: Hashable, Sendable, Codable {
    public var version: String?
    public var cipher: String?
    /// SHA-256 of the server's DER certificate, lowercase hex.
    public var serverCertificateSHA256: String?
}

/// The latest `TLSObservation`, shared between connections and the status file.
final class TLSObservationCell: Sendable {
    private let value = Mutex(TLSObservation())
    var current: TLSObservation { value.withLock { $0 } }
    func record(_ observation: TLSObservation) { value.withLock { $0 = observation } }
}

/// Runs a client connection over a `TLSSession` and records the negotiated parameters once the
/// handshake completes.
final class AgentTLSStream: StreamSecurity {
    private let session: TLSSession
    private let observation: TLSObservationCell?
    private var recorded = false

    init(context: TLSContext, serverName: String, observation: TLSObservationCell?) throws {
        session = try TLSSession(context: context, serverName: serverName)
        self.observation = observation
    }

    func receiveInbound(_ bytes: UnsafeRawBufferPointer) { session.receiveCiphertext(bytes) }

    func advanceHandshake() throws -> Bool {
        let complete = try session.advance() == .handshakeComplete
        if complete, !recorded {
            recorded = true
            let seen = TLSObservation(
                version: session.negotiatedVersion, cipher: session.negotiatedCipher,
                serverCertificateSHA256: session.peer?.sha256Fingerprint)
            observation?.record(seen)
        }
        return complete
    }

    func readApplicationData(into buffer: inout [UInt8], maximumCount: Int) throws -> StreamReadResult {
        switch try session.readPlaintext(into: &buffer, maximumCount: maximumCount) {
        case .bytes(let count): .bytes(count)
        case .needsMoreInput: .needsMoreInput
        case .closedByPeer: .closedByPeer
        }
    }

    func writeApplicationData(_ bytes: UnsafeRawBufferPointer) throws { try session.writePlaintext(bytes) }

    func takeOutbound() -> [UInt8] { session.takeCiphertext() }

    func closeOutbound() { session.close() }

    var peerCertificate: PeerCertificate? {
        session.peer.map {
            PeerCertificate(commonName: $0.commonName, subject: $0.subject, sha256Fingerprint: $0.sha256Fingerprint)
        }
    }
}
