import ProtoGen
import Testing

/// Syntax errors and unsupported features: the exact `file:line:column: error: ...` text.
struct ProtoParserErrorTests {
    private func errorText(_ source: String) -> String? {
        do {
            _ = try SwiftGenerator.parse(source: source, path: "test.proto")
            return nil
        } catch {
            return (error as? ProtoGenError)?.description
        }
    }

    private let header = "syntax = \"proto3\";\n"

    @Test func requiresSyntaxFirst() {
        #expect(errorText("package a;\n") == "test.proto:1:1: error: expected 'syntax', found 'package'")
        #expect(errorText("") == "test.proto:1:1: error: expected 'syntax', found end of file")
    }

    @Test func rejectsProto2() {
        #expect(errorText("syntax = \"proto2\";") == "test.proto:1:10: error: expected \"proto3\", found string \"proto2\"")
    }

    @Test func rejectsUnsupportedTopLevelDeclarations() {
        #expect(errorText(header + "import \"other.proto\";")
            == "test.proto:2:1: error: expected 'message' or 'enum', found 'import' (imports are not supported)")
        #expect(errorText(header + "option java_package = \"x\";")
            == "test.proto:2:1: error: expected 'message' or 'enum', found 'option' (options are not supported)")
        #expect(errorText(header + "service S {}")
            == "test.proto:2:1: error: expected 'message' or 'enum', found 'service' (services are not supported)")
        #expect(errorText(header + "extend M {}")
            == "test.proto:2:1: error: expected 'message' or 'enum', found 'extend' (extensions are not supported)")
        #expect(errorText(header + "package a;\npackage b;")
            == "test.proto:3:1: error: expected 'message' or 'enum', found 'package' (only one package statement is allowed)")
    }

    @Test func rejectsUnsupportedFieldForms() {
        #expect(errorText(header + "message M {\n  map<string, int32> m = 1;\n}")
            == "test.proto:3:3: error: expected a field, found 'map' (map fields are not supported)")
        #expect(errorText(header + "message M {\n  optional int32 a = 1;\n}")
            == "test.proto:3:3: error: expected a field, found 'optional' ('optional' fields are not supported)")
        #expect(errorText(header + "message M {\n  required int32 a = 1;\n}")
            == "test.proto:3:3: error: expected a field, found 'required' ('required' is proto2 and not supported)")
        #expect(errorText(header + "message M {\n  group G = 1 {}\n}")
            == "test.proto:3:3: error: expected a field, found 'group' (groups are not supported)")
        #expect(errorText(header + "message M {\n  extensions 100 to 199;\n}")
            == "test.proto:3:3: error: expected a field, found 'extensions' (extensions are not supported)")
        #expect(errorText(header + "message M {\n  option deprecated = true;\n}")
            == "test.proto:3:3: error: expected a field, found 'option' (options are not supported)")
        #expect(errorText(header + "message M {\n  int32 a = 1 [deprecated = true];\n}")
            == "test.proto:3:15: error: expected ';', found '[' (field options are not supported)")
        #expect(errorText(header + "message M {\n  oneof o {\n    repeated int32 a = 1;\n  }\n}")
            == "test.proto:4:5: error: expected a field type, found 'repeated' (oneof members cannot be repeated)")
    }

    @Test func rejectsMalformedFields() {
        #expect(errorText(header + "message M {\n  int32 a = 1\n}") == "test.proto:4:1: error: expected ';', found '}'")
        #expect(errorText(header + "message M {\n  int32 a = ;\n}")
            == "test.proto:3:13: error: expected a field number, found ';'")
        #expect(errorText(header + "message M {\n  int32 = 1;\n}")
            == "test.proto:3:9: error: expected a field name, found '='")
        #expect(errorText(header + "message M {\n  int32 a = 1;\n") == "test.proto:4:1: error: expected '}' to close message M, found end of file")
        #expect(errorText(header + "message M {\n  int32 a = 1.5;\n}") == "test.proto:3:13: error: expected an integer, found '1.5'")
    }

    @Test func rejectsMalformedEnums() {
        #expect(errorText(header + "enum E {\n  A = 0\n}") == "test.proto:4:1: error: expected ';', found '}'")
        #expect(errorText(header + "enum E {\n  A = 0 [deprecated = true];\n}")
            == "test.proto:3:9: error: expected ';', found '[' (enum value options are not supported)")
        #expect(errorText(header + "enum E {\n  option allow_alias = true;\n}")
            == "test.proto:3:3: error: expected an enum value, found 'option' (options are not supported)")
        #expect(errorText(header + "enum E {\n  = 0;\n}") == "test.proto:3:3: error: expected an enum value or '}', found '='")
    }

    @Test func rejectsMalformedReserved() {
        #expect(errorText(header + "message M {\n  reserved 5 to 2;\n}")
            == "test.proto:3:17: error: expected a range whose start is not above its end, found 5 to 2")
        #expect(errorText(header + "message M {\n  reserved \"a\", 3;\n}")
            == "test.proto:3:17: error: expected a quoted name, found '3'")
        #expect(errorText(header + "message M {\n  reserved;\n}")
            == "test.proto:3:11: error: expected a reserved number or a quoted name, found ';'")
    }

    @Test func rejectsLexicalErrors() {
        #expect(errorText(header + "message M {\n  /* never closed\n}")
            == "test.proto:3:3: error: expected '*/' to close the comment that starts here, found end of file")
        #expect(errorText(header + "package \"unterminated;\n")
            == "test.proto:2:23: error: expected a closing quote for the string opened at test.proto:2:9, found end of line")
        #expect(errorText(header + "message M @ {}")
            == "test.proto:2:11: error: expected a declaration, found unexpected character '@'")
    }
}
