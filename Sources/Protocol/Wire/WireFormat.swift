/// The four wire types of proto3. The group wire types 3 and 4 are not accepted.
enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5

    /// Creates the wire type from the low 3 bits of a tag, or returns nil for the group types 3 and 4 and the
    /// undefined 6 and 7. Spelled out as a switch so that it inlines into the tag reader.
    init?(tagBits: UInt8) {
        switch tagBits {
        case 0: self = .varint
        case 1: self = .fixed64
        case 2: self = .lengthDelimited
        case 5: self = .fixed32
        default: return nil
        }
    }
}

/// The tag of one field as read from the wire.
struct WireField: Sendable {
    var number: Int
    var wireType: WireType

    /// Offset of the tag's first byte in the outermost input.
    var offset: Int

    /// Largest field number Protocol Buffers allows, 2^29 - 1.
    static let maxNumber = (1 << 29) - 1
}

/// Zigzag mapping of `sint32` and `sint64`, which gives small negative numbers short varints.
enum ZigZag {
    static func encode(_ value: Int32) -> UInt32 {
        UInt32(bitPattern: (value << 1) ^ (value >> 31))
    }

    static func encode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    static func decode(_ value: UInt32) -> Int32 {
        Int32(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    static func decode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }
}
