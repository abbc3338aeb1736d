extension BrokenVariant {
    /// Stores heartbeats whose features, push channel error, proxy host or upgrade detail break
    /// their limits instead of rejecting them with 400 BAD_REQUEST.
    static let acceptsLongHeartbeatFields = BrokenVariant("accepts-long-heartbeat-fields")
}
