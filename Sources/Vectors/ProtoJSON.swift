/// Conversions between the Protocol Buffers wire format and the proto3 JSON mapping, driven by a
/// ``ProtoSchema`` rather than by the generated message types.
public enum ProtoJSON {
    /// Decodes `wireBytes` as `message` and returns its proto3 JSON form; unknown fields are dropped.
    ///
    /// The bytes should be ones the codec has accepted: this decoder checks bounds but not every rule.
    public static func json(fromWireBytes wireBytes: [UInt8], message: String, schema: ProtoSchema) throws
        -> JSONValue
    {
        try DynamicMessage(wireBytes: wireBytes, typeName: schema.localName(message), schema: schema)
            .json(schema: schema)
    }

    /// Builds `message` from its proto3 JSON form and returns its canonical encoding: fields in number order,
    /// defaults left out except in a oneof, repeated numbers packed.
    public static func wireBytes(fromJSON json: JSONValue, message: String, schema: ProtoSchema) throws -> [UInt8] {
        try DynamicMessage(json: json, typeName: schema.localName(message), schema: schema)
            .wireBytes(schema: schema)
    }
}
