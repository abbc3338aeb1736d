/// Resolves field type names and checks the rules a parser cannot see: numbers in range, no duplicates,
/// no reserved numbers or names in use, known type names, enums that start at 0, and Swift names that
/// do not collide.
///
/// The first problem in declaration order is thrown as a ``ProtoGenError``.
struct SchemaValidator {
    /// Largest field number Protocol Buffers allows, 2^29 - 1.
    static let maxFieldNumber = 536_870_911

    /// Field numbers that Protocol Buffers reserves for its own implementation.
    static let implementationReservedNumbers = 19_000...19_999

    private let package: String

    /// Fully qualified name (package included) of every message and enum, mapped to whether it is an enum.
    private var typeKinds: [String: Bool] = [:]

    /// Returns `file` with every field type resolved to a message or an enum.
    static func validate(_ file: ProtoFile) throws -> ProtoFile {
        var validator = SchemaValidator(package: file.package)
        try validator.registerTypes(messages: file.messages, enums: file.enums, scope: "")

        var resolved = file
        for index in resolved.enums.indices { try validator.check(resolved.enums[index]) }
        for index in resolved.messages.indices { try validator.check(&resolved.messages[index]) }
        try checkNoValueCycles(resolved.messages)
        return resolved
    }

    private init(package: String) {
        self.package = package
    }

    // MARK: - Types

    private mutating func registerTypes(
        messages: [MessageDeclaration], enums: [EnumDeclaration], scope: String
    ) throws {
        var seen: [String: SourceLocation] = [:]
        let declarations = messages.map { ($0.name, $0.fullName, $0.location, false) }
            + enums.map { ($0.name, $0.fullName, $0.location, true) }
        for (name, fullName, location, isEnum) in declarations.sorted(by: { precedes($0.2, $1.2) }) {
            if let first = seen[name] {
                throw ProtoGenError("duplicate type name \(name); it is first declared at \(first)", at: location)
            }
            seen[name] = location
            typeKinds[qualified(fullName)] = isEnum
        }
        for message in messages {
            try registerTypes(messages: message.messages, enums: message.enums, scope: message.fullName)
        }
    }

    /// Looks `name` up from the innermost scope outwards, as protoc does for names without a leading dot.
    private func resolve(_ name: String, in scope: String) -> FieldType? {
        var candidates: [String] = []
        if name.hasPrefix(".") {
            candidates = [String(name.dropFirst())]
        } else {
            var scopeParts = (package.isEmpty ? [] : package.split(separator: ".").map(String.init))
                + (scope.isEmpty ? [] : scope.split(separator: ".").map(String.init))
            while true {
                candidates.append((scopeParts + [name]).joined(separator: "."))
                if scopeParts.isEmpty { break }
                scopeParts.removeLast()
            }
        }

        for candidate in candidates {
            guard let isEnum = typeKinds[candidate] else { continue }
            let local = package.isEmpty ? candidate : String(candidate.dropFirst(package.count + 1))
            return isEnum ? .enumeration(local) : .message(local)
        }
        return nil
    }

    private func qualified(_ fullName: String) -> String {
        package.isEmpty ? fullName : "\(package).\(fullName)"
    }

    // MARK: - Messages

    private func check(_ message: inout MessageDeclaration) throws {
        var numbers: [Int: String] = [:]
        var names: [String: SourceLocation] = [:]
        var swiftNames: [String: String] = ["unknownFields": "the generated unknownFields property"]

        for oneof in message.oneofs {
            try claim(oneof.name, at: oneof.location, in: &names, message: message)
            try claim(swift: SwiftNames.lowerCamelCase(oneof.name), for: oneof.name, at: oneof.location, in: &swiftNames)
        }
        for index in message.fields.indices {
            let field = message.fields[index]
            try checkNumber(field, message: message)
            if let other = numbers[field.number] {
                throw ProtoGenError("field number \(field.number) of \(field.name) is already used by \(other) in \(message.fullName)",
                                    at: field.location)
            }
            numbers[field.number] = field.name
            try claim(field.name, at: field.location, in: &names, message: message)
            try claim(swift: SwiftNames.lowerCamelCase(field.name), for: field.name, at: field.location, in: &swiftNames)
            if message.reserved.names.contains(field.name) {
                throw ProtoGenError("field name \(field.name) is reserved in \(message.fullName)", at: field.location)
            }
            message.fields[index].type = try resolvedType(of: field, in: message.fullName)
        }
        try checkOneofTypeNames(message)

        for index in message.enums.indices { try check(message.enums[index]) }
        for index in message.messages.indices { try check(&message.messages[index]) }
    }

    private func checkNumber(_ field: FieldDeclaration, message: MessageDeclaration) throws {
        guard (1...Self.maxFieldNumber).contains(field.number) else {
            throw ProtoGenError("field number \(field.number) of \(field.name) is outside 1 to \(Self.maxFieldNumber)",
                                at: field.location)
        }
        if Self.implementationReservedNumbers.contains(field.number) {
            throw ProtoGenError("field number \(field.number) of \(field.name) is in 19000 to 19999, which Protocol Buffers reserves",
                                at: field.location)
        }
        if message.reserved.numberRanges.contains(where: { $0.contains(Int64(field.number)) }) {
            throw ProtoGenError("field number \(field.number) of \(field.name) is reserved in \(message.fullName)",
                                at: field.location)
        }
    }

