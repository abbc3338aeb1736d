/// Encoding rules of one proto3 scalar type: its wire type, its Swift value type and its default.
///
/// Generated code names a scalar type by one of the conforming enums, such as `ProtoSInt64.self`, so that one
/// generic reader and writer function serves every scalar type.
protocol WireScalar {
    associatedtype Value: Hashable & Sendable

    static var wireType: WireType { get }
    static func read(from reader: inout WireReader) throws -> Value
    static func write(_ value: Value, to writer: inout WireWriter)

    /// Returns the number of bytes `write` writes for `value`.
    static func encodedSize(_ value: Value) -> Int

    /// Returns whether `value` is the proto3 default, which a singular field leaves off the wire.
    static func isDefault(_ value: Value) -> Bool
}

extension WireScalar where Value: BinaryInteger {
    static func isDefault(_ value: Value) -> Bool { value == 0 }
}

/// `int32`: a varint. Negative values are sign-extended to 64 bits and take 10 bytes, as the format requires.
enum ProtoInt32: WireScalar {
    static var wireType: WireType { .varint }
    static func read(from reader: inout WireReader) throws -> Int32 {
        Int32(truncatingIfNeeded: try reader.readVarint())
    }
    static func write(_ value: Int32, to writer: inout WireWriter) {
        writer.writeVarint(UInt64(bitPattern: Int64(value)))
    }
    static func encodedSize(_ value: Int32) -> Int { WireSize.varint(UInt64(bitPattern: Int64(value))) }
}

enum ProtoInt64: WireScalar {
    static var wireType: WireType { .varint }
    static func read(from reader: inout WireReader) throws -> Int64 {
        Int64(bitPattern: try reader.readVarint())
    }
    static func write(_ value: Int64, to writer: inout WireWriter) {
        writer.writeVarint(UInt64(bitPattern: value))
    }
    static func encodedSize(_ value: Int64) -> Int { WireSize.varint(UInt64(bitPattern: value)) }
}

enum ProtoUInt32: WireScalar {
    static var wireType: WireType { .varint }
    static func read(from reader: inout WireReader) throws -> UInt32 {
        UInt32(truncatingIfNeeded: try reader.readVarint())
    }
    static func write(_ value: UInt32, to writer: inout WireWriter) {
        writer.writeVarint(UInt64(value))
    }
    static func encodedSize(_ value: UInt32) -> Int { WireSize.varint(UInt64(value)) }
}

enum ProtoUInt64: WireScalar {
    static var wireType: WireType { .varint }
    static func read(from reader: inout WireReader) throws -> UInt64 {
        try reader.readVarint()
    }
    static func write(_ value: UInt64, to writer: inout WireWriter) {
        writer.writeVarint(value)
    }
    static func encodedSize(_ value: UInt64) -> Int { WireSize.varint(value) }
}

enum ProtoSInt32: WireScalar {
    static var wireType: WireType { .varint }
    static func read(from reader: inout WireReader) throws -> Int32 {
        ZigZag.decode(UInt32(truncatingIfNeeded: try reader.readVarint()))
    }
    static func write(_ value: Int32, to writer: inout WireWriter) {
        writer.writeVarint(UInt64(ZigZag.encode(value)))
    }
    static func encodedSize(_ value: Int32) -> Int { WireSize.varint(UInt64(ZigZag.encode(value))) }
}

enum ProtoSInt64: WireScalar {
    static var wireType: WireType { .varint }
    static func read(from reader: inout WireReader) throws -> Int64 {
        ZigZag.decode(try reader.readVarint())
    }
    static func write(_ value: Int64, to writer: inout WireWriter) {
        writer.writeVarint(ZigZag.encode(value))
    }
    static func encodedSize(_ value: Int64) -> Int { WireSize.varint(ZigZag.encode(value)) }
}

