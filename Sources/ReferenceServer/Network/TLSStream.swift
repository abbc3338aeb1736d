import EACPTransport

/// Runs a connection over a `TLSSession`, so `HTTPServer` serves HTTPS with client certificates.
///
/// NOTE: kept here until the transport module offers its own TLS `StreamSecurity`; it only forwards calls.
final class TLSStream: StreamSecurity {
    private let session: TLSSession

    init(context: TLSContext) throws {
        session = try TLSSession(context: context)
    }

    func receiveInbound(_ bytes: UnsafeRawBufferPointer) { session.receiveCiphertext(bytes) }

    func advanceHandshake() throws -> Bool { try session.advance() == .handshakeComplete }

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
        session.peer.map { PeerCertificate(commonName: $0.commonName, subject: $0.subject, sha256Fingerprint: $0.sha256Fingerprint) }
    }
}
