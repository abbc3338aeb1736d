extension BrokenVariantCatalog {
    /// Agent variants for the endpoint proxy, isolation, the live terminal and proxied connections.
    static let agentFeatures: [BrokenVariantEntry] = []
}
