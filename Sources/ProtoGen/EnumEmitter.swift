/// Writes one `.proto` enum as an open Swift enum with `case unrecognized(Int32)` for values this build
/// does not know.
struct EnumEmitter {
    let declaration: EnumDeclaration

    /// `"public "`, or empty for internal declarations.
    let access: String

    private var cases: [(name: String, number: Int64, documentation: [String])] {
        declaration.values.map { value in
            let name = SwiftNames.enumCaseName(enumName: declaration.name, valueName: value.name)
            return (SwiftNames.identifier(name), value.number, value.documentation)
        }
    }

    func emit(into code: inout CodeWriter) {
        code.documentation(declaration.documentation)
        code.block("\(access)enum \(declaration.name): Hashable, Sendable") { code in
            for item in cases {
                code.documentation(item.documentation)
                code.line("case \(item.name)")
            }
            code.line("/// A value this build does not know, kept so that it survives a decode and re-encode.")
            code.line("case unrecognized(Int32)")
            code.line()

            code.line("/// Every value the `.proto` file declares, in declaration order.")
            code.line("\(access)static let knownCases: [Self] = [")
            for item in cases { code.line("    .\(item.name),") }
            code.line("]")
            code.line()

            code.block("\(access)init(rawValue: Int32)") { code in
                code.switchBlock("rawValue") { code in
                    for item in cases { code.line("case \(item.number): self = .\(item.name)") }
                    code.line("default: self = .unrecognized(rawValue)")
                }
            }
            code.line()

            code.block("\(access)var rawValue: Int32") { code in
                code.switchBlock("self") { code in
                    for item in cases { code.line("case .\(item.name): \(item.number)") }
                    code.line("case .unrecognized(let value): value")
                }
            }
        }
    }

    /// Writes the conformance to the runtime's enum protocol at file scope.
    func emitConformance(into code: inout CodeWriter) {
        code.line()
        code.line("extension \(declaration.fullName): WireEnum {}")
    }
}
