/// Wait times between retries. Every function takes its random numbers from the caller, so tests
/// can give fixed values.
public enum Backoff {
    /// Heartbeat retry after `failures` failed exchanges in a row (1 for the first): 5 s doubling up
    /// to the interval, times a factor from 0.8 to 1.2, never below a server's Retry-After.
    public static func heartbeatRetry(failures: Int, intervalMs: Int64, retryAfterMs: Int64?, factor: Double) -> Int64 {
        let base = min(intervalMs, 5_000 * (Int64(1) << Int64(min(max(failures, 1) - 1, 20))))
        return max(Int64(Double(base) * factor), retryAfterMs ?? 0)
    }

    /// Request retry for events, status reports and logs: 1 s doubling up to 300 s, times a factor
    /// from 0.8 to 1.2, never below a server's Retry-After.
    public static func requestRetry(failures: Int, retryAfterMs: Int64?, factor: Double) -> Int64 {
        let base = min(300_000, 1_000 * (Int64(1) << Int64(min(max(failures, 1) - 1, 20))))
        return max(Int64(Double(base) * factor), retryAfterMs ?? 0)
    }

    /// Push channel reconnect after `failures` failed attempts: a bound of 1 s doubling up to 300 s,
    /// and a wait between half the bound and the whole bound, with `fraction` in 0...1.
    public static func pushReconnect(failures: Int, fraction: Double) -> Int64 {
        let bound = min(300_000, 1_000 * (Int64(1) << Int64(min(max(failures, 1) - 1, 20))))
        return bound / 2 + Int64(Double(bound / 2) * fraction)
    }

    /// A random factor between 0.8 and 1.2.
    static func randomFactor() -> Double { Double.random(in: 0.8...1.2) }
}
