/// A recursive-descent parser for the proto3 subset that EACP uses.
///
/// Supported: `syntax = "proto3"`, `package`, messages (nested too), enums, `oneof`, `repeated`, the scalar
/// types, message and enum field types, and `reserved` numbers, ranges and names. Everything else in
/// proto3 (imports, options, services, maps, `optional`, extensions, groups) is rejected with an error
/// that states it is not supported.
struct Parser {
    private let path: String
    private let tokens: [Token]
    private var position = 0

    /// Words that start a proto declaration this subset rejects, with the reason shown in the error.
    private static let unsupported: [String: String] = [
        "import": "imports are not supported",
        "option": "options are not supported",
        "service": "services are not supported",
        "extend": "extensions are not supported",
        "extensions": "extensions are not supported",
        "optional": "'optional' fields are not supported",
        "required": "'required' is proto2 and not supported",
        "group": "groups are not supported",
        "weak": "imports are not supported",
        "public": "imports are not supported",
    ]

    init(path: String, source: String) throws {
        var tokenizer = Tokenizer(file: path, source: source)
        self.path = path
        self.tokens = try tokenizer.tokenize()
    }

    mutating func parseFile() throws -> ProtoFile {
        try expectKeyword("syntax")
        try expectSymbol("=")
        let syntaxToken = current
        guard case .string("proto3") = syntaxToken.kind else {
            throw error(expected: "\"proto3\"", found: syntaxToken)
        }
        advance()
        try expectSymbol(";")

        var file = ProtoFile(path: path, package: "", messages: [], enums: [])
        if current.isIdentifier("package") {
            advance()
            file.package = try parseFullIdentifier(expected: "a package name")
            try expectSymbol(";")
        }

        while true {
            let token = current
            switch token.kind {
            case .endOfFile: return file
            case .symbol(";"): advance()
            case .identifier("message"): file.messages.append(try parseMessage(scope: ""))
            case .identifier("enum"): file.enums.append(try parseEnum(scope: ""))
            case .identifier("package"):
                throw error(expected: "'message' or 'enum'", found: token, note: "only one package statement is allowed")
            case .identifier(let word):
                throw error(expected: "'message' or 'enum'", found: token, note: Self.unsupported[word])
            default: throw error(expected: "'message' or 'enum'", found: token)
            }
        }
    }

    // MARK: - Messages

    private mutating func parseMessage(scope: String) throws -> MessageDeclaration {
        let keyword = current
        advance()
        let name = try expectIdentifier(expected: "a message name")
        let fullName = scope.isEmpty ? name : "\(scope).\(name)"
        try expectSymbol("{")

        var message = MessageDeclaration(
            name: name, fullName: fullName, fields: [], oneofs: [], messages: [], enums: [],
            reserved: ReservedDeclarations(), documentation: keyword.leadingComment + previous.trailingComment,
            location: keyword.location)

        while true {
            let token = current
            switch token.kind {
            case .symbol("}"):
                advance()
                return message
            case .symbol(";"): advance()
            case .identifier("message"): message.messages.append(try parseMessage(scope: fullName))
            case .identifier("enum"): message.enums.append(try parseEnum(scope: fullName))
            case .identifier("reserved"): try parseReserved(into: &message.reserved, maximum: 536_870_911)
            case .identifier("oneof"): try parseOneof(into: &message)
            case .identifier("repeated"):
                advance()
                message.fields.append(try parseField(isRepeated: true, oneofIndex: nil, documentation: token.leadingComment))
            case .endOfFile: throw error(expected: "'}' to close message \(name)", found: token)
            default: message.fields.append(try parseField(isRepeated: false, oneofIndex: nil))
            }
        }
    }

    private mutating func parseOneof(into message: inout MessageDeclaration) throws {
        let keyword = current
        advance()
        let name = try expectIdentifier(expected: "a oneof name")
        try expectSymbol("{")
        message.oneofs.append(OneofDeclaration(
            name: name, documentation: keyword.leadingComment + previous.trailingComment, location: keyword.location))

        while !current.isSymbol("}") {
            if current.isSymbol(";") {
                advance()
                continue
            }
            if current.isIdentifier("repeated") {
                throw error(expected: "a field type", found: current, note: "oneof members cannot be repeated")
            }
            if case .endOfFile = current.kind { throw error(expected: "'}' to close oneof \(name)", found: current) }
            message.fields.append(try parseField(isRepeated: false, oneofIndex: message.oneofs.count - 1))
        }
        advance()
    }

    /// Parses `type name = number;` starting at the type.
    private mutating func parseField(
        isRepeated: Bool, oneofIndex: Int?, documentation: [String]? = nil
    ) throws -> FieldDeclaration {
        let start = current
        if case .identifier(let word) = start.kind {
            if let reason = Self.unsupported[word] { throw error(expected: "a field", found: start, note: reason) }
            if word == "map" && peek.isSymbol("<") {
                throw error(expected: "a field", found: start, note: "map fields are not supported")
            }
        }

        let typeName = try parseTypeName()
        let type: FieldType = ScalarType(rawValue: typeName).map { .scalar($0) } ?? .named(typeName)
        let name = try expectIdentifier(expected: "a field name")
        try expectSymbol("=")
        let number = try expectInteger(expected: "a field number")
        if current.isSymbol("[") {
            throw error(expected: "';'", found: current, note: "field options are not supported")
        }
        try expectSymbol(";")

        return FieldDeclaration(
            name: name, number: Int(clamping: number), type: type, isRepeated: isRepeated, oneofIndex: oneofIndex,
            documentation: (documentation ?? start.leadingComment) + previous.trailingComment, location: start.location)
    }

