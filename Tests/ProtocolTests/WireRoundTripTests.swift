import Testing

@testable import EACPProtocol

/// Random messages from a seeded generator survive encode then decode unchanged.
struct WireRoundTripTests {
    /// SplitMix64: a small, fast generator whose output depends only on the seed.
    private struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    /// Values that reach the edges of each encoding half of the time: 0, 1, all ones, sign bits.
    private static func integer<Value: FixedWidthInteger>(_: Value.Type, _ random: inout SeededGenerator) -> Value {
        switch random.next() % 6 {
        case 0: 0
        case 1: Value.max
        case 2: Value.min
        default: Value(truncatingIfNeeded: random.next() >> (random.next() % 64))
        }
    }

    private static func string(_ random: inout SeededGenerator) -> String {
        let alphabet = Array("aZ09 _-é✓\u{1F600}\u{0}")
        let count = Int(random.next() % 12)
        return String((0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    private static func bytes(_ random: inout SeededGenerator) -> [UInt8] {
        (0..<Int(random.next() % 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    private static func color(_ random: inout SeededGenerator) -> FixtureColor {
        let known = FixtureColor.knownCases
        let pick = Int(random.next() % UInt64(known.count + 1))
        // An unrecognized value must be one the enum does not declare, or it would decode as the known case.
        return pick < known.count ? known[pick] : .unrecognized(100 + Int32(random.next() % 100_000))
    }

    /// Returns a float that is never NaN, because NaN would make the decoded message unequal to itself.
    private static func finite<Value: BinaryFloatingPoint>(_: Value.Type, _ random: inout SeededGenerator) -> Value {
        let choices: [Value] = [0, -0.0, 1, -1.5, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity]
        return choices[Int(random.next() % UInt64(choices.count))]
    }

    private static func scalars(_ random: inout SeededGenerator) -> FixtureScalars {
        var message = FixtureScalars()
        message.int32Value = integer(Int32.self, &random)
        message.int64Value = integer(Int64.self, &random)
        message.uint32Value = integer(UInt32.self, &random)
        message.uint64Value = integer(UInt64.self, &random)
        message.sint32Value = integer(Int32.self, &random)
        message.sint64Value = integer(Int64.self, &random)
        message.fixed32Value = integer(UInt32.self, &random)
        message.fixed64Value = integer(UInt64.self, &random)
        message.sfixed32Value = integer(Int32.self, &random)
        message.sfixed64Value = integer(Int64.self, &random)
        message.boolValue = random.next() % 2 == 0
        message.stringValue = string(&random)
        message.bytesValue = bytes(&random)
        message.floatValue = finite(Float.self, &random)
        message.doubleValue = finite(Double.self, &random)
        message.color = color(&random)
        return message
    }

    private static func repeated(_ random: inout SeededGenerator) -> FixtureRepeated {
        func list<Element>(_ make: (inout SeededGenerator) -> Element) -> [Element] {
            (0..<Int(random.next() % 4)).map { _ in make(&random) }
        }
        var message = FixtureRepeated()
        message.int32Values = list { integer(Int32.self, &$0) }
        message.int64Values = list { integer(Int64.self, &$0) }
        message.uint32Values = list { integer(UInt32.self, &$0) }
        message.uint64Values = list { integer(UInt64.self, &$0) }
        message.sint32Values = list { integer(Int32.self, &$0) }
        message.sint64Values = list { integer(Int64.self, &$0) }
        message.fixed32Values = list { integer(UInt32.self, &$0) }
        message.fixed64Values = list { integer(UInt64.self, &$0) }
        message.sfixed32Values = list { integer(Int32.self, &$0) }
        message.sfixed64Values = list { integer(Int64.self, &$0) }
        message.boolValues = list { $0.next() % 2 == 0 }
        message.stringValues = list { string(&$0) }
        message.bytesValues = list { bytes(&$0) }
        message.floatValues = list { finite(Float.self, &$0) }
        message.doubleValues = list { finite(Double.self, &$0) }
        message.colors = list { color(&$0) }
        message.items = list { scalars(&$0) }
        return message
    }

    private static func inner(_ random: inout SeededGenerator) -> FixtureEnvelope.Inner {
        var inner = FixtureEnvelope.Inner()
        let modes = FixtureEnvelope.Inner.Mode.knownCases + [.unrecognized(-7)]
        inner.mode = modes[Int(random.next() % UInt64(modes.count))]
        inner.label = string(&random)
        inner.counts = (0..<Int(random.next() % 3)).map { _ in integer(Int32.self, &random) }
        return inner
    }

    private static func envelope(_ random: inout SeededGenerator) -> FixtureEnvelope {
        var message = FixtureEnvelope()
        if random.next() % 2 == 0 { message.inner = inner(&random) }
        if random.next() % 2 == 0 { message.scalars = scalars(&random) }
        switch random.next() % 6 {
        case 0: message.body = .text(string(&random))
        case 1: message.body = .blob(bytes(&random))
        case 2: message.body = .innerBody(inner(&random))
        case 3: message.body = .number(integer(Int32.self, &random))
        case 4: message.body = .bodyColor(color(&random))
        default: message.body = nil
        }
        message.mode = inner(&random).mode
        message.absoluteColor = color(&random)
        message.inners = (0..<Int(random.next() % 3)).map { _ in inner(&random) }
        message.default = integer(Int64.self, &random)
        message.early = integer(UInt32.self, &random)
        return message
    }

    private func expectRoundTrip<Message: WireMessage & Equatable>(_ message: Message, seed: UInt64) throws {
        let bytes = message.wireBytes()
        let decoded = try Message(wireBytes: bytes)
        #expect(decoded == message, "seed \(seed)")
        #expect(decoded.wireBytes() == bytes, "seed \(seed)")
    }

    @Test func randomMessagesRoundTrip() throws {
        for seed: UInt64 in 0..<500 {
            var random = SeededGenerator(state: seed)
            try expectRoundTrip(Self.scalars(&random), seed: seed)
            try expectRoundTrip(Self.repeated(&random), seed: seed)
            try expectRoundTrip(Self.envelope(&random), seed: seed)
        }
    }

    @Test func encodingIsDeterministic() {
        var first = SeededGenerator(state: 42)
        var second = SeededGenerator(state: 42)
        #expect(Self.envelope(&first).wireBytes() == Self.envelope(&second).wireBytes())
    }
}
