/// A ClientHello or ServerHello, read from the handshake records of a peer.
public struct TLSHello: Hashable, Sendable {
    public static let clientHelloType: UInt8 = 1
    public static let serverHelloType: UInt8 = 2

    public var messageType: UInt8
    /// `legacy_version` of the hello (the only version field before TLS 1.3).
    public var legacyVersion: UInt16
    public var cipherSuites: [UInt16]
    public var compressionMethods: [UInt8]
    /// Extension type and body, in the order sent.
    public var extensions: [(type: UInt16, body: [UInt8])]

    public static func == (lhs: TLSHello, rhs: TLSHello) -> Bool {
        lhs.messageType == rhs.messageType && lhs.legacyVersion == rhs.legacyVersion
            && lhs.cipherSuites == rhs.cipherSuites && lhs.compressionMethods == rhs.compressionMethods
            && lhs.extensions.map(\.type) == rhs.extensions.map(\.type)
            && lhs.extensions.map(\.body) == rhs.extensions.map(\.body)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(messageType)
        hasher.combine(legacyVersion)
        hasher.combine(cipherSuites)
    }

    /// Finds the first hello in the handshake records of `records`.
    public static func first(in records: [TLSRecord]) -> TLSHello? {
        let handshake = records.filter { $0.contentType == TLSRecord.handshake }.flatMap(\.fragment)
        guard handshake.count >= 4 else { return nil }
        let length = Int(handshake[1]) << 16 | Int(handshake[2]) << 8 | Int(handshake[3])
        guard handshake.count >= 4 + length else { return nil }
        var reader = ByteReader(Array(handshake[4..<4 + length]))
        return try? TLSHello(type: handshake[0], body: &reader)
    }

    private init(type: UInt8, body reader: inout ByteReader) throws(ByteReader.Truncated) {
        messageType = type
        legacyVersion = try reader.uint16()
        _ = try reader.bytes(32)
        _ = try reader.bytes(Int(try reader.uint8()))
        if type == Self.clientHelloType {
            let suites = try reader.bytes(Int(try reader.uint16()))
            cipherSuites = stride(from: 0, to: suites.count - 1, by: 2).map { UInt16(suites[$0]) << 8 | UInt16(suites[$0 + 1]) }
            compressionMethods = try reader.bytes(Int(try reader.uint8()))
        } else {
            cipherSuites = [try reader.uint16()]
            compressionMethods = [try reader.uint8()]
        }
        extensions = []
        guard !reader.isAtEnd else { return }
        var list = ByteReader(try reader.bytes(Int(try reader.uint16())))
        while !list.isAtEnd {
            let extensionType = try list.uint16()
            extensions.append((extensionType, try list.bytes(Int(try list.uint16()))))
        }
    }

    public func extensionBody(_ type: UInt16) -> [UInt8]? {
        extensions.first { $0.type == type }?.body
    }

    /// The versions offered (ClientHello) or selected (ServerHello): supported_versions when present,
    /// `legacy_version` otherwise.
    public var versions: [UInt16] {
        guard let body = extensionBody(43) else { return [legacyVersion] }
        if messageType == Self.serverHelloType {
            return body.count == 2 ? [UInt16(body[0]) << 8 | UInt16(body[1])] : []
        }
        guard let count = body.first, body.count == Int(count) + 1 else { return [] }
        return stride(from: 1, to: body.count - 1, by: 2).map { UInt16(body[$0]) << 8 | UInt16(body[$0 + 1]) }
    }

    /// The host name of the server_name extension, or nil when the extension is absent.
    public var serverName: String? {
        guard var reader = extensionBody(0).map(ByteReader.init) else { return nil }
        guard (try? reader.uint16()) != nil, (try? reader.uint8()) == 0, let length = try? reader.uint16(),
            let name = try? reader.bytes(Int(length))
        else { return "" }
        return String(decoding: name, as: UTF8.self)
    }

    /// The protocol names of the ALPN extension.
    public var alpnProtocols: [String] {
        guard let body = extensionBody(16), body.count >= 2 else { return [] }
        var reader = ByteReader(Array(body.dropFirst(2)))
        var names: [String] = []
        while !reader.isAtEnd, let length = try? reader.uint8(), let name = try? reader.bytes(Int(length)) {
            names.append(String(decoding: name, as: UTF8.self))
        }
        return names
    }
}

/// Reads big-endian fields from a byte array; reading past the end throws.
struct ByteReader {
    struct Truncated: Error {}

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func uint8() throws(Truncated) -> UInt8 {
        guard offset < bytes.count else { throw Truncated() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16() throws(Truncated) -> UInt16 {
        UInt16(try uint8()) << 8 | UInt16(try uint8())
    }

    mutating func bytes(_ count: Int) throws(Truncated) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw Truncated() }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}
