import Testing

@testable import EACPProtocol

/// The types generated from spec/eacp.proto: names, numbers and a few exact encodings.
struct GeneratedSchemaTests {
    @Test func actionKindNumbersAreFixed() {
        let expected: [(ActionKind, Int32)] = [
            (.unspecified, 0), (.quarantineFile, 1), (.restoreFile, 2), (.terminateProcess, 3),
            (.isolateEndpoint, 4), (.cancelIsolation, 5), (.startLiveTerminal, 6), (.setEndpointProxy, 7),
            (.disableEndpointProxy, 8), (.retrieveEndpointFiles, 9), (.retrieveSecurityEventData, 10),
            (.retrieveSupportFile, 11), (.performHeartbeat, 12),
        ]
        #expect(ActionKind.knownCases == expected.map(\.0))
        for (kind, number) in expected {
            #expect(kind.rawValue == number)
            #expect(ActionKind(rawValue: number) == kind)
        }
        #expect(ActionKind(rawValue: 13) == .unrecognized(13))
    }

    @Test func actionTerminalStateNumbersAreFixed() {
        let expected: [(ActionTerminalState, Int32)] = [
            (.unspecified, 0), (.succeeded, 1), (.failed, 2), (.rejected, 3), (.expired, 4), (.cancelled, 5),
        ]
        #expect(ActionTerminalState.knownCases == expected.map(\.0))
        for (state, number) in expected { #expect(state.rawValue == number) }
    }

    @Test func heartbeatEncodesExactly() throws {
        var heartbeat = Heartbeat()
        heartbeat.agentVersion = "1.2"
        heartbeat.sequenceNumber = 7
        var capabilities = Heartbeat.Capabilities()
        capabilities.actionKinds = [.quarantineFile, .performHeartbeat]
        heartbeat.capabilities = capabilities
        let bytes: [UInt8] = [0x0A, 0x03, 0x31, 0x2E, 0x32, 0x1A, 0x04, 0x0A, 0x02, 0x01, 0x0C, 0x48, 0x07]
        #expect(heartbeat.wireBytes() == bytes)
        #expect(try Heartbeat(wireBytes: bytes) == heartbeat)
    }

    @Test func reservedHeartbeatFieldIsKeptAsUnknown() throws {
        // Field 15 is reserved in the schema; a sender that still uses it loses nothing on the way through.
        let bytes: [UInt8] = [0x7A, 0x02, 0x69, 0x64]
        let heartbeat = try Heartbeat(wireBytes: bytes)
        #expect(heartbeat.unknownFields == bytes)
        #expect(heartbeat.wireBytes() == bytes)
    }

    @Test func pushMessageOneofsRoundTrip() throws {
        var envelope = ActionEnvelope()
        envelope.actionId = "a-1"
        envelope.kind = .isolateEndpoint
        var parameters = IsolateEndpointParameters()
        parameters.allowedHosts = ["10.0.0.0/8"]
        envelope.parameters = .isolateEndpoint(parameters)
        var push = PushMessage.ServerPush()
        push.payload = .action(envelope)
        var message = PushMessage()
        message.direction = .serverPush(push)

        let decoded = try PushMessage(wireBytes: message.wireBytes())
        #expect(decoded == message)
        guard case .serverPush(let decodedPush)? = decoded.direction,
            case .action(let decodedEnvelope)? = decodedPush.payload
        else {
            Issue.record("direction or payload lost: \(decoded)")
            return
        }
        #expect(decodedEnvelope.parameters == .isolateEndpoint(parameters))
    }

    @Test func emptyParametersMessageIsPresent() throws {
        var envelope = ActionEnvelope()
        envelope.parameters = .cancelIsolation(CancelIsolationParameters())
        #expect(envelope.wireBytes() == [0x7A, 0x00])
        #expect(try ActionEnvelope(wireBytes: [0x7A, 0x00]).parameters == .cancelIsolation(CancelIsolationParameters()))
    }

    @Test func nestedProtoNamesIncludeParent() {
        #expect(Heartbeat.protoName == "Heartbeat")
        #expect(Heartbeat.Capabilities.protoName == "Heartbeat.Capabilities")
        #expect(PushMessage.AgentPush.protoName == "PushMessage.AgentPush")
    }

    @Test func registryListsEveryMessage() throws {
        let types = MessageRegistry.messageTypes
        #expect(types.count == 53)
        let capabilities = try #require(types["Heartbeat.Capabilities"])
        #expect(capabilities.protoName == "Heartbeat.Capabilities")
        for (name, type) in types { #expect(type.protoName == name) }
    }

    @Test func errorNamesNestedGeneratedMessage() throws {
        // Heartbeat.capabilities (3) contains features (2) = [0xFF], which is not UTF-8.
        let bytes: [UInt8] = [0x1A, 0x03, 0x12, 0x01, 0xFF]
        let error = try #require(throws: WireDecodingError.self) { try Heartbeat(wireBytes: bytes) }
        #expect(error.description == "malformed Heartbeat.Capabilities.features (field 2) at byte 4: invalid UTF-8")
    }
}
