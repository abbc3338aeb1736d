/// Waits for a condition that a peer makes true over time, checking it every `interval`.
///
/// Returns the first non-nil value `probe` returns, or nil when `timeout` passes first. Cases use it
/// with a deadline that is the requirement's time limit plus its declared tolerance.
public func waitFor<Value: Sendable>(
    timeout: Duration, interval: Duration = .milliseconds(50), _ probe: @Sendable () async throws -> Value?
) async throws -> Value? {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await probe() { return value }
        if ContinuousClock.now >= deadline { return nil }
        try await Task.sleep(for: interval)
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    public var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}
