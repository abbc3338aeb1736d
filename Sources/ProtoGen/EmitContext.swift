/// What the emitter needs to know across files: the options and every enum by full name.
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

    /// The Swift name of a message or enum: nested Swift types mirror nested `.proto` declarations.
    func swiftTypeName(_ fullName: String) -> String {
        fullName
    }

    /// The Swift case of the enum's first value, which is its proto3 default.
    func firstCaseName(ofEnum fullName: String) -> String {
        guard let declaration = enumsByName[fullName], let first = declaration.values.first else {
            preconditionFailure("enum \(fullName) reached the emitter without values")
        }
        return SwiftNames.identifier(SwiftNames.enumCaseName(enumName: declaration.name, valueName: first.name))
    }
}
