/// A ClientHello for SSL 3.0, built by hand because OpenSSL 3 on Debian is compiled without SSL 3.0
/// and will not send one.
///
/// Layout from RFC 6101 section 5.6.1.2: version 3.0 in the record and the hello, 32 random bytes,
/// no session id, four SSL 3.0 cipher suites plus the renegotiation SCSV, null compression, and no
/// extensions, which SSL 3.0 did not have.
public enum SSL3ClientHello {
    /// TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA,
    /// TLS_RSA_WITH_RC4_128_SHA and TLS_EMPTY_RENEGOTIATION_INFO_SCSV.
    public static let cipherSuites: [UInt16] = [0x002F, 0x0035, 0x000A, 0x0005, 0x00FF]

    public static func record() -> [UInt8] {
        var body: [UInt8] = [0x03, 0x00]
        body += (0..<32).map { _ in UInt8.random(in: 0...255) }
        body.append(0)  // session id length
        body += bigEndian16(UInt16(cipherSuites.count * 2))
        for suite in cipherSuites { body += bigEndian16(suite) }
        body += [1, 0]  // one compression method: null

        let handshake: [UInt8] = [1, 0, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
        return [TLSRecord.handshake, 0x03, 0x00] + bigEndian16(UInt16(handshake.count)) + handshake
    }

    private static func bigEndian16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
}
