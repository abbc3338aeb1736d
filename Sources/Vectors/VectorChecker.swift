import EACPProtocol

/// Checks the package's codec against test vectors.
///
/// A valid vector passes when the generated type decodes its bytes and re-encodes them to the expected bytes,
/// and when its fields agree with the bytes. The fields agree when the schema-driven decoder reads the bytes as
/// those fields and the message built from the fields equals the decoded one. An invalid vector passes when
/// decoding fails with the class of error it names.
public struct VectorChecker: Sendable {
    public let schema: ProtoSchema

    public init(schema: ProtoSchema) {
        self.schema = schema
    }

    /// Checks one vector and returns the problems found, or an empty array when it passes.
    public func problems(with vector: TestVector) -> [String] {
        let localName = schema.localName(vector.message)
        guard let messageType = MessageRegistry.messageTypes[localName] else {
            return ["no generated message type is named \(vector.message)"]
        }
        switch vector.expectation {
        case .valid(let fields, _, let hasUnknownFields):
            return validProblems(vector, messageType: messageType, fields: fields, hasUnknownFields: hasUnknownFields)
        case .invalid(let expected, _):
            return invalidProblems(vector, messageType: messageType, expected: expected).map { [$0] } ?? []
        }
    }

    /// Checks every vector of `groups` and returns one result per vector, in order.
    public func check(_ groups: [VectorGroup]) -> [VectorResult] {
        groups.flatMap { group in
            group.vectors.map { VectorResult(group: group.name, vector: $0.name, problems: problems(with: $0)) }
        }
    }

    private func validProblems(
        _ vector: TestVector, messageType: any WireMessage.Type, fields: JSONValue, hasUnknownFields: Bool
    ) -> [String] {
        let decoded: any WireMessage
        do {
            decoded = try messageType.init(wireBytes: vector.bytes, limits: vector.limits)
        } catch {
            return ["decoding failed: \(error)"]
        }

        var problems: [String] = []
        let expected = vector.expectedReencoding ?? vector.bytes
        let reencoded = decoded.wireBytes()
        if reencoded != expected {
            problems.append("re-encoding gave \(Hex.string(reencoded)), expected \(Hex.string(expected))")
        }
        do {
            let rendered = try ProtoJSON.json(fromWireBytes: vector.bytes, message: vector.message, schema: schema)
            if rendered != fields {
                problems.append("the bytes read as \(rendered.compactText), expected \(fields.compactText)")
            }
        } catch {
            problems.append("the schema-driven decoder rejected the bytes: \(error)")
        }
        if !hasUnknownFields {
            problems += fieldProblems(vector, messageType: messageType, fields: fields, decoded: decoded, expected: expected)
        }
        return problems
    }

    /// Encodes `fields` through the schema and compares the bytes, and the message decoded from them, with
    /// the vector.
    private func fieldProblems(
        _ vector: TestVector, messageType: any WireMessage.Type, fields: JSONValue, decoded: any WireMessage,
        expected: [UInt8]
    ) -> [String] {
        let encoded: [UInt8]
        do {
            encoded = try ProtoJSON.wireBytes(fromJSON: fields, message: vector.message, schema: schema)
        } catch {
            return ["the fields do not encode: \(error)"]
        }
        if encoded != expected {
            return ["the fields encode as \(Hex.string(encoded)), expected \(Hex.string(expected))"]
        }
        guard let built = try? messageType.init(wireBytes: encoded, limits: .default) else {
            return ["the message built from the fields does not decode"]
        }
        if !MessageEquality.equal(built, decoded) {
            return ["the message built from the fields differs from the decoded message"]
        }
        return []
    }

    private func invalidProblems(_ vector: TestVector, messageType: any WireMessage.Type, expected: ExpectedError) -> String? {
        do {
            let decoded = try messageType.init(wireBytes: vector.bytes, limits: vector.limits)
            return "decoding succeeded (\(Hex.string(decoded.wireBytes()))), expected a \(expected.rawValue) error"
        } catch let error as WireDecodingError {
            return expected.matches(error.kind) ? nil : "decoding failed with \(error), expected a \(expected.rawValue) error"
        } catch {
            return "decoding threw \(type(of: error)) \(error), expected WireDecodingError"
        }
    }
}

/// The outcome of checking one vector.
public struct VectorResult: Sendable, Equatable {
    public var group: String
    public var vector: String
    /// Descriptions of each check that failed; empty when the vector passed.
    public var problems: [String]

    public var passed: Bool { problems.isEmpty }
}

/// Equality of two generated messages known only as existentials.
public enum MessageEquality {
    /// Returns whether `lhs` and `rhs` are the same message type with equal fields, unknown fields included.
    public static func equal(_ lhs: any WireMessage, _ rhs: any WireMessage) -> Bool {
        guard let left = lhs as? AnyHashable, let right = rhs as? AnyHashable else { return false }
        return left == right
    }
}