    private func resolvedType(of field: FieldDeclaration, in scope: String) throws -> FieldType {
        guard case .named(let name) = field.type else { return field.type }
        guard let type = resolve(name, in: scope) else {
            throw ProtoGenError("unknown type \(name) for field \(field.name)", at: field.location)
        }
        return type
    }

    /// Each oneof becomes a nested Swift enum, so its name must not repeat a nested message or enum name.
    private func checkOneofTypeNames(_ message: MessageDeclaration) throws {
        let nestedNames = Set(message.messages.map(\.name) + message.enums.map(\.name))
        for oneof in message.oneofs where nestedNames.contains(SwiftNames.upperCamelCase(oneof.name)) {
            throw ProtoGenError("oneof \(oneof.name) would generate the Swift type \(SwiftNames.upperCamelCase(oneof.name)), which a nested type in \(message.fullName) already uses",
                                at: oneof.location)
        }
    }

    private func claim(
        _ name: String, at location: SourceLocation, in names: inout [String: SourceLocation],
        message: MessageDeclaration
    ) throws {
        if let first = names[name] {
            throw ProtoGenError("duplicate name \(name) in \(message.fullName); it is first declared at \(first)",
                                at: location)
        }
        names[name] = location
    }

    private func claim(
        swift swiftName: String, for name: String, at location: SourceLocation, in names: inout [String: String]
    ) throws {
        if let other = names[swiftName] {
            throw ProtoGenError("\(name) becomes the Swift name \(swiftName), which \(other) already uses", at: location)
        }
        names[swiftName] = name
    }

    // MARK: - Enums

    private func check(_ declaration: EnumDeclaration) throws {
        guard let first = declaration.values.first else {
            throw ProtoGenError("enum \(declaration.fullName) has no values; proto3 needs a first value of 0",
                                at: declaration.location)
        }
        guard first.number == 0 else {
            throw ProtoGenError("the first value of enum \(declaration.fullName) must be 0, found \(first.number)",
                                at: first.location)
        }

        var numbers: [Int64: String] = [:]
        var names: [String: SourceLocation] = [:]
        var caseNames: [String: String] = ["unrecognized": "the generated case unrecognized"]
        for value in declaration.values {
            if let first = names[value.name] {
                throw ProtoGenError("duplicate value name \(value.name) in \(declaration.fullName); it is first declared at \(first)",
                                    at: value.location)
            }
            names[value.name] = value.location
            guard (Int64(Int32.min)...Int64(Int32.max)).contains(value.number) else {
                throw ProtoGenError("value \(value.number) of \(value.name) is outside the int32 range", at: value.location)
            }
            if let other = numbers[value.number] {
                throw ProtoGenError("value \(value.number) of \(value.name) is already used by \(other) (aliases are not supported)",
                                    at: value.location)
            }
            numbers[value.number] = value.name
            if declaration.reserved.numberRanges.contains(where: { $0.contains(value.number) }) {
                throw ProtoGenError("value \(value.number) of \(value.name) is reserved in \(declaration.fullName)",
                                    at: value.location)
            }
            if declaration.reserved.names.contains(value.name) {
                throw ProtoGenError("value name \(value.name) is reserved in \(declaration.fullName)", at: value.location)
            }
            let caseName = SwiftNames.enumCaseName(enumName: declaration.name, valueName: value.name)
            if let other = caseNames[caseName] {
                throw ProtoGenError("\(value.name) becomes the Swift case \(caseName), which \(other) already uses",
                                    at: value.location)
            }
            caseNames[caseName] = value.name
        }
    }
}

extension SchemaValidator {
    /// Rejects a message that contains itself through singular message fields outside a oneof.
    ///
    /// Such a field becomes an optional stored property, and a Swift struct cannot contain itself. Repeated
    /// fields (arrays) and oneof members (an `indirect` enum) store their values out of line, so they may
    /// recurse.
    private static func checkNoValueCycles(_ messages: [MessageDeclaration]) throws {
        var fieldsByMessage: [String: [FieldDeclaration]] = [:]
        func collect(_ messages: [MessageDeclaration]) {
            for message in messages {
                fieldsByMessage[message.fullName] = message.fields.filter { !$0.isRepeated && $0.oneofIndex == nil }
                collect(message.messages)
            }
        }
        collect(messages)

        var finished: Set<String> = []
        func visit(_ name: String, path: [String]) throws {
            if finished.contains(name) { return }
            for field in fieldsByMessage[name] ?? [] {
                guard case .message(let target) = field.type else { continue }
                if target == name || path.contains(target) {
                    throw ProtoGenError("field \(field.name) makes \(target) contain itself through singular message fields, which a Swift struct cannot; make a field in the cycle repeated or a oneof member",
                                        at: field.location)
                }
                try visit(target, path: path + [name])
            }
            finished.insert(name)
        }
        for name in fieldsByMessage.keys.sorted() { try visit(name, path: []) }
    }
}

/// Returns true when `first` comes before `second` in the file.
func precedes(_ first: SourceLocation, _ second: SourceLocation) -> Bool {
    (first.line, first.column) < (second.line, second.column)
}
