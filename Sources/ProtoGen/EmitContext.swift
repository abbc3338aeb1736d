/// Options and enum declarations that the emitters share across files.
struct EmitContext {
    let options: GeneratorOptions
    private let enumsByName: [String: EnumDeclaration]

    init(file: ProtoFile, options: GeneratorOptions) {
        self.options = options
        var enums: [String: EnumDeclaration] = [:]
        func collect(_ messages: [MessageDeclaration]) {
            for message in messages {
                for declaration in message.enums { enums[declaration.fullName] = declaration }
                collect(message.messages)
            }
        }
        for declaration in file.enums { enums[declaration.fullName] = declaration }
        collect(file.messages)
        self.enumsByName = enums
    }

    /// `"public "`, or empty for internal declarations.
    var access: String { options.publicDeclarations ? "public " : "" }

    /// Returns the Swift name of a message or enum. Nested Swift types mirror nested `.proto` declarations, so
    /// the Swift name equals the full name.
    func swiftTypeName(_ fullName: String) -> String {
        fullName
    }

    /// Returns the Swift case of the enum's first value, which is its proto3 default.
    func firstCaseName(ofEnum fullName: String) -> String {
        guard let declaration = enumsByName[fullName], let first = declaration.values.first else {
            preconditionFailure("enum \(fullName) reached the emitter without values")
        }
        return SwiftNames.identifier(SwiftNames.enumCaseName(enumName: declaration.name, valueName: first.name))
    }
}
