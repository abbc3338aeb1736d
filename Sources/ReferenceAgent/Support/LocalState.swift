import Foundation
import Synchronization

/// Agent state that the store has no table for: server-set settings, the status report sequence
/// number, the proxy setting with a pending change, and isolation. It lives in one JSON file in the
/// state folder, rewritten atomically on every change.
public struct LocalState: Codable, Hashable, Sendable {
    public struct Settings: Codable, Hashable, Sendable {
        public var heartbeatIntervalMs: Int64 = 300_000
        public var statusReportIntervalMs: Int64 = 3_600_000
        public var pushPingIntervalMs: Int64 = 30_000
        public var pushMissedPongLimit: Int64 = 3
        public var logCollectionEnabled = true
        /// `AgentLogLevel` raw value; INFO until the server sets another.
        public var logLevel: Int32 = 3
    }

    /// A proxy, or direct connections when `host` is empty.
    public struct ProxySetting: Codable, Hashable, Sendable {
        public var host = ""
        public var port: UInt16 = 0
        public var isDirect: Bool { host.isEmpty }
    }

    /// A proxy change applied and waiting for a heartbeat through it.
    public struct PendingProxyChange: Codable, Hashable, Sendable {
        public var actionID: String
        public var previous: ProxySetting
        public var deadlineUnixMs: Int64
        /// The action that set `previous`, restored with it. Nil in state files written before it was kept.
        public var previousActionID: String?
    }

    public struct Isolation: Codable, Hashable, Sendable {
        public var isolated = false
        public var actionID = ""
        public var sinceUnixMs: Int64 = 0
        public var allowedHosts: [String] = []
    }

    public var settings = Settings()
    public var statusReportSequence: Int64 = 0
    public var proxy = ProxySetting()
    /// The action that set `proxy`, empty when none did.
    public var proxyActionID = ""
    public var pendingProxyChange: PendingProxyChange?
    public var isolation = Isolation()

    public init() {}
}

/// The file that holds `LocalState`, and the copy in memory that every reader uses.
public final class LocalStateFile: Sendable {
    public let path: String
    private let state: Mutex<LocalState>

    /// Loads the file, or starts from defaults when it does not exist yet.
    public init(path: String) throws {
        self.path = path
        if let data = FileManager.default.contents(atPath: path) {
            state = Mutex(try JSONDecoder().decode(LocalState.self, from: data))
        } else {
            state = Mutex(LocalState())
        }
    }

    public var current: LocalState { state.withLock { $0 } }

    /// Changes the state and writes it durably before returning; returns what `body` returns.
    @discardableResult
    public func update<T>(_ body: (inout LocalState) throws -> T) throws -> T {
        try state.withLock { value in
            var copy = value
            let result = try body(&copy)
            if copy != value {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try AtomicFile.write(Array(try encoder.encode(copy)), to: path)
                value = copy
            }
            return result
        }
    }
}
