/// Settings for one generator run.
public struct GeneratorOptions: Sendable {
    /// Path of the `.proto` file as the generated headers and error messages show it, relative to the
    /// package root, such as `spec/eacp.proto`.
    public var protoPath: String

    /// Import lines at the top of every file; empty when the output is compiled into `EACPProtocol` itself.
    public var imports: [String]

    /// Name of the generated enum that lists every message type.
    public var registryName: String

    /// Whether the generated types are public, as in `EACPProtocol`, or internal, as a test target needs:
    /// a public type there could not conform to the runtime's internal protocols through `@testable import`.
    public var publicDeclarations: Bool

    /// The command that regenerates the files, quoted in each file's header.
    public var regenerateCommand: String

    public init(
        protoPath: String, imports: [String], registryName: String, publicDeclarations: Bool, regenerateCommand: String
    ) {
        self.protoPath = protoPath
        self.imports = imports
        self.registryName = registryName
        self.publicDeclarations = publicDeclarations
        self.regenerateCommand = regenerateCommand
    }

    /// The package's own run: `spec/eacp.proto` into `Sources/Protocol/Generated`.
    public static let eacp = commandLine()

    public static let defaultProtoPath = "spec/eacp.proto"
    public static let defaultOutputPath = "Sources/Protocol/Generated"
    public static let defaultRegistryName = "MessageRegistry"

    /// Builds the options that `eacp-protogen` uses for its arguments, with a header command that repeats them.
    ///
    /// A `testableImport` adds `@testable import` of that module and makes the declarations internal.
    public static func commandLine(
        protoPath: String = defaultProtoPath, outputPath: String = defaultOutputPath, testableImport: String? = nil,
        registryName: String = defaultRegistryName
    ) -> GeneratorOptions {
        var command = "swift run eacp-protogen"
        if protoPath != defaultProtoPath || outputPath != defaultOutputPath {
            command += " --proto \(protoPath) --output \(outputPath)"
        }
        if let testableImport { command += " --testable-import \(testableImport)" }
        if registryName != defaultRegistryName { command += " --registry \(registryName)" }
        return GeneratorOptions(
            protoPath: protoPath, imports: testableImport.map { ["@testable import \($0)"] } ?? [],
            registryName: registryName, publicDeclarations: testableImport == nil, regenerateCommand: command)
    }
}

/// One generated Swift file.
public struct GeneratedFile: Hashable, Sendable {
    /// File name without a directory, such as `Heartbeat.pb.swift`.
    public var name: String
    public var contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}

/// Turns a `.proto` file into Swift source files: one per top-level message or enum, plus the registry.
public enum SwiftGenerator {
    /// Parses, checks and emits `source`. The output depends only on `source` and `options`.
    ///
    /// Throws ``ProtoGenError`` for a syntax error, an unsupported feature or a semantic error.
    public static func generate(source: String, options: GeneratorOptions) throws -> [GeneratedFile] {
        let file = try parse(source: source, path: options.protoPath)
        let context = EmitContext(file: file, options: options)

        var declarations: [(location: SourceLocation, file: GeneratedFile)] = []
        for declaration in file.enums {
            let enumEmitter = EnumEmitter(declaration: declaration, access: context.access)
            let contents = render(options) { code in
                enumEmitter.emit(into: &code)
                enumEmitter.emitConformance(into: &code)
            }
            declarations.append((declaration.location, GeneratedFile(name: "\(declaration.name).pb.swift", contents: contents)))
        }
        for message in file.messages {
            let messageEmitter = MessageEmitter(message: message, context: context)
            let contents = render(options) { code in
                messageEmitter.emitDeclaration(into: &code)
                messageEmitter.emitConformances(into: &code)
            }
            declarations.append((message.location, GeneratedFile(name: "\(message.name).pb.swift", contents: contents)))
        }

        let files = declarations.sorted { precedes($0.location, $1.location) }.map(\.file)
        return files + [registryFile(file, options: options)]
    }

    /// Parses and checks `source` without emitting anything.
    public static func parse(source: String, path: String) throws -> ProtoFile {
        var parser = try Parser(path: path, source: source)
        return try SchemaValidator.validate(try parser.parseFile())
    }

    private static func render(_ options: GeneratorOptions, _ body: (inout CodeWriter) -> Void) -> String {
        var code = CodeWriter()
        code.line("// Generated by eacp-protogen from \(options.protoPath).")
        code.line("// Do not edit this file: change the .proto file and run")
        code.line("// \(options.regenerateCommand)")
        if !options.imports.isEmpty {
            code.line()
            for line in options.imports { code.line(line) }
        }
        code.line()
        body(&code)
        return code.text
    }

    private static func registryFile(_ file: ProtoFile, options: GeneratorOptions) -> GeneratedFile {
        let access = options.publicDeclarations ? "public " : ""
        var names: [String] = []
        func collect(_ messages: [MessageDeclaration]) {
            for message in messages {
                names.append(message.fullName)
                collect(message.messages)
            }
        }
        collect(file.messages)

        let contents = render(options) { code in
            code.line("/// Every message type generated from \(options.protoPath), for tools that pick a type by name.")
            code.block("\(access)enum \(options.registryName)") { code in
                code.line("/// Message types keyed by their `.proto` name without the package, nested messages included.")
                if names.isEmpty {
                    code.line("\(access)static let messageTypes: [String: any WireMessage.Type] = [:]")
                    return
                }
                code.line("\(access)static let messageTypes: [String: any WireMessage.Type] = [")
                for name in names { code.line("    \"\(name)\": \(name).self,") }
                code.line("]")
            }
        }
        return GeneratedFile(name: "\(options.registryName).pb.swift", contents: contents)
    }
}
