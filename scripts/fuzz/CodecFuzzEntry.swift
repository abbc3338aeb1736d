// The libFuzzer entry point for the wire codec, compiled into one module with Sources/Protocol by
// scripts/fuzz-codec.
//
// Each input is decoded as each of the four messages a server or an agent decodes from the network. Decoding
// may fail with a WireDecodingError, which is the expected outcome for most inputs. Anything else that goes
// wrong (a crash, a hang, a memory error, or a decoded message that does not survive a re-encoding) stops the
// fuzzer and leaves the input in the artifacts folder.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = count == 0 ? [] : Array(UnsafeBufferPointer(start: start, count: count))
    checkRoundTrip(PushMessage.self, input)
    checkRoundTrip(Heartbeat.self, input)
    checkRoundTrip(HeartbeatReply.self, input)
    checkRoundTrip(SecurityEventBatch.self, input)
    return 0
}

/// Decodes `input` as `Message`; when that succeeds, checks that the re-encoding decodes to an equal message
/// and encodes to the same bytes again.
private func checkRoundTrip<Message: WireMessage & Equatable>(_: Message.Type, _ input: [UInt8]) {
    guard let decoded = try? Message(wireBytes: input, limits: .default) else { return }
    let encoded = decoded.wireBytes()
    let again: Message
    do {
        again = try Message(wireBytes: encoded, limits: .default)
    } catch {
        fatalError("\(Message.protoName): the re-encoding of an accepted input does not decode: \(error)")
    }
    precondition(again == decoded, "\(Message.protoName): decoding the re-encoding gives another message")
    precondition(again.wireBytes() == encoded, "\(Message.protoName): re-encoding is not stable")
}
