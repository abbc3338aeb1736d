import Foundation

/// Calls per second of one operation, measured as the best of several timed rounds.
struct Throughput {
    /// Messages handled per second.
    var messagesPerSecond: Double

    /// Megabytes (10^6 bytes) of encoded message handled per second, for a message of `messageSize` bytes.
    func megabytesPerSecond(messageSize: Int) -> Double {
        messagesPerSecond * Double(messageSize) / 1_000_000
    }

    /// Runs `operation` in batches for `rounds` rounds of at least `roundSeconds` each and keeps the best
    /// round. Taking the best round filters out time lost to other processes on a shared machine.
    static func measure(roundSeconds: Double, rounds: Int, _ operation: () -> Void) -> Throughput {
        var best = 0.0
        for _ in 0..<rounds {
            var count = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            repeat {
                for _ in 0..<64 { operation() }
                count += 64
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < roundSeconds
            best = max(best, Double(count) / elapsed)
        }
        return Throughput(messagesPerSecond: best)
    }
}

/// Keeps the optimizer from removing work whose result is otherwise unused.
@inline(never)
func consume<Value>(_ value: Value) {
    withExtendedLifetime(value) {}
}
