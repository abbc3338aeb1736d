extension BrokenVariantCatalog {
    /// Server variants of the push channel's WebSocket framing.
    static let serverTransport: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "treats-text-as-binary", role: .server, breaks: ["EACP-PUSH-003"],
            caughtBy: ["server.push.closes-on-text-message"],
            "takes a text message on the push channel as a binary one instead of closing with 1003"),
        BrokenVariantEntry(
            "sends-empty-pongs", role: .server, breaks: ["EACP-PUSH-007"], caughtBy: ["server.push.answers-ping"],
            "answers a ping on the push channel with a pong that carries no data"),
    ]
}
