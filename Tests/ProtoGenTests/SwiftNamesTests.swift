import Foundation
import Testing

@testable import ProtoGen

/// The rules that turn `.proto` names into Swift names.
struct SwiftNamesTests {
    @Test func fieldNamesBecomeLowerCamelCase() {
        #expect(SwiftNames.lowerCamelCase("agent_version") == "agentVersion")
        #expect(SwiftNames.lowerCamelCase("oldest_security_event_unix_ms") == "oldestSecurityEventUnixMs")
        #expect(SwiftNames.lowerCamelCase("sha256") == "sha256")
        #expect(SwiftNames.lowerCamelCase("total_sha256") == "totalSha256")
    }

    @Test func oneofNamesBecomeUpperCamelCase() {
        #expect(SwiftNames.upperCamelCase("payload") == "Payload")
        #expect(SwiftNames.upperCamelCase("certificate_signing_request") == "CertificateSigningRequest")
    }

    @Test func enumCasesLoseTheEnumPrefix() {
        #expect(SwiftNames.enumCaseName(enumName: "ActionKind", valueName: "ACTION_KIND_QUARANTINE_FILE") == "quarantineFile")
        #expect(SwiftNames.enumCaseName(enumName: "ActionKind", valueName: "ACTION_KIND_UNSPECIFIED") == "unspecified")
        #expect(SwiftNames.enumCaseName(enumName: "OsFamily", valueName: "OS_FAMILY_MACOS") == "macos")
        #expect(SwiftNames.enumCaseName(enumName: "Subject", valueName: "SUBJECT_ACK") == "ack")
    }

    @Test func enumCasesKeepPrefixWhenNeeded() {
        #expect(SwiftNames.enumCaseName(enumName: "Color", valueName: "COLOR_3D") == "color3d")
        #expect(SwiftNames.enumCaseName(enumName: "Color", valueName: "RED") == "red")
        #expect(SwiftNames.enumCaseName(enumName: "Color", valueName: "COLOR") == "color")
    }

    @Test func enumNamesBecomeUpperSnakeCase() {
        #expect(SwiftNames.upperSnakeCase("ActionKind") == "ACTION_KIND")
        #expect(SwiftNames.upperSnakeCase("HTTPStatus") == "HTTP_STATUS")
        #expect(SwiftNames.upperSnakeCase("Sha256Digest") == "SHA256_DIGEST")
    }

    @Test func reservedWordsGetBackticks() {
        #expect(SwiftNames.identifier("internal") == "`internal`")
        #expect(SwiftNames.identifier("default") == "`default`")
        #expect(SwiftNames.identifier("message") == "message")
    }
}