enum ProtoFixed32: WireScalar {
    static var wireType: WireType { .fixed32 }
    static func read(from reader: inout WireReader) throws -> UInt32 {
        try reader.readFixed32()
    }
    static func write(_ value: UInt32, to writer: inout WireWriter) {
        writer.writeFixed32(value)
    }
    static func encodedSize(_ value: UInt32) -> Int { 4 }
}

enum ProtoFixed64: WireScalar {
    static var wireType: WireType { .fixed64 }
    static func read(from reader: inout WireReader) throws -> UInt64 {
        try reader.readFixed64()
    }
    static func write(_ value: UInt64, to writer: inout WireWriter) {
        writer.writeFixed64(value)
    }
    static func encodedSize(_ value: UInt64) -> Int { 8 }
}

enum ProtoSFixed32: WireScalar {
    static var wireType: WireType { .fixed32 }
    static func read(from reader: inout WireReader) throws -> Int32 {
        Int32(bitPattern: try reader.readFixed32())
    }
    static func write(_ value: Int32, to writer: inout WireWriter) {
        writer.writeFixed32(UInt32(bitPattern: value))
    }
    static func encodedSize(_ value: Int32) -> Int { 4 }
}

enum ProtoSFixed64: WireScalar {
    static var wireType: WireType { .fixed64 }
    static func read(from reader: inout WireReader) throws -> Int64 {
        Int64(bitPattern: try reader.readFixed64())
    }
    static func write(_ value: Int64, to writer: inout WireWriter) {
        writer.writeFixed64(UInt64(bitPattern: value))
    }
    static func encodedSize(_ value: Int64) -> Int { 8 }
}

/// `bool`: a varint; any non-zero value reads as true, as other Protocol Buffers decoders do.
enum ProtoBool: WireScalar {
    static var wireType: WireType { .varint }
    static func read(from reader: inout WireReader) throws -> Bool {
        try reader.readVarint() != 0
    }
    static func write(_ value: Bool, to writer: inout WireWriter) {
        writer.writeVarint(value ? 1 : 0)
    }
    static func encodedSize(_ value: Bool) -> Int { 1 }
    static func isDefault(_ value: Bool) -> Bool { !value }
}

/// `float`: IEEE 754 bits in a fixed32. Only +0.0 is the default, so -0.0 survives a round trip.
enum ProtoFloat: WireScalar {
    static var wireType: WireType { .fixed32 }
    static func read(from reader: inout WireReader) throws -> Float {
        Float(bitPattern: try reader.readFixed32())
    }
    static func write(_ value: Float, to writer: inout WireWriter) {
        writer.writeFixed32(value.bitPattern)
    }
    static func encodedSize(_ value: Float) -> Int { 4 }
    static func isDefault(_ value: Float) -> Bool { value.bitPattern == 0 }
}

/// `double`: IEEE 754 bits in a fixed64. Only +0.0 is the default, so -0.0 survives a round trip.
enum ProtoDouble: WireScalar {
    static var wireType: WireType { .fixed64 }
    static func read(from reader: inout WireReader) throws -> Double {
        Double(bitPattern: try reader.readFixed64())
    }
    static func write(_ value: Double, to writer: inout WireWriter) {
        writer.writeFixed64(value.bitPattern)
    }
    static func encodedSize(_ value: Double) -> Int { 8 }
    static func isDefault(_ value: Double) -> Bool { value.bitPattern == 0 }
}

/// A generated enum, encoded like `int32`. Values this build does not know decode as `.unrecognized`.
enum ProtoEnum<Enum: WireEnum>: WireScalar {
    static var wireType: WireType { .varint }
    static func read(from reader: inout WireReader) throws -> Enum {
        Enum(rawValue: try ProtoInt32.read(from: &reader))
    }
    static func write(_ value: Enum, to writer: inout WireWriter) {
        ProtoInt32.write(value.rawValue, to: &writer)
    }
    static func encodedSize(_ value: Enum) -> Int { ProtoInt32.encodedSize(value.rawValue) }
    static func isDefault(_ value: Enum) -> Bool { value.rawValue == 0 }
}
