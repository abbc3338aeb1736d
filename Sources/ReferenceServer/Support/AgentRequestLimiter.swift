import Synchronization

/// A token bucket per client certificate, so one agent that sends too fast gets 429 RATE_LIMITED
/// with a Retry-After instead of slowing every other agent down.
///
/// Requests without a client certificate (enrollments) are not counted here. Each bucket holds up to
/// `burst` tokens, gains `perSecond` tokens a second and loses one per request.
final class AgentRequestLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let perSecond: Double
    private let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Buckets kept before full ones are dropped. A full bucket is the same as a missing one, so
    /// dropping it changes no decision and keeps memory bounded by the agents sending right now.
    private static let pruneThreshold = 10_000

    init(perSecond: Int, burst: Int) {
        self.perSecond = Double(max(1, perSecond))
        self.burst = Double(max(1, burst))
    }

    /// Takes one token for `key`. Returns nil when the request may go ahead, or the time until the
    /// bucket contains a token again.
    func admit(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            if buckets.count >= Self.pruneThreshold { prune(&buckets, now: now) }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + seconds(now - bucket.updated) * perSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else {
                return .milliseconds(Int64(((1 - bucket.tokens) / perSecond * 1_000).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }

    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { _, bucket in bucket.tokens + seconds(now - bucket.updated) * perSecond < burst }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
