import EACPProtocol
import EACPVectors
import Foundation
import Testing

/// The schema-driven proto3 JSON mapping, the vector file format and the checker that compares the codec
/// with the vectors.
@Suite struct VectorSchemaTests {
    let schema: ProtoSchema

    init() throws {
        let spec = try #require(SpecDirectory.find(from: URL(fileURLWithPath: #filePath)))
        schema = try spec.loadSchema()
    }

    @Test func jsonMappingWritesSixtyFourBitIntegersAsStrings() throws {
        var heartbeat = Heartbeat()
        heartbeat.sequenceNumber = .max
        heartbeat.agentTimeUnixMs = -1
        let json = try ProtoJSON.json(fromWireBytes: heartbeat.wireBytes(), message: "eacp.v1.Heartbeat", schema: schema)
        #expect(json.compactText == #"{"sequenceNumber": "18446744073709551615", "agentTimeUnixMs": "-1"}"#)
    }

    @Test func jsonMappingWritesEnumsByNameAndUndeclaredOnesByNumber() throws {
        var capabilities = Heartbeat.Capabilities()
        capabilities.actionKinds = [.isolateEndpoint, .unrecognized(77)]
        let json = try ProtoJSON.json(
            fromWireBytes: capabilities.wireBytes(), message: "Heartbeat.Capabilities", schema: schema)
        #expect(json.compactText == #"{"actionKinds": ["ACTION_KIND_ISOLATE_ENDPOINT", 77]}"#)
    }

    @Test func jsonMappingKeepsOneofMemberAtDefault() throws {
        var request = EnrollmentRequest()
        request.certificateSigningRequest = .csrDer([])
        let json = try ProtoJSON.json(fromWireBytes: request.wireBytes(), message: "EnrollmentRequest", schema: schema)
        #expect(json.compactText == #"{"csrDer": ""}"#)
    }

    @Test func jsonMappingEncodesBytesAsBase64() throws {
        let fields = try JSONValue.parse(#"{"revision": 5, "sha256": "AAEC/w=="}"#)
        let bytes = try ProtoJSON.wireBytes(fromJSON: fields, message: "ContentVersion", schema: schema)
        #expect(Hex.string(bytes) == "08051204000102ff")
    }

    @Test func jsonMappingAcceptsProtoFieldNames() throws {
        let fields = try JSONValue.parse(#"{"agent_version": "1.0", "sequence_number": "3"}"#)
        let bytes = try ProtoJSON.wireBytes(fromJSON: fields, message: "eacp.v1.Heartbeat", schema: schema)
        #expect(Hex.string(bytes) == "0a03312e304803")
    }

    @Test func jsonMappingRejectsUndeclaredMember() throws {
        let fields = try JSONValue.parse(#"{"agentId": "agt-1"}"#)
        let error = #expect(throws: SchemaConversionError.self) {
            try ProtoJSON.wireBytes(fromJSON: fields, message: "Heartbeat", schema: schema)
        }
        #expect(error?.message == "Heartbeat: Heartbeat has no field named agentId")
    }

    @Test func jsonMappingRejectsTwoOneofMembers() throws {
        let fields = try JSONValue.parse(#"{"csrPem": "x", "csrDer": ""}"#)
        let error = #expect(throws: SchemaConversionError.self) {
            try ProtoJSON.wireBytes(fromJSON: fields, message: "EnrollmentRequest", schema: schema)
        }
        #expect(error?.message == "EnrollmentRequest: csrDer and csrPem are members of the same oneof")
    }

    @Test func jsonMappingRejectsOutOfRangeInteger() throws {
        let fields = try JSONValue.parse(#"{"port": 4294967296}"#)
        let error = #expect(throws: SchemaConversionError.self) {
            try ProtoJSON.wireBytes(fromJSON: fields, message: "SetEndpointProxyParameters", schema: schema)
        }
        #expect(error?.message == "SetEndpointProxyParameters.port: 4294967296 is not a valid uint32")
    }

    @Test func jsonTextEscapesOnlyWhatJSONRequires() {
        let value = JSONValue.object([("text", .string("a\"b\\c\nd\u{1}é"))])
        #expect(value.compactText == #"{"text": "a\"b\\c\nd\u0001é"}"#)
    }

    @Test func jsonObjectsCompareWithoutOrder() throws {
        let parsed = try JSONValue.parse(#"{"b": [1, "2"], "a": null}"#)
        #expect(parsed == .object([("a", .null), ("b", .array([.integer(1), .string("2")]))]))
        #expect(parsed != .object([("a", .null), ("b", .array([.string("2"), .integer(1)]))]))
    }

    @Test func vectorFileFormatRoundTrips() throws {
        var limits = DecodingLimits.default
        limits.maxNestingDepth = 2
        let group = VectorGroup(name: "sample", description: "Two vectors.", vectors: [
            TestVector(name: "a", message: "eacp.v1.ContentVersion", bytes: [0x08, 0x01],
                       expectation: .valid(fields: .object([("revision", .string("1"))]), canonicalBytes: nil,
                                           hasUnknownFields: false)),
            TestVector(name: "b", message: "eacp.v1.Heartbeat", bytes: [0x0A], limits: limits,
                       expectation: .invalid(error: .truncated, reason: "ends inside a tag")),
        ])
        let text = VectorFileFormat.text(of: group)
        #expect(try VectorFileFormat.group(named: "sample", text: text) == group)
        #expect(text.contains(#""limits": {"maxNestingDepth": 2}"#))
    }

    @Test func vectorFileFormatNamesMissingMember() {
        let text = #"{"description": "", "vectors": [{"name": "x", "message": "eacp.v1.Heartbeat", "valid": true}]}"#
        let error = #expect(throws: VectorFileError.self) { try VectorFileFormat.group(named: "bad", text: text) }
        #expect(error?.message == #"bad.json, vector 0: x: missing "message", "valid" or "hex""#)
    }

    @Test func checkerReportsFieldsThatDisagree() {
        let vector = TestVector(
            name: "wrong-fields", message: "eacp.v1.ContentVersion", bytes: [0x08, 0x02],
            expectation: .valid(fields: .object([("revision", .string("3"))]), canonicalBytes: nil,
                                hasUnknownFields: false))
        let problems = VectorChecker(schema: schema).problems(with: vector)
        #expect(problems == [
            #"the bytes read as {"revision": "2"}, expected {"revision": "3"}"#,
            "the fields encode as 0803, expected 0802",
        ])
    }

    @Test func checkerReportsInvalidVectorThatDecodes() {
        let vector = TestVector(
            name: "not-invalid", message: "eacp.v1.ContentVersion", bytes: [0x08, 0x02],
            expectation: .invalid(error: .malformed, reason: "claims to be malformed"))
        let problems = VectorChecker(schema: schema).problems(with: vector)
        #expect(problems == ["decoding succeeded (0802), expected a malformed error"])
    }

    @Test func checkerReportsWrongErrorClass() {
        let vector = TestVector(
            name: "wrong-class", message: "eacp.v1.Heartbeat", bytes: [0x0A, 0x05, 0x31],
            expectation: .invalid(error: .malformed, reason: "claims to be malformed"))
        let problems = VectorChecker(schema: schema).problems(with: vector)
        #expect(problems == [
            "decoding failed with truncated Heartbeat.agent_version (field 1) at byte 2: input ended inside a body "
                + "of 5 bytes, expected a malformed error",
        ])
    }
}
