extension BrokenVariantCatalog {
    /// Agent variants for the start-up contract, enrollment, heartbeats, content, upgrades and TLS.
    static let agentContract: [BrokenVariantEntry] = []
}
