/// Bounds that a decoder enforces on untrusted input, all in one value.
///
/// Each limit is checked before the decoder reads or allocates what it guards: a length prefix is compared
/// with the limit before the body is read, and a repeated field is checked before each element is appended.
/// Exceeding any limit throws a ``WireDecodingError`` of kind ``WireDecodingError/Kind/limitExceeded``.
public struct DecodingLimits: Hashable, Sendable {
    /// Maximum size in bytes of the whole encoded message, nested messages included.
    public var maxMessageSize: Int

    /// Maximum number of messages nested inside the outermost one; the outermost message is at depth 0.
    public var maxNestingDepth: Int

    /// Maximum number of elements in one repeated field of one message, packed or not.
    public var maxRepeatedCount: Int

    /// Maximum length in bytes of one `string` field.
    public var maxStringLength: Int

    /// Maximum length in bytes of one `bytes` field.
    public var maxBytesLength: Int

    public init(
        maxMessageSize: Int,
        maxNestingDepth: Int,
        maxRepeatedCount: Int,
        maxStringLength: Int,
        maxBytesLength: Int
    ) {
        self.maxMessageSize = maxMessageSize
        self.maxNestingDepth = maxNestingDepth
        self.maxRepeatedCount = maxRepeatedCount
        self.maxStringLength = maxStringLength
        self.maxBytesLength = maxBytesLength
    }

    /// Limits for messages that EACP peers exchange.
    public static let `default` = DecodingLimits(
        // Equal to the 4 MiB body limit of an EACP request, the largest message the protocol sends.
        maxMessageSize: 4 * 1024 * 1024,
        // The schema nests a few levels deep; 32 leaves room for growth and bounds the decoder's recursion.
        maxNestingDepth: 32,
        // Batches in the schema hold at most a few thousand entries; 100 000 bounds memory per field.
        maxRepeatedCount: 100_000,
        // The maximum string lengths the schema sets (16 KiB of PEM text, 4 KiB paths) are far below 1 MiB.
        maxStringLength: 1024 * 1024,
        // An upload chunk carries up to 4 190 208 bytes, 4 MiB less 4 KiB for the rest of the message.
        maxBytesLength: 4_190_208
    )
}
