import ProtoGen
import Testing

/// Errors found after parsing: numbers, duplicates, reserved declarations, unknown types, Swift names.
struct ProtoSemanticErrorTests {
    private func errorText(_ body: String) -> String? {
        do {
            _ = try SwiftGenerator.parse(source: "syntax = \"proto3\";\n" + body, path: "test.proto")
            return nil
        } catch {
            return (error as? ProtoGenError)?.description
        }
    }

    @Test func rejectsFieldNumbersOutOfRange() {
        #expect(errorText("message M {\n  int32 a = 0;\n}")
            == "test.proto:3:3: error: field number 0 of a is outside 1 to 536870911")
        #expect(errorText("message M {\n  int32 a = 536870912;\n}")
            == "test.proto:3:3: error: field number 536870912 of a is outside 1 to 536870911")
        #expect(errorText("message M {\n  int32 a = 19500;\n}")
            == "test.proto:3:3: error: field number 19500 of a is in 19000 to 19999, which Protocol Buffers reserves")
        #expect(errorText("message M {\n  int32 a = 536870911;\n}") == nil)
    }

    @Test func rejectsDuplicateFields() {
        #expect(errorText("message M {\n  int32 a = 1;\n  int32 b = 1;\n}")
            == "test.proto:4:3: error: field number 1 of b is already used by a in M")
        #expect(errorText("message M {\n  int32 a = 1;\n  string a = 2;\n}")
            == "test.proto:4:3: error: duplicate name a in M; it is first declared at test.proto:3:3")
        #expect(errorText("message M {\n  oneof o {\n    int32 a = 1;\n  }\n  int32 b = 1;\n}")
            == "test.proto:6:3: error: field number 1 of b is already used by a in M")
    }

    @Test func rejectsReservedNumbersAndNames() {
        #expect(errorText("message M {\n  reserved 2, 4 to 6;\n  int32 a = 5;\n}")
            == "test.proto:4:3: error: field number 5 of a is reserved in M")
        #expect(errorText("message M {\n  reserved 9 to max;\n  int32 a = 100;\n}")
            == "test.proto:4:3: error: field number 100 of a is reserved in M")
        #expect(errorText("message M {\n  reserved \"a\";\n  int32 a = 1;\n}")
            == "test.proto:4:3: error: field name a is reserved in M")
        #expect(errorText("enum E {\n  E_ZERO = 0;\n  E_ONE = 1;\n  reserved 1;\n}")
            == "test.proto:4:3: error: value 1 of E_ONE is reserved in E")
        #expect(errorText("enum E {\n  reserved \"E_ZERO\";\n  E_ZERO = 0;\n}")
            == "test.proto:4:3: error: value name E_ZERO is reserved in E")
    }

    @Test func rejectsUnknownTypes() {
        #expect(errorText("message M {\n  Missing a = 1;\n}") == "test.proto:3:3: error: unknown type Missing for field a")
        #expect(errorText("message M {\n  message N {}\n}\nmessage O {\n  N n = 1;\n}")
            == "test.proto:6:3: error: unknown type N for field n")
    }

    @Test func rejectsBadEnums() {
        #expect(errorText("enum E {\n  E_ONE = 1;\n}") == "test.proto:3:3: error: the first value of enum E must be 0, found 1")
        #expect(errorText("enum E {\n}") == "test.proto:2:1: error: enum E has no values; proto3 needs a first value of 0")
        #expect(errorText("enum E {\n  E_ZERO = 0;\n  E_BIG = 2147483648;\n}")
            == "test.proto:4:3: error: value 2147483648 of E_BIG is outside the int32 range")
        #expect(errorText("enum E {\n  E_ZERO = 0;\n  E_NIL = 0;\n}")
            == "test.proto:4:3: error: value 0 of E_NIL is already used by E_ZERO (aliases are not supported)")
        #expect(errorText("enum E {\n  E_ZERO = 0;\n  E_ZERO = 1;\n}")
            == "test.proto:4:3: error: duplicate value name E_ZERO in E; it is first declared at test.proto:3:3")
        #expect(errorText("enum E {\n  E_ZERO = 0;\n  E_MIN = -2147483648;\n}") == nil)
    }

    @Test func rejectsDuplicateTypeNames() {
        #expect(errorText("message M {}\nenum M {\n  M_ZERO = 0;\n}")
            == "test.proto:3:1: error: duplicate type name M; it is first declared at test.proto:2:1")
    }

    @Test func rejectsSwiftNameCollisions() {
        #expect(errorText("message M {\n  int32 foo_bar = 1;\n  int32 fooBar = 2;\n}")
            == "test.proto:4:3: error: fooBar becomes the Swift name fooBar, which foo_bar already uses")
        #expect(errorText("message M {\n  int32 unknown_fields = 1;\n}")
            == "test.proto:3:3: error: unknown_fields becomes the Swift name unknownFields, which the generated unknownFields property already uses")
        #expect(errorText("enum E {\n  E_ZERO = 0;\n  UNRECOGNIZED = 1;\n}")
            == "test.proto:4:3: error: UNRECOGNIZED becomes the Swift case unrecognized, which the generated case unrecognized already uses")
        #expect(errorText("message M {\n  message Body {}\n  oneof body {\n    int32 a = 1;\n  }\n}")
            == "test.proto:4:3: error: oneof body would generate the Swift type Body, which a nested type in M already uses")
    }

    @Test func rejectsSingularMessageCycles() {
        #expect(errorText("message M {\n  M self_link = 1;\n}")
            == "test.proto:3:3: error: field self_link makes M contain itself through singular message fields, which a Swift struct cannot; make a field in the cycle repeated or a oneof member")
        #expect(errorText("message A {\n  B b = 1;\n}\nmessage B {\n  A a = 1;\n}")
            == "test.proto:6:3: error: field a makes A contain itself through singular message fields, which a Swift struct cannot; make a field in the cycle repeated or a oneof member")
        #expect(errorText("message M {\n  repeated M children = 1;\n  oneof o {\n    M next = 2;\n  }\n}") == nil)
    }
}
