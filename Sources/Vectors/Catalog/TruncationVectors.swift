import EACPProtocol

/// Every strict prefix of a few valid encodings that ends inside a field. Such a prefix is truncated: the
/// bytes that follow in the full encoding would complete it. A prefix that ends between two top-level fields
/// is a valid, shorter message and is left out.
enum TruncationVectors {
    static let description = """
        Every strict prefix of a few valid encodings that ends inside a top-level field, inside a tag, a \
        varint, a length prefix or a body, nested messages included. A decoder must report each as \
        truncated. Prefixes that end between two top-level fields are valid shorter messages and are not listed.
        """

    /// The valid vectors whose prefixes are listed: one with a oneof bytes member, one with nested messages
    /// and strings, and a push message three levels deep.
    static var sources: [VectorDefinition] {
        let all = MessageVectors.definitions + PushVectors.definitions
        let names = ["enrollment-request-csr-der", "heartbeat-reply-offers-and-settings", "push-server-action"]
        return names.map { name in all.first { $0.name == name }! }
    }

    static func definitions() throws -> [InvalidDefinition] {
        try sources.flatMap { source in
            let bytes = source.bytes
            let boundaries = try topLevelFieldBoundaries(bytes)
            return (1..<bytes.count).compactMap { length -> InvalidDefinition? in
                guard let field = boundaries.first(where: { $0.range.lowerBound < length && length < $0.range.upperBound })
                else { return nil }
                return InvalidDefinition(
                    name: "truncated-\(source.name)-\(length)", messageType: type(of: source.message),
                    bytes: Array(bytes[..<length]), error: .truncated,
                    reason: "the input ends after \(length) of \(bytes.count) bytes, inside field \(field.number)")
            }
        }
    }

    /// The byte range of each top-level field, tag included, found by skipping each value by its wire type.
    static func topLevelFieldBoundaries(_ bytes: [UInt8]) throws -> [(number: Int, range: Range<Int>)] {
        var reader = SchemaWireReader(bytes: bytes[...])
        var fields: [(number: Int, range: Range<Int>)] = []
        var start = 0
        while !reader.isAtEnd {
            let tag = try reader.readVarint()
            try reader.skip(wireType: UInt8(tag & 7))
            let end = bytes.count - reader.remainingCount
            fields.append((Int(tag >> 3), start..<end))
            start = end
        }
        return fields
    }
}
