import EACPProtocol

/// All test vectors, grouped by file, built from the Swift definitions in this folder.
///
/// `swift run eacp-vectors write` writes them to `spec/vectors/`; a test fails when the checked-in files
/// differ from what the definitions produce.
public enum VectorCatalog {
    /// Every valid vector given as a typed message, so tests can compare decoded values with it.
    public static var validDefinitions: [VectorDefinition] {
        MessageVectors.definitions + ActionVectors.definitions + PushVectors.definitions
            + EdgeValueVectors.definitions + UnknownFieldVectors.definitions + NonCanonicalVectors.definitions
    }

    /// The vector groups, in file-name order.
    public static func groups(schema: ProtoSchema) throws -> [VectorGroup] {
        let invalid = InvalidVectors.definitions.map { $0.vector(schema: schema) }
        let truncated = try TruncationVectors.definitions().map { $0.vector(schema: schema) }
        return [
            try validGroup("actions", ActionVectors.description, ActionVectors.definitions, schema),
            try validGroup("edge-values", EdgeValueVectors.description, EdgeValueVectors.definitions, schema),
            VectorGroup(name: "invalid", description: InvalidVectors.description, vectors: invalid),
            try validGroup("messages", MessageVectors.description, MessageVectors.definitions, schema),
            try validGroup("noncanonical", NonCanonicalVectors.description, NonCanonicalVectors.definitions, schema),
            try validGroup("push", PushVectors.description, PushVectors.definitions, schema),
            VectorGroup(name: "truncated", description: TruncationVectors.description, vectors: truncated),
            try validGroup("unknown-fields", UnknownFieldVectors.description, UnknownFieldVectors.definitions, schema),
        ]
    }

    private static func validGroup(
        _ name: String, _ description: String, _ definitions: [VectorDefinition], _ schema: ProtoSchema
    ) throws -> VectorGroup {
        VectorGroup(name: name, description: description, vectors: try definitions.map { try $0.vector(schema: schema) })
    }
}
