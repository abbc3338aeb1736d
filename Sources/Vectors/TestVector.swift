import EACPProtocol

/// One test vector: an encoding of one message, and whether a decoder must accept it.
///
/// A valid vector lists the message's fields in the proto3 JSON mapping; an invalid one names the class
/// of error a decoder must report and why. The file format is described in `spec/vectors/README.md`.
public struct TestVector: Sendable, Equatable {
    /// A short unique name in kebab-case, such as `heartbeat-full`.
    public var name: String

    /// The message's full `.proto` name, such as `eacp.v1.Heartbeat`.
    public var message: String

    /// The bytes a decoder is given.
    public var bytes: [UInt8]

    /// The limits the decoder applies: ``DecodingLimits/default`` with the vector's overrides.
    public var limits: DecodingLimits

    public var expectation: Expectation

    public enum Expectation: Sendable, Equatable {
        /// The bytes decode to `fields`.
        ///
        /// `canonicalBytes` is what re-encoding the decoded message gives when that differs from the input
        /// (fields out of order, a repeated number not packed). `hasUnknownFields` means the input carries
        /// fields the schema does not declare: they are not in `fields`, and a re-encoding keeps them.
        case valid(fields: JSONValue, canonicalBytes: [UInt8]?, hasUnknownFields: Bool)

        /// Decoding fails with an error of class `error`.
        case invalid(error: ExpectedError, reason: String)
    }

    public init(name: String, message: String, bytes: [UInt8], limits: DecodingLimits = .default,
                expectation: Expectation) {
        self.name = name
        self.message = message
        self.bytes = bytes
        self.limits = limits
        self.expectation = expectation
    }

    public var isValid: Bool {
        if case .valid = expectation { return true }
        return false
    }

    /// What a re-encoding of the decoded message must produce; nil for an invalid vector.
    public var expectedReencoding: [UInt8]? {
        guard case .valid(_, let canonicalBytes, _) = expectation else { return nil }
        return canonicalBytes ?? bytes
    }
}

/// The class of decoding error an invalid vector expects, as spelled in the vector files.
public enum ExpectedError: String, Sendable, CaseIterable {
    /// The input ends inside the message; more bytes could make it valid.
    case truncated
    /// The bytes can never be a valid encoding, whatever follows.
    case malformed
    /// The input exceeds a decoding limit.
    case limit

    /// Whether `kind` is the codec's error for this class.
    public func matches(_ kind: WireDecodingError.Kind) -> Bool {
        switch self {
        case .truncated: kind == .truncated
        case .malformed: kind == .malformed
        case .limit: kind == .limitExceeded
        }
    }
}

/// A named file of vectors, such as `messages` for `spec/vectors/messages.json`.
public struct VectorGroup: Sendable, Equatable {
    /// File name without `.json`.
    public var name: String

    /// What the vectors in the group have in common, for a person reading the file.
    public var description: String

    public var vectors: [TestVector]

    public init(name: String, description: String, vectors: [TestVector]) {
        self.name = name
        self.description = description
        self.vectors = vectors
    }
}
