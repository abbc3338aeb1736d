import EACPProtocol
import Testing

@Suite struct VersionParsingTests {
    @Test(
        arguments: [
            ("1", [1]),
            ("8.5", [8, 5]),
            ("1.4.2.117", [1, 4, 2, 117]),
            ("0", [0]),
            ("0.0.0.0", [0, 0, 0, 0]),
            ("08.5", [8, 5]),
            ("0008.0005", [8, 5]),
            ("4294967295", [4_294_967_295]),
            ("1.4294967295.0.4294967295", [1, 4_294_967_295, 0, 4_294_967_295]),
            ("00000000004294967295", [4_294_967_295]),
        ] as [(String, [UInt32])])
    func acceptsValidVersion(text: String, components: [UInt32]) throws {
        let version = try AgentVersion(parsing: text)
        #expect(version.components == components)
    }

    @Test(
        arguments: [
            ("", 0, VersionParseError.Reason.empty),
            ("8..5", 2, .emptyComponent),
            (".8", 0, .emptyComponent),
            ("8.", 2, .emptyComponent),
            (".", 0, .emptyComponent),
            ("+8", 0, .unexpectedCharacter),
            ("-8", 0, .unexpectedCharacter),
            ("8.-5", 2, .unexpectedCharacter),
            ("8.5-beta", 3, .unexpectedCharacter),
            ("8.5rc1", 3, .unexpectedCharacter),
            (" 8.5", 0, .unexpectedCharacter),
            ("8.5 ", 3, .unexpectedCharacter),
            ("8. 5", 2, .unexpectedCharacter),
            ("8.5\n", 3, .unexpectedCharacter),
            ("v8.5", 0, .unexpectedCharacter),
            ("8,5", 1, .unexpectedCharacter),
            ("٨.5", 0, .unexpectedCharacter),
            ("1.2.3.4.5", 7, .tooManyComponents),
            ("1.2.3.4.", 7, .tooManyComponents),
            ("4294967296", 0, .componentTooLarge),
            ("1.4294967296", 2, .componentTooLarge),
            ("1.99999999999999999999999", 2, .componentTooLarge),
        ] as [(String, Int, VersionParseError.Reason)])
    func rejectsInvalidVersion(text: String, position: Int, reason: VersionParseError.Reason) {
        #expect(throws: VersionParseError(input: text, position: position, reason: reason)) {
            try AgentVersion(parsing: text)
        }
    }

    @Test func errorMessageNamesInputReasonAndOffset() {
        let error = VersionParseError(input: "8.5-beta", position: 3, reason: .unexpectedCharacter)
        #expect(
            error.description
                == "invalid agent version \"8.5-beta\": unexpected character at offset 3; "
                + "expected 1 to 4 decimal numbers separated by '.', each at most 4294967295")
    }

    @Test func errorMessageCutsLongInput() {
        let input = String(repeating: "1", count: 100) + "x"
        let error = VersionParseError(input: input, position: 100, reason: .unexpectedCharacter)
        #expect(error.description.hasPrefix("invalid agent version \"\(String(repeating: "1", count: 64))…\":"))
    }

    @Test func descriptionKeepsParsedComponentsWithoutLeadingZeros() throws {
        #expect(try AgentVersion(parsing: "08.5.0").description == "8.5.0")
        #expect(AgentVersion(1, 4, 2, 117).description == "1.4.2.117")
    }
}

@Suite struct VersionOrderingTests {
    @Test(arguments: [
        ("8.5", "8.5.0"),
        ("8.5", "8.5.0.0"),
        ("8.5", "08.5"),
        ("0", "0.0.0.0"),
        ("1.0.0.1", "1.0.0.01"),
    ])
    func missingComponentsAndLeadingZerosCompareEqual(left: String, right: String) throws {
        let a = try AgentVersion(parsing: left)
        let b = try AgentVersion(parsing: right)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        #expect(!(a < b))
        #expect(!(b < a))
    }

    @Test(arguments: [
        ("1.9", "1.10"),
        ("1.2", "1.2.1"),
        ("1.2.0.0", "1.2.0.1"),
        ("9", "10"),
        ("1.4294967294", "1.4294967295"),
        ("0.9.9.9", "1"),
    ])
    func componentsCompareAsIntegers(lower: String, higher: String) throws {
        let low = try AgentVersion(parsing: lower)
        let high = try AgentVersion(parsing: higher)
        #expect(low < high)
        #expect(!(high < low))
        #expect(low != high)
    }
}
