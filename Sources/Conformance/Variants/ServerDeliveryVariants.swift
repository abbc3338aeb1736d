extension BrokenVariantCatalog {
    /// Server variants for actions, the push channel, events, status, logs, uploads, errors, limits
    /// and the HTTP transport.
    static let serverDelivery: [BrokenVariantEntry] = [
        BrokenVariantEntry(
            "pushes-below-push-version", role: .server, breaks: ["EACP-VERSION-006", "EACP-VERSION-007"],
            caughtBy: ["server.actions.below-push-version-not-pushed"],
            "pushes actions to an agent whose version may receive them only in heartbeat replies"),
    ]
}
