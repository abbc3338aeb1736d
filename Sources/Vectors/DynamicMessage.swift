import ProtoGen

/// A message held as field values keyed by field number, read and written through a ``ProtoSchema``
/// instead of generated code.
///
/// Unknown fields are dropped on input, because the proto3 JSON mapping has no place for them.
struct DynamicMessage: Equatable {
    /// Full name within the package, such as `Heartbeat.Capabilities`.
    let typeName: String
    var values: [Int: DynamicField] = [:]

    init(typeName: String) {
        self.typeName = typeName
    }
}

enum DynamicField: Equatable {
    case single(DynamicValue)
    case list([DynamicValue])
}

/// One value of a field; integers keep the signedness of their proto type.
enum DynamicValue: Equatable {
    case signed(Int64)
    case unsigned(UInt64)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    case enumNumber(Int32)
    case message(DynamicMessage)

    /// Whether this is the proto3 default, which a singular field outside a oneof leaves out.
    var isDefault: Bool {
        switch self {
        case .signed(let value): value == 0
        case .unsigned(let value): value == 0
        case .bool(let value): !value
        case .string(let value): value.isEmpty
        case .bytes(let value): value.isEmpty
        case .enumNumber(let value): value == 0
        case .message: false
        }
    }
}

extension DynamicMessage {
    /// Stores `value` in `field` the way a proto3 parser does: a repeated field appends, a message field merges
    /// into the value already there, any other field is replaced, and a oneof member clears the other members.
    mutating func store(_ value: DynamicValue, in field: FieldDeclaration, of declaration: MessageDeclaration) {
        if field.isRepeated {
            guard case .list(let existing)? = values[field.number] else {
                values[field.number] = .list([value])
                return
            }
            values[field.number] = .list(existing + [value])
            return
        }
        if let oneofIndex = field.oneofIndex {
            for member in declaration.fields where member.oneofIndex == oneofIndex && member.number != field.number {
                values[member.number] = nil
            }
        }
        if case .message(let incoming) = value, case .single(.message(var existing))? = values[field.number] {
            existing.merge(incoming)
            values[field.number] = .single(.message(existing))
            return
        }
        values[field.number] = .single(value)
    }

    /// Merges `other` into `self` field by field, as decoding two occurrences of a message field does.
    ///
    /// Oneof members of `other` are assumed not to conflict with those of `self`; the wire decoder clears
    /// the other members through ``store(_:in:of:)`` before it merges.
    mutating func merge(_ other: DynamicMessage) {
        for (number, incoming) in other.values {
            switch (values[number], incoming) {
            case (.list(let existing)?, .list(let added)):
                values[number] = .list(existing + added)
            case (.single(.message(var existing))?, .single(.message(let added))):
                existing.merge(added)
                values[number] = .single(.message(existing))
            default:
                values[number] = incoming
            }
        }
    }
}
