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
        // Upload chunks are the largest messages; a 1 MiB chunk plus its metadata fits with room to spare.
        maxMessageSize: 4 * 1024 * 1024,
        // The schema nests a few levels deep; 32 leaves room for growth and bounds the decoder's recursion.
        maxNestingDepth: 32,
        // Log and event batches carry thousands of entries at most; 100 000 bounds memory per field.
        maxRepeatedCount: 100_000,
        // Paths, command lines and log lines are far shorter; 1 MiB stops one field from taking the message.
        maxStringLength: 1024 * 1024,
        // One upload chunk carries at most 1 MiB of file content.
        maxBytesLength: 1024 * 1024
    )
}
