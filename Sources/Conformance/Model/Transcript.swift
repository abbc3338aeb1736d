import Foundation
import Synchronization

/// What crossed the wire during one case, decoded, in the order it happened. A failed case prints it
/// so that the reader sees the exchange that broke a rule without a packet capture.
public final class Transcript: Sendable {
    /// One request, response, push message, TLS record or runner step.
    public struct Entry: Hashable, Sendable, Codable {
        /// Milliseconds since the case started.
        public var offsetMs: Int64
        /// `agent->server`, `server->agent` or `runner` for a step of the runner itself.
        public var direction: String
        /// A one-line heading such as `POST /eacp/v1/heartbeat` or `TLS alert fatal protocol_version(70)`.
        public var summary: String
        /// The decoded message, when there was one.
        public var detail: String

        enum CodingKeys: String, CodingKey {
            case offsetMs = "offset_ms"
            case direction, summary, detail
        }
    }

    /// A transcript keeps at most this many entries, so that a chatty peer cannot grow a report without bound.
    public static let maximumEntries = 400

    private let start = ContinuousClock.now
    private let storage = Mutex<(entries: [Entry], dropped: Int)>(([], 0))

    public init() {}

    public func record(_ direction: String, _ summary: String, _ detail: String = "") {
        let offset = (ContinuousClock.now - start).milliseconds
        storage.withLock { state in
            guard state.entries.count < Self.maximumEntries else {
                state.dropped += 1
                return
            }
            state.entries.append(Entry(offsetMs: offset, direction: direction, summary: summary, detail: detail))
        }
    }

    /// Records a runner step, such as starting the agent or changing what the harness server answers.
    public func note(_ summary: String) { record("runner", summary) }

    public var entries: [Entry] { storage.withLock { $0.entries } }
    public var droppedCount: Int { storage.withLock { $0.dropped } }
}