    private mutating func parseTypeName() throws -> String {
        if current.isSymbol(".") {
            advance()
            return "." + (try parseFullIdentifier(expected: "a type name"))
        }
        return try parseFullIdentifier(expected: "a field type")
    }

    // MARK: - Enums

    private mutating func parseEnum(scope: String) throws -> EnumDeclaration {
        let keyword = current
        advance()
        let name = try expectIdentifier(expected: "an enum name")
        try expectSymbol("{")
        var declaration = EnumDeclaration(
            name: name, fullName: scope.isEmpty ? name : "\(scope).\(name)", values: [],
            reserved: ReservedDeclarations(), documentation: keyword.leadingComment + previous.trailingComment,
            location: keyword.location)

        while true {
            let token = current
            switch token.kind {
            case .symbol("}"):
                advance()
                return declaration
            case .symbol(";"): advance()
            case .identifier("reserved"): try parseReserved(into: &declaration.reserved, maximum: Int64(Int32.max))
            case .identifier("option"):
                throw error(expected: "an enum value", found: token, note: "options are not supported")
            case .identifier: declaration.values.append(try parseEnumValue())
            default: throw error(expected: "an enum value or '}'", found: token)
            }
        }
    }

    private mutating func parseEnumValue() throws -> EnumValueDeclaration {
        let start = current
        let name = try expectIdentifier(expected: "an enum value name")
        try expectSymbol("=")
        let isNegative = current.isSymbol("-")
        if isNegative { advance() }
        let magnitude = Int64(clamping: try expectInteger(expected: "an enum value number"))
        if current.isSymbol("[") {
            throw error(expected: "';'", found: current, note: "enum value options are not supported")
        }
        try expectSymbol(";")
        return EnumValueDeclaration(
            name: name, number: isNegative ? -magnitude : magnitude,
            documentation: start.leadingComment + previous.trailingComment, location: start.location)
    }

    // MARK: - Reserved

    /// Parses `reserved 1, 4 to 6, 9 to max;` or `reserved "a", "b";`.
    private mutating func parseReserved(into reserved: inout ReservedDeclarations, maximum: Int64) throws {
        reserved.locations.append(current.location)
        advance()
        if case .string = current.kind {
            repeat {
                if current.isSymbol(",") { advance() }
                guard case .string(let name) = current.kind else { throw error(expected: "a quoted name", found: current) }
                reserved.names.append(name)
                advance()
            } while current.isSymbol(",")
        } else {
            repeat {
                if current.isSymbol(",") { advance() }
                let low = Int64(clamping: try expectInteger(expected: "a reserved number or a quoted name"))
                var high = low
                if current.isIdentifier("to") {
                    advance()
                    if current.isIdentifier("max") {
                        advance()
                        high = maximum
                    } else {
                        high = Int64(clamping: try expectInteger(expected: "a number or 'max'"))
                    }
                }
                guard low <= high else {
                    throw ProtoGenError("expected a range whose start is not above its end, found \(low) to \(high)",
                                        at: previous.location)
                }
                reserved.numberRanges.append(low...high)
            } while current.isSymbol(",")
        }
        try expectSymbol(";")
    }

    // MARK: - Tokens

    private var current: Token { tokens[position] }
    private var previous: Token { tokens[max(position - 1, 0)] }
    private var peek: Token { tokens[min(position + 1, tokens.count - 1)] }

    private mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    private mutating func expectKeyword(_ keyword: String) throws {
        guard current.isIdentifier(keyword) else { throw error(expected: "'\(keyword)'", found: current) }
        advance()
    }

    private mutating func expectSymbol(_ symbol: Character) throws {
        guard current.isSymbol(symbol) else { throw error(expected: "'\(symbol)'", found: current) }
        advance()
    }

    private mutating func expectIdentifier(expected: String) throws -> String {
        guard case .identifier(let name) = current.kind else { throw error(expected: expected, found: current) }
        advance()
        return name
    }

    private mutating func expectInteger(expected: String) throws -> UInt64 {
        guard case .integer(let value) = current.kind else { throw error(expected: expected, found: current) }
        advance()
        return value
    }

    private mutating func parseFullIdentifier(expected: String) throws -> String {
        var name = try expectIdentifier(expected: expected)
        while current.isSymbol(".") {
            advance()
            name += "." + (try expectIdentifier(expected: "an identifier after '.'"))
        }
        return name
    }

    private func error(expected: String, found token: Token, note: String? = nil) -> ProtoGenError {
        var message = "expected \(expected), found \(token.quoted)"
        if let note { message += " (\(note))" }
        return ProtoGenError(message, at: token.location)
    }
}
