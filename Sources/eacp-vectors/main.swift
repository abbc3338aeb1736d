import EACPProtocol
import EACPVectors
import Foundation

let usage = """
    Usage: eacp-vectors COMMAND [ARGUMENTS]

    Writes, checks and decodes the test vectors in spec/vectors, found from the current folder or a parent
    that holds spec/eacp.proto.

    Commands:
      write                    Rewrite the vector files from their Swift definitions; print the files changed.
      check                    List the vector files that differ from the definitions; exit 1 when any do.
      decode MESSAGE HEX       Decode HEX as MESSAGE (such as eacp.v1.Heartbeat) with the package's codec and
                               print the message in the proto3 JSON mapping; exit 1 when decoding fails.
      decode-lines             Read lines "MESSAGE HEX" from standard input and print, for each, a line
                               "ok JSON" with the decoded message in the proto3 JSON mapping, or "error TEXT".
      encode MESSAGE JSON      Encode the proto3 JSON object JSON as MESSAGE through the package's codec and
                               print the bytes as hex; exit 1 when the JSON does not fit the schema.
      help                     Print this text.

    Exit status: 0 on success, 1 as described above, 2 on a usage error or when spec/ cannot be found.
    """

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("eacp-vectors: \(message)\n".utf8))
    exit(status)
}

func loadSpec() -> (SpecDirectory, ProtoSchema) {
    let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    guard let spec = SpecDirectory.find(from: folder) else {
        fail("spec/eacp.proto not found in \(folder.path) or any parent folder", status: 2)
    }
    do {
        return (spec, try spec.loadSchema())
    } catch {
        fail("cannot read \(spec.protoURL.path): \(error)", status: 2)
    }
}

/// Looks up the generated type for `name`, which may carry the package prefix, and exits when there is none.
func messageType(_ name: String, schema: ProtoSchema) -> any WireMessage.Type {
    guard let type = MessageRegistry.messageTypes[schema.localName(name)] else {
        fail("unknown message \(name); use a name such as \(schema.qualifiedName("Heartbeat"))", status: 2)
    }
    return type
}

func decode(_ name: String, _ hex: String) {
    let (_, schema) = loadSpec()
    do {
        print(try decodedJSON(name, hex, schema: schema).compactText)
    } catch let error as CommandError {
        fail(error.message, status: 2)
    } catch {
        fail("\(error)", status: 1)
    }
}

/// Decodes `hex` as `name` and returns the message in the proto3 JSON mapping.
func decodedJSON(_ name: String, _ hex: String, schema: ProtoSchema) throws -> JSONValue {
    guard let type = MessageRegistry.messageTypes[schema.localName(name)] else {
        throw CommandError(message: "unknown message \(name)")
    }
    guard let bytes = Hex.bytes(hex) else { throw CommandError(message: "\(hex.prefix(40)) is not hex text") }
    let message = try type.init(wireBytes: bytes, limits: .default)
    return try ProtoJSON.json(fromWireBytes: message.wireBytes(), message: name, schema: schema)
}

struct CommandError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

func decodeLines() {
    let (_, schema) = loadSpec()
    while let line = readLine() {
        // HEX is empty for a message with no fields set.
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            print("error expected \"MESSAGE HEX\", found \(line.prefix(60))")
            continue
        }
        do {
            print("ok " + (try decodedJSON(String(parts[0]), String(parts[1]), schema: schema)).compactText)
        } catch {
            print("error \(error)")
        }
    }
}

func encode(_ name: String, _ text: String) {
    let (_, schema) = loadSpec()
    let type = messageType(name, schema: schema)
    do {
        let bytes = try ProtoJSON.wireBytes(fromJSON: try JSONValue.parse(text), message: name, schema: schema)
        print(Hex.string(try type.init(wireBytes: bytes, limits: .default).wireBytes()))
    } catch {
        fail("\(error)", status: 1)
    }
}

func writeOrCheck(write: Bool) {
    let (spec, schema) = loadSpec()
    do {
        let groups = try VectorCatalog.groups(schema: schema)
        let changed = write ? try spec.write(groups) : try spec.staleGroupNames(comparedWith: groups)
        for name in changed { print(spec.fileURL(forGroup: name).lastPathComponent) }
        if !write && !changed.isEmpty {
            fail("\(changed.count) vector files are out of date; run `swift run eacp-vectors write`", status: 1)
        }
    } catch {
        fail("\(error)", status: 2)
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "write" where arguments.count == 1: writeOrCheck(write: true)
case "check" where arguments.count == 1: writeOrCheck(write: false)
case "decode" where arguments.count == 3: decode(arguments[1], arguments[2])
case "decode-lines" where arguments.count == 1: decodeLines()
case "encode" where arguments.count == 3: encode(arguments[1], arguments[2])
case "help", "--help", "-h": print(usage)
default: fail("expected a command\n\n\(usage)", status: 2)
}
