import EACPProtocol

/// Reads and writes vector groups as the JSON files in `spec/vectors/`.
///
/// A file is an object with `description` and `vectors`. Each vector has `name`, `message`, `valid` and
/// `hex`. A valid one adds `fields`, and `canonicalHex` and `hasUnknownFields` when they apply. An invalid one
/// adds `error` and `reason`. `limits` lists the decoding limits that differ from the defaults.
public enum VectorFileFormat {
    /// The file text for `group`, ending in a newline.
    public static func text(of group: VectorGroup) -> String {
        let file = JSONValue.object([
            ("description", .string(group.description)),
            ("vectors", .array(group.vectors.map(json(of:)))),
        ])
        return file.formatted() + "\n"
    }

    static func json(of vector: TestVector) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(vector.name)),
            ("message", .string(vector.message)),
            ("valid", .bool(vector.isValid)),
        ]
        let overrides = LimitNames.overrides(in: vector.limits)
        if !overrides.isEmpty {
            members.append(("limits", .object(overrides.map { ($0.name, .integer(Int64($0.value))) })))
        }
        switch vector.expectation {
        case .valid(let fields, let canonicalBytes, let hasUnknownFields):
            members.append(("fields", fields))
            members.append(("hex", .string(Hex.string(vector.bytes))))
            if let canonicalBytes { members.append(("canonicalHex", .string(Hex.string(canonicalBytes)))) }
            if hasUnknownFields { members.append(("hasUnknownFields", .bool(true))) }
        case .invalid(let error, let reason):
            members.append(("error", .string(error.rawValue)))
            members.append(("reason", .string(reason)))
            members.append(("hex", .string(Hex.string(vector.bytes))))
        }
        return .object(members)
    }

    /// Parses a vector file's text into its group, named `name`.
    public static func group(named name: String, text: String) throws -> VectorGroup {
        let file = try JSONValue.parse(text)
        guard let description = file["description"]?.stringValue, let list = file["vectors"]?.arrayValue else {
            throw VectorFileError("\(name).json: expected an object with \"description\" and \"vectors\"")
        }
        let vectors = try list.enumerated().map { index, element in
            do {
                return try vector(from: element)
            } catch let error as VectorFileError {
                throw VectorFileError("\(name).json, vector \(index): \(error.message)")
            }
        }
        return VectorGroup(name: name, description: description, vectors: vectors)
    }

    static func vector(from json: JSONValue) throws -> TestVector {
        guard let name = json["name"]?.stringValue else { throw VectorFileError("missing \"name\"") }
        guard let message = json["message"]?.stringValue, let valid = json["valid"]?.boolValue,
              let hexText = json["hex"]?.stringValue
        else {
            throw VectorFileError("\(name): missing \"message\", \"valid\" or \"hex\"")
        }
        guard let bytes = Hex.bytes(hexText) else { throw VectorFileError("\(name): \"hex\" is not hex text") }
        let limits = try LimitNames.limits(from: json["limits"], vectorName: name)
        let expectation = valid ? try validExpectation(json, name) : try invalidExpectation(json, name)
        return TestVector(name: name, message: message, bytes: bytes, limits: limits, expectation: expectation)
    }

    private static func validExpectation(_ json: JSONValue, _ name: String) throws -> TestVector.Expectation {
        guard let fields = json["fields"] else { throw VectorFileError("\(name): a valid vector needs \"fields\"") }
        var canonicalBytes: [UInt8]?
        if let text = json["canonicalHex"]?.stringValue {
            guard let bytes = Hex.bytes(text) else {
                throw VectorFileError("\(name): \"canonicalHex\" is not hex text")
            }
            canonicalBytes = bytes
        }
        let hasUnknownFields = json["hasUnknownFields"]?.boolValue ?? false
        return .valid(fields: fields, canonicalBytes: canonicalBytes, hasUnknownFields: hasUnknownFields)
    }

    private static func invalidExpectation(_ json: JSONValue, _ name: String) throws -> TestVector.Expectation {
        guard let errorName = json["error"]?.stringValue, let error = ExpectedError(rawValue: errorName) else {
            let allowed = ExpectedError.allCases.map(\.rawValue).joined(separator: ", ")
            throw VectorFileError("\(name): an invalid vector needs \"error\", one of \(allowed)")
        }
        guard let reason = json["reason"]?.stringValue else {
            throw VectorFileError("\(name): an invalid vector needs \"reason\"")
        }
        return .invalid(error: error, reason: reason)
    }
}

/// The names of the ``DecodingLimits`` properties as they appear in a vector's `limits` object.
enum LimitNames {
    private static var properties: [(name: String, keyPath: WritableKeyPath<DecodingLimits, Int>)] {
        [
            ("maxMessageSize", \.maxMessageSize),
            ("maxNestingDepth", \.maxNestingDepth),
            ("maxRepeatedCount", \.maxRepeatedCount),
            ("maxStringLength", \.maxStringLength),
            ("maxBytesLength", \.maxBytesLength),
        ]
    }

    /// The limits of `limits` that differ from the defaults, in declaration order.
    static func overrides(in limits: DecodingLimits) -> [(name: String, value: Int)] {
        properties.compactMap { property in
            let value = limits[keyPath: property.keyPath]
            return value == DecodingLimits.default[keyPath: property.keyPath] ? nil : (property.name, value)
        }
    }

    static func limits(from json: JSONValue?, vectorName: String) throws -> DecodingLimits {
        var limits = DecodingLimits.default
        guard let json else { return limits }
        guard let members = json.objectValue else {
            throw VectorFileError("\(vectorName): \"limits\" must be an object")
        }
        for (key, value) in members {
            guard let property = properties.first(where: { $0.name == key }) else {
                let known = properties.map(\.name).joined(separator: ", ")
                throw VectorFileError("\(vectorName): unknown limit \(key); known limits are \(known)")
            }
            guard let number = value.integerValue, let limit = Int(exactly: number), limit >= 0 else {
                throw VectorFileError("\(vectorName): limit \(key) must be a non-negative integer")
            }
            limits[keyPath: property.keyPath] = limit
        }
        return limits
    }
}

/// Lowercase hex text, two digits a byte, no separators.
public enum Hex {
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }

    /// The bytes of `text`, or nil when it has an odd length or a character that is not a hex digit.
    public static func bytes(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let high = digitValue(characters[index]), let low = digitValue(characters[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func digitValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A vector file that cannot be read: invalid JSON, a missing member or a value of the wrong type.
public struct VectorFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A description naming the file and the vector, such as `messages.json, vector 3: missing "hex"`.
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
