/// Inputs that once made the decoder crash or hang, found by the fuzz target, each kept as an invalid vector.
enum FuzzRegressionVectors {
    static let definitions: [InvalidDefinition] = []
}
