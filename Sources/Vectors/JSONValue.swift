import Foundation

/// A JSON value whose objects keep their members in order, so that written files are stable and readable.
///
/// Two objects compare equal when they hold the same members in any order, as JSON defines.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// JSON numbers in this package are integers: proto3 JSON writes 64-bit integers as strings.
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// The member named `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [(key: String, value: JSONValue)]? {
        if case .object(let value) = self { return value }
        return nil
    }
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): membersEqual(a, b)
        default: false
        }
    }

    private static func membersEqual(
        _ lhs: [(key: String, value: JSONValue)], _ rhs: [(key: String, value: JSONValue)]
    ) -> Bool {
        guard lhs.count == rhs.count else { return false }
        let right = Dictionary(rhs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        return lhs.allSatisfy { right[$0.key] == $0.value }
    }
}

// MARK: - Reading

extension JSONValue: Decodable {
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        if let object = try? decoder.container(keyedBy: MemberKey.self) {
            // Foundation's decoder does not report member order, so members are sorted by name.
            let keys = object.allKeys.sorted { $0.stringValue < $1.stringValue }
            self = .object(try keys.map { ($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) })
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? single.decode(String.self) {
            self = .string(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: single, debugDescription: "expected null, a boolean, an integer or a string")
        }
    }

    /// Parses `text` as one JSON value.
    public static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

// MARK: - Writing

extension JSONValue {
    /// The value as indented JSON text, two spaces a level, members in their stored order.
    ///
    /// An array or object whose text fits in `lineWidth` columns where it starts stays on one line.
    public func formatted(lineWidth: Int = 110) -> String {
        var text = ""
        write(to: &text, level: 0, column: 0, lineWidth: lineWidth)
        return text
    }

    /// The value as JSON text on one line.
    public var compactText: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .string(let value): Self.quoted(value)
        case .array(let elements): "[" + elements.map(\.compactText).joined(separator: ", ") + "]"
        case .object(let members):
            members.isEmpty
                ? "{}" : "{" + members.map { Self.quoted($0.key) + ": " + $0.value.compactText }.joined(separator: ", ") + "}"
        }
    }

    private func write(to text: inout String, level: Int, column: Int, lineWidth: Int) {
        let compact = compactText
        if column + compact.count <= lineWidth {
            text += compact
            return
        }
        let inner = String(repeating: "  ", count: level + 1)
        let outer = String(repeating: "  ", count: level)
        switch self {
        case .array(let elements):
            text += "[\n"
            for (index, element) in elements.enumerated() {
                text += inner
                element.write(to: &text, level: level + 1, column: inner.count, lineWidth: lineWidth)
                text += index + 1 < elements.count ? ",\n" : "\n"
            }
            text += outer + "]"
        case .object(let members):
            text += "{\n"
            for (index, member) in members.enumerated() {
                let prefix = inner + Self.quoted(member.key) + ": "
                text += prefix
                member.value.write(to: &text, level: level + 1, column: prefix.count, lineWidth: lineWidth)
                text += index + 1 < members.count ? ",\n" : "\n"
            }
            text += outer + "}"
        case .null, .bool, .integer, .string:
            text += compact
        }
    }

    /// `value` as a JSON string literal; only what JSON requires is escaped, so UTF-8 text stays readable.
    static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
