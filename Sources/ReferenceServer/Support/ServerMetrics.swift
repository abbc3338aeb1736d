import Synchronization

/// A counter that only grows, safe to bump from any thread.
public final class MetricCounter: Sendable {
    private let value = Atomic<Int>(0)

    public func add(_ amount: Int) {
        value.add(amount, ordering: .relaxed)
    }

    public var current: Int { value.load(ordering: .relaxed) }
}

/// A histogram with fixed upper bounds, in the shape Prometheus expects: cumulative buckets, a sum
/// and a count.
public final class MetricHistogram: Sendable {
    public let upperBounds: [Double]
    private let state: Mutex<(buckets: [Int], sum: Double, count: Int)>

    public init(upperBounds: [Double]) {
        self.upperBounds = upperBounds
        self.state = Mutex((buckets: Array(repeating: 0, count: upperBounds.count), sum: 0, count: 0))
    }

    public func observe(_ value: Double) {
        state.withLock { state in
            for (index, bound) in upperBounds.enumerated() where value <= bound {
                state.buckets[index] += 1
            }
            state.sum += value
            state.count += 1
        }
    }

    public var snapshot: (buckets: [Int], sum: Double, count: Int) { state.withLock { $0 } }
}

/// The server's counters for /metrics.
public final class ServerMetrics: Sendable {
    public let heartbeats = MetricCounter()
    public let pushDeliveries = MetricCounter()
    public let heartbeatDeliveries = MetricCounter()
    public let storageErrors = MetricCounter()
    public let securityEvents = MetricCounter()
    /// Milliseconds from an action's creation to its ack. The bounds span a push on loopback (a few
    /// ms) to a fallback at the default five-minute heartbeat interval.
    public let deliveryLatencyMs = MetricHistogram(upperBounds: [5, 10, 25, 50, 100, 250, 500, 1_000, 5_000, 30_000, 300_000, 900_000])

    public init() {}

    /// Renders the Prometheus text exposition format (version 0.0.4).
    /// `actionCounts` is nil when the store could not count them; the actions gauge is then left out.
    func render(connectedAgents: Int, actionCounts: ActionCounts?) -> String {
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name)\(sample.labels) \(sample.value)") }
        }
        metric("eacp_connected_agents", "gauge", "Agents with an open push channel on this server.",
               [("", "\(connectedAgents)")])
        metric("eacp_heartbeats_total", "counter", "Heartbeats answered.", [("", "\(heartbeats.current)")])
        metric("eacp_security_events_total", "counter", "New security events stored.", [("", "\(securityEvents.current)")])
        if let counts = actionCounts {
            let stages = [
                ("queued", counts.queued), ("pushed", counts.pushed), ("delivered", counts.delivered),
                ("acknowledged", counts.acknowledged), ("finished", counts.finished),
            ]
            metric("eacp_actions", "gauge", "Actions by delivery state.", stages.map { ("{state=\"\($0.0)\"}", "\($0.1)") })
        }
        metric("eacp_action_deliveries_total", "counter", "Actions acknowledged by the agent, by the path that delivered them.",
               [("{path=\"push\"}", "\(pushDeliveries.current)"), ("{path=\"heartbeat\"}", "\(heartbeatDeliveries.current)")])
        metric("eacp_storage_errors_total", "counter", "Store calls that failed.", [("", "\(storageErrors.current)")])

        let latency = deliveryLatencyMs.snapshot
        lines.append("# HELP eacp_action_delivery_latency_ms Milliseconds from an action's creation to its ack.")
        lines.append("# TYPE eacp_action_delivery_latency_ms histogram")
        for (index, bound) in deliveryLatencyMs.upperBounds.enumerated() {
            lines.append("eacp_action_delivery_latency_ms_bucket{le=\"\(Int(bound))\"} \(latency.buckets[index])")
        }
        lines.append("eacp_action_delivery_latency_ms_bucket{le=\"+Inf\"} \(latency.count)")
        lines.append("eacp_action_delivery_latency_ms_sum \(latency.sum)")
        lines.append("eacp_action_delivery_latency_ms_count \(latency.count)")
        return lines.joined(separator: "\n") + "\n"
    }
}
