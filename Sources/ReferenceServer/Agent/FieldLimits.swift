import EACPProtocol

/// A field of an agent's message that breaks a count or length limit stated in the schema. The
/// handler turns it into 400 BAD_REQUEST over HTTP, or close code 1008 on the push channel, before it
/// stores anything of the message.
struct FieldLimitViolation: Error, Hashable, Sendable {
    /// The unit a limit counts.
    enum Unit: String, Hashable, Sendable {
        case bytes
        case entries
    }

    /// The field's path in the message, as the schema spells it, e.g. `capabilities.features[3]`.
    let field: String
    /// The smallest allowed size.
    let minimum: Int
    /// The largest allowed size.
    let maximum: Int
    let unit: Unit
    /// The size the message carried.
    let actual: Int

    /// The allowed sizes in words, e.g. "at most 512 bytes" or "1 to 255 bytes".
    var limit: String {
        minimum == 0 ? "at most \(maximum) \(unit.rawValue)" : "\(minimum) to \(maximum) \(unit.rawValue)"
    }

    var message: String { "\(field) has \(actual) \(unit.rawValue) but must have \(limit)" }

    var failure: ProtocolFailure { ProtocolFailure(.badRequest, message) }
}

/// Collects the first field that breaks its limit while a message's fields are checked in schema
/// order.
struct FieldLimitChecker {
    private(set) var violation: FieldLimitViolation?

    mutating func bytes(_ text: String, _ field: @autoclosure () -> String, max maximum: Int) {
        size(text.utf8.count, field(), 0...maximum, .bytes)
    }

    mutating func bytes(_ text: String, _ field: @autoclosure () -> String, in range: ClosedRange<Int>) {
        size(text.utf8.count, field(), range, .bytes)
    }

    mutating func bytes(_ value: [UInt8], _ field: @autoclosure () -> String, max maximum: Int) {
        size(value.count, field(), 0...maximum, .bytes)
    }

    mutating func bytes(_ value: [UInt8], _ field: @autoclosure () -> String, in range: ClosedRange<Int>) {
        size(value.count, field(), range, .bytes)
    }

    mutating func entries(_ count: Int, _ field: @autoclosure () -> String, max maximum: Int) {
        size(count, field(), 0...maximum, .entries)
    }

    mutating func entries(_ count: Int, _ field: @autoclosure () -> String, in range: ClosedRange<Int>) {
        size(count, field(), range, .entries)
    }

    /// Checks `Platform`, which enrollment requests and status reports both carry.
    mutating func platform(_ platform: Platform?, _ field: String) {
        guard let platform else { return }
        bytes(platform.osVersion, "\(field).os_version", max: 256)
        bytes(platform.architecture, "\(field).architecture", max: 32)
    }

    private mutating func size(_ actual: Int, _ field: @autoclosure () -> String, _ range: ClosedRange<Int>, _ unit: FieldLimitViolation.Unit) {
        guard violation == nil, !range.contains(actual) else { return }
        violation = FieldLimitViolation(
            field: field(), minimum: range.lowerBound, maximum: range.upperBound, unit: unit, actual: actual)
    }
}
