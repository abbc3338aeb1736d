/// A content version whose shape has been checked: a revision and a SHA-256 digest of exactly
/// 32 bytes.
///
/// The wire form is the `ContentVersion` message, whose `sha256` field may hold any number of
/// bytes. Revisions only grow on the server, and the digest distinguishes two packages with the
/// same revision.
public struct ValidatedContentVersion: Hashable, Sendable, CustomStringConvertible {
    public static let digestByteCount = 32

    public let revision: UInt64
    /// SHA-256 of the content package, 32 bytes.
    public let sha256: [UInt8]

    /// Creates a content version, rejecting a digest that is not 32 bytes long.
    public init(revision: UInt64, sha256: [UInt8]) throws(ContentVersionError) {
        guard sha256.count == Self.digestByteCount else {
            throw ContentVersionError(revision: revision, digestByteCount: sha256.count)
        }
        self.revision = revision
        self.sha256 = sha256
    }

    /// The revision and the digest in lowercase hex, such as `42/sha256:9f86…`.
    public var description: String {
        let hex = sha256.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }
        return "\(revision)/sha256:\(hex.joined())"
    }
}

/// The error thrown when a content version's SHA-256 digest is not 32 bytes long.
public struct ContentVersionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The revision the digest came with.
    public let revision: UInt64
    /// The length of the rejected digest in bytes.
    public let digestByteCount: Int

    public init(revision: UInt64, digestByteCount: Int) {
        self.revision = revision
        self.digestByteCount = digestByteCount
    }

    public var description: String {
        "invalid content version \(revision): the SHA-256 digest has \(digestByteCount) bytes, "
            + "expected \(ValidatedContentVersion.digestByteCount)"
    }
}

/// Whether the server offers its content to an agent.
///
/// | server against agent | downgrade flag | decision |
/// | --- | --- | --- |
/// | agent has no content | any | `offer` |
/// | higher revision | any | `offer` |
/// | same revision, other digest | any | `offer` |
/// | same revision, same digest | any | `upToDate` |
/// | lower revision | set | `offerDowngrade` |
/// | lower revision | not set | `withheld` |
public enum ContentOfferDecision: Hashable, Sendable {
    /// The server's content is newer, or differs at the same revision.
    case offer
    /// The server's revision is lower and an administrator allowed going back. The offer carries
    /// the downgrade flag so that the agent installs it.
    case offerDowngrade
    /// The agent already runs the server's content.
    case upToDate
    /// The server's revision is lower and no administrator allowed going back.
    case withheld

    /// Applies the offer rule to the server's current content and the content the agent reports.
    ///
    /// - Parameters:
    ///   - server: the content the server would offer.
    ///   - agent: the content the agent runs, or nil when it has none.
    ///   - downgradeAllowed: whether an administrator allowed offering a lower revision.
    public init(server: ValidatedContentVersion, agent: ValidatedContentVersion?, downgradeAllowed: Bool) {
        guard let agent else {
            self = .offer
            return
        }
        if server.revision > agent.revision {
            self = .offer
        } else if server.revision == agent.revision {
            self = server.sha256 == agent.sha256 ? .upToDate : .offer
        } else {
            self = downgradeAllowed ? .offerDowngrade : .withheld
        }
    }
}
