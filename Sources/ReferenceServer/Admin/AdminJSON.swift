import Foundation

/// An administrator API error: an HTTP status and a message, sent as `{"error": "..."}`.
public struct AdminError: Error, Hashable, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String

    public init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }

    static func badRequest(_ message: String) -> AdminError { AdminError(400, message) }
    static func notFound(_ message: String) -> AdminError { AdminError(404, message) }
}

/// A JSON object read field by field, rejecting keys the caller did not read, so a misspelt
/// parameter fails instead of being ignored.
struct JSONObject {
    private let fields: [String: Any]
    private let context: String
    private var read: Set<String> = []

    init(_ value: Any?, context: String) throws(AdminError) {
        guard let fields = value as? [String: Any] else { throw .badRequest("\(context) must be a JSON object") }
        self.fields = fields
        self.context = context
    }

    init(body: [UInt8], context: String) throws(AdminError) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body.isEmpty ? Array("{}".utf8) : body))
        } catch {
            throw .badRequest("the body is not valid JSON: \(error.localizedDescription)")
        }
        try self.init(parsed, context: context)
    }

    mutating func string(_ key: String, default fallback: String? = nil) throws(AdminError) -> String {
        read.insert(key)
        guard let value = fields[key] else {
            guard let fallback else { throw .badRequest("\(context): \"\(key)\" is missing") }
            return fallback
        }
        guard let text = value as? String else { throw .badRequest("\(context): \"\(key)\" must be a string") }
        return text
    }

    mutating func strings(_ key: String) throws(AdminError) -> [String] {
        read.insert(key)
        guard let value = fields[key] else { return [] }
        guard let list = value as? [String] else { throw .badRequest("\(context): \"\(key)\" must be an array of strings") }
        return list
    }

    mutating func integer<Value: FixedWidthInteger>(_ key: String, default fallback: Value = 0) throws(AdminError) -> Value {
        read.insert(key)
        guard let value = fields[key] else { return fallback }
        guard let number = value as? NSNumber, !Self.isBoolean(number), let exact = Value(exactly: number.doubleValue) else {
            throw .badRequest("\(context): \"\(key)\" must be an integer from \(Value.min) to \(Value.max)")
        }
        return exact
    }

    mutating func boolean(_ key: String, default fallback: Bool = false) throws(AdminError) -> Bool {
        read.insert(key)
        guard let value = fields[key] else { return fallback }
        guard let number = value as? NSNumber, Self.isBoolean(number) else {
            throw .badRequest("\(context): \"\(key)\" must be true or false")
        }
        return number.boolValue
    }

    mutating func optionalBoolean(_ key: String) throws(AdminError) -> Bool? {
        read.insert(key)
        guard let value = fields[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, Self.isBoolean(number) else {
            throw .badRequest("\(context): \"\(key)\" must be true, false or null")
        }
        return number.boolValue
    }

    /// Returns whether a number from JSONSerialization was the JSON literal `true` or `false`.
    ///
    /// `value is Bool` cannot tell: on Linux it holds for the JSON numbers 0 and 1 as well. A JSON
    /// boolean comes back with Objective-C type encoding "c" (char), and a JSON number never does.
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    mutating func object(_ key: String) throws(AdminError) -> JSONObject {
        read.insert(key)
        return try JSONObject(fields[key] ?? [String: Any](), context: "\(context).\(key)")
    }

    /// Throws when the object has a key no accessor read.
    func finish() throws(AdminError) {
        if let extra = fields.keys.sorted().first(where: { !read.contains($0) }) {
            throw .badRequest("\(context): \"\(extra)\" is not a known field")
        }
    }
}

enum AdminJSON {
    static func encode(_ value: Any) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .prettyPrinted])) ?? Data("{}".utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }
}
