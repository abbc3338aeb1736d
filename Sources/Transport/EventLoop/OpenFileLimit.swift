import Glibc

/// The process's limit on open file descriptors (RLIMIT_NOFILE), which caps the number of connections.
public struct OpenFileLimit: Hashable, Sendable, CustomStringConvertible {
    /// The limit in force.
    public let current: UInt64
    /// The ceiling an unprivileged process may raise `current` to.
    public let maximum: UInt64
    /// The number the caller requested, if any.
    public let requested: UInt64?

    /// Whether `current` reaches `requested`.
    public var satisfiesRequest: Bool { requested.map { current >= $0 } ?? true }

    public var description: String {
        guard let requested, !satisfiesRequest else { return "open-file limit is \(current)" }
        return "open-file limit is \(current), below the \(requested) requested; raise the hard limit "
            + "(ulimit -Hn, or LimitNOFILE= in a systemd unit) to allow that many connections"
    }

    /// Raises the soft limit to the hard limit and returns the outcome. Read `satisfiesRequest` and
    /// `description` to report a shortfall: the call itself does not fail when the hard limit is lower.
    public static func raise(requested: UInt64? = nil) throws(SystemError) -> OpenFileLimit {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw SystemError.last("getrlimit") }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 else { throw SystemError.last("setrlimit") }
            limit = raised
        }
        return OpenFileLimit(current: UInt64(limit.rlim_cur), maximum: UInt64(limit.rlim_max), requested: requested)
    }
}
