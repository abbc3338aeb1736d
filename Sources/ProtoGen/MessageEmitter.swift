/// Writes one `.proto` message as a Swift struct, its nested types inside it, and its conformance to the
/// runtime's field coding protocol at file scope.
struct MessageEmitter {
    let message: MessageDeclaration
    let context: EmitContext

    private var fields: [FieldCode] { message.fields.map { FieldCode(field: $0, context: context) } }

    /// Writes the struct declaration with its nested types.
    func emitDeclaration(into code: inout CodeWriter) {
        code.documentation(message.documentation)
        code.block("\(context.access)struct \(message.name): WireMessage, Hashable, Sendable") { code in
            code.line("\(context.access)static let protoName = \"\(message.fullName)\"")
            emitProperties(into: &code)
            code.line()
            code.line("\(context.access)init() {}")
            code.line()
            code.block("\(context.access)init(wireBytes: [UInt8], limits: DecodingLimits) throws") { code in
                code.line("self = try Self.decode(wireBytes: wireBytes, limits: limits)")
            }
            code.line()
            code.block("\(context.access)func wireBytes() -> [UInt8]") { code in
                code.line("encodedBytes()")
            }
            for index in message.oneofs.indices { emitOneofEnum(index, into: &code) }
            for nested in message.enums {
                code.line()
                EnumEmitter(declaration: nested, access: context.access).emit(into: &code)
            }
            for nested in message.messages {
                code.line()
                MessageEmitter(message: nested, context: context).emitDeclaration(into: &code)
            }
        }
    }

    /// Writes the conformances of this message and its nested types at file scope.
    func emitConformances(into code: inout CodeWriter) {
        code.line()
        code.block("extension \(context.swiftTypeName(message.fullName)): WireFieldCoding") { code in
            emitDecodeField(into: &code)
            code.line()
            emitEncodeFields(into: &code)
            code.line()
            emitEncodedFieldsSize(into: &code)
        }
        for nested in message.enums { EnumEmitter(declaration: nested, access: context.access).emitConformance(into: &code) }
        for nested in message.messages {
            MessageEmitter(message: nested, context: context).emitConformances(into: &code)
        }
    }

    // MARK: - Declaration

    /// Fields in declaration order; a oneof appears once, where its first member is declared.
    private func emitProperties(into code: inout CodeWriter) {
        var emittedOneofs: Set<Int> = []
        for field in fields {
            guard let oneofIndex = field.field.oneofIndex else {
                code.line()
                code.documentation(field.field.documentation)
                code.line(field.declaration)
                continue
            }
            if emittedOneofs.insert(oneofIndex).inserted {
                code.line()
                let oneof = message.oneofs[oneofIndex]
                code.documentation(oneof.documentation)
                let name = SwiftNames.identifier(SwiftNames.lowerCamelCase(oneof.name))
                code.line("\(context.access)var \(name): \(oneofTypeName(oneofIndex))?")
            }
        }
        code.line()
        code.line("/// Fields this build does not know, in wire form. They are written back after the known fields.")
        code.line("\(context.access)var unknownFields: [UInt8] = []")
    }

    private func emitOneofEnum(_ index: Int, into code: inout CodeWriter) {
        let members = fields.filter { $0.field.oneofIndex == index }
        let indirect = members.contains(where: \.isMessage) ? "indirect " : ""
        code.line()
        code.documentation(message.oneofs[index].documentation)
        code.block("\(context.access)\(indirect)enum \(oneofTypeName(index)): Hashable, Sendable") { code in
            for member in members {
                code.documentation(member.field.documentation)
                code.line("case \(member.caseName)(\(member.elementType))")
            }
        }
    }

    /// Returns the oneof property as generated code refers to it, through `self` so that no parameter can
    /// shadow it.
    private func oneofPropertyName(_ index: Int) -> String {
        "self." + SwiftNames.identifier(SwiftNames.lowerCamelCase(message.oneofs[index].name))
    }

    private func oneofTypeName(_ index: Int) -> String {
        SwiftNames.upperCamelCase(message.oneofs[index].name)
    }

    // MARK: - Coding

    private func emitDecodeField(into code: inout CodeWriter) {
        code.block("mutating func decodeField(_ field: WireField, from reader: inout WireReader) throws") { code in
            guard !fields.isEmpty else {
                code.line("try reader.skipUnknownField(field, into: &self.unknownFields)")
                return
            }
            code.switchBlock("field.number") { code in
                for field in fields.sorted(by: { $0.field.number < $1.field.number }) {
                    let statements = field.field.oneofIndex.map {
                        field.oneofDecodeStatements(oneofName: oneofPropertyName($0))
                    } ?? field.decodeStatements
                    if statements.count == 1 {
                        code.line("case \(field.field.number): \(statements[0])")
                    } else {
                        code.line("case \(field.field.number):")
                        for statement in statements { code.line("    \(statement)") }
                    }
                }
                code.line("default: try reader.skipUnknownField(field, into: &self.unknownFields)")
            }
        }
    }

    /// Writes every field in field-number order, so a oneof member goes where its number puts it.
    private func emitEncodeFields(into code: inout CodeWriter) {
        code.block("func encodeFields(to writer: inout WireWriter)") { code in
            emitFieldStatements(into: &code) { field, value, inOneof in
                field.encodeStatement(value: value, inOneof: inOneof)
            }
        }
    }

    /// Adds up the sizes of the fields in the same order and under the same conditions as `encodeFields`.
    private func emitEncodedFieldsSize(into code: inout CodeWriter) {
        code.block("func encodedFieldsSize() -> Int") { code in
            guard !fields.isEmpty else {
                code.line("0")
                return
            }
            code.line("var size = 0")
            emitFieldStatements(into: &code) { field, value, inOneof in
                field.sizeStatement(value: value, inOneof: inOneof)
            }
            code.line("return size")
        }
    }

    /// Writes `statement` for each field in field-number order, a oneof member inside an `if case` that binds
    /// its value.
    private func emitFieldStatements(
        into code: inout CodeWriter, _ statement: (FieldCode, _ value: String, _ inOneof: Bool) -> String
    ) {
        for field in fields.sorted(by: { $0.field.number < $1.field.number }) {
            guard let oneofIndex = field.field.oneofIndex else {
                code.line(statement(field, "self.\(field.propertyName)", false))
                continue
            }
            let pattern = "if case .\(field.caseName)(let value)? = \(oneofPropertyName(oneofIndex))"
            code.block(pattern) { code in
                code.line(statement(field, "value", true))
            }
        }
    }
}
