extension BrokenVariant {
    /// Stores heartbeats whose features, push channel error, proxy host or upgrade detail break
    /// their limits instead of answering 400 BAD_REQUEST.
    static let acceptsLongHeartbeatFields = BrokenVariant("accepts-long-heartbeat-fields")
}
