import EACPTransport

// Variants of the push channel's WebSocket framing.
extension BrokenVariant {
    /// Takes a text message on the push channel as a binary one instead of closing with 1003 (breaks
    /// EACP-PUSH-003).
    static let treatsTextAsBinary = BrokenVariant("treats-text-as-binary")
    /// Replies to a ping on the push channel with a pong that carries no data (breaks EACP-PUSH-007).
    static let sendsEmptyPongs = BrokenVariant("sends-empty-pongs")

    /// Applies the active push channel variant, if any, to the push channel's WebSocket configuration.
    static func applyPushFaults(to configuration: inout WebSocketConfiguration) {
        if isActive(.treatsTextAsBinary) { configuration.treatsTextAsBinaryForTesting = true }
        if isActive(.sendsEmptyPongs) { configuration.sendsEmptyPongsForTesting = true }
    }
}
