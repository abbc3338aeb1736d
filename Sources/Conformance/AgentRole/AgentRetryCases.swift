import EACPProtocol
import EACPTransport
import Foundation

/// Cases on the agent's handling of responses that are not a plain acknowledgement of its security events: a
/// rejection, a Retry-After, a redirect, a reply that does not decode or is too long. Each case
/// scripts one response on `POST /eacp/v1/events` and watches what the agent sends next.
enum AgentRetryCases {
    static func all(_ harness: AgentHarness?, eventCommand: String?) -> [ConformanceCase] {
        [requestHeads(harness), oneRequestInFlight(harness, eventCommand), rejectedRemoved(harness, eventCommand),
         retryAfterHonoured(harness, eventCommand), redirectNotFollowed(harness, eventCommand),
         badReplyIsFailure(harness, eventCommand), oversizedReplyIsFailure(harness, eventCommand),
         lostResponseResent(harness, eventCommand), pushRetryAfterHonoured(harness)]
    }

    static let eventsPath = "/eacp/v1/events"

    static func requestHeads(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.transport.post-headers", "Every POST carries Content-Type application/x-protobuf and an exact Content-Length",
               ["EACP-TRANSPORT-003"], harness) { harness, context in
            // Waiting for one heartbeat makes sure that at least one POST arrived.
            _ = try await AgentEventCases.nextHeartbeat(harness, timeout: .seconds(10))
            let heads = harness.handlers.observations.value.postHeads
            try context.require(!heads.isEmpty, "the agent sent no POST request")
            context.transcript.note("checked \(heads.count) POST requests on \(Set(heads.map(\.value.path)).sorted())")
            for head in heads.map(\.value) {
                let types = head.contentType.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                try context.require(types == [HarnessHandlers.mediaType],
                                    "a POST to \(head.path) carried Content-Type \(head.contentType), expected [\(HarnessHandlers.mediaType)]")
                try context.require(head.contentLength == [String(head.bodyCount)],
                                    "a POST to \(head.path) with a \(head.bodyCount)-byte body carried Content-Length \(head.contentLength)")
            }
        }
    }

    static func oneRequestInFlight(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.events.one-request-in-flight",
               "Events recorded while an events request is held go in one later request, oldest first, after its response",
               ["EACP-EVENT-003"], harness) { harness, context in
            let answeredAt = LockedValue<ContinuousClock.Instant?>(nil)
            harness.handlers.script.update { script in
                script.overrides[eventsPath] = [answer(harness) { batch in
                    try? await Task.sleep(for: .seconds(2))
                    let response = acknowledge(batch, harness)
                    answeredAt.update { $0 = .now }
                    return response
                }]
            }
            let before = harness.handlers.observations.value.eventAttempts.count
            try await AgentEventCases.recordEvent(harness, eventCommand, context)
            guard try await waitFor(timeout: .seconds(10), { answeredAt.value == nil ? attempts(harness, after: before).first : nil }) != nil
            else { throw AgentEventCases.noEvent(eventCommand) }
            context.transcript.note("holding the first events request for 2 s and recording two more events")
            try await AgentEventCases.recordEvent(harness, eventCommand, context)
            try await AgentEventCases.recordEvent(harness, eventCommand, context)

            guard let all = try await waitFor(timeout: .seconds(12), {
                let sent = attempts(harness, after: before)
                return Set(sent.map(\.value.eventId)).count >= 3 ? sent : nil
            }) else { throw CaseStop.failed("the agent did not send all three events within 12 s") }
            let first = all[0]
            guard let end = answeredAt.value else { throw CaseStop.failed("the harness never sent the response to the held events request") }
            for later in all.dropFirst() where later.value.eventId != first.value.eventId {
                try context.require(later.at >= end, "event \(later.value.eventId) came while the first events request was still held")
            }
            let rest = all.dropFirst().filter { $0.value.eventId != first.value.eventId }.map(\.value)
            let times = rest.map(\.observedUnixMs)
            context.transcript.note("later events in arrival order observed at \(times)")
            try context.require(times == times.sorted(), "the later events came newest first (observed_unix_ms \(times))")
        }
    }

    static func rejectedRemoved(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.events.rejected-removed", "A rejected event leaves the queue and is not sent again",
               ["EACP-EVENT-010"], harness) { harness, context in
            harness.handlers.script.update { script in
                script.overrides[eventsPath] = [answer(harness) { batch in
                    var ack = SecurityEventAck()
                    ack.rejected = batch.events.map { event in
                        var rejected = RejectedSecurityEvent()
                        rejected.eventId = event.eventId
                        rejected.code = .badRequest
                        rejected.message = "rejected by the conformance harness"
                        return rejected
                    }
                    return reply(ack)
                }]
            }
            let before = harness.handlers.observations.value.eventAttempts.count
            try await AgentEventCases.recordEvent(harness, eventCommand, context)
            guard let rejected = try await waitFor(timeout: .seconds(10), { attempts(harness, after: before).first?.value })
            else { throw AgentEventCases.noEvent(eventCommand) }
            context.transcript.note("rejected \(rejected.eventId); recording another event")

            // The next batch contains the oldest queued events, so a rejected event still queued would be in it.
            try await Task.sleep(for: .milliseconds(300))
            let stored = harness.handlers.observations.value.events.count
            try await AgentEventCases.recordEvent(harness, eventCommand, context)
            guard try await waitFor(timeout: .seconds(10), {
                harness.handlers.observations.value.events.count > stored ? true : nil
            }) != nil else { throw CaseStop.failed("the event recorded after the rejection was not sent within 10 s") }
            try await Task.sleep(for: .seconds(1))
            let again = attempts(harness, after: before).dropFirst().filter { $0.value.eventId == rejected.eventId }.count
            try context.require(again == 0, "the rejected event \(rejected.eventId) was sent \(again) more times")
        }
    }

    static func retryAfterHonoured(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.errors.retry-after-honoured",
               "After 429 with Retry-After: 3 the agent sends no events request for 3 s, even when a new event comes",
               ["EACP-ERROR-006"], harness) { harness, context in
            let answeredAt = LockedValue<ContinuousClock.Instant?>(nil)
            harness.handlers.script.update { script in
                script.overrides[eventsPath] = [answer(harness) { _ in
                    var reply = ErrorReply()
                    reply.code = .rateLimited
                    reply.message = "slow down"
                    reply.retryAfterMs = 3_000
                    answeredAt.update { $0 = .now }
                    return HTTPResponse(status: HTTPStatus(code: 429),
                                        headers: ["Content-Type": HarnessHandlers.mediaType, "Retry-After": "3"], body: reply.wireBytes())
                }]
            }
            let before = harness.handlers.observations.value.eventAttempts.count
            try await AgentEventCases.recordEvent(harness, eventCommand, context)
            guard let limited = try await waitFor(timeout: .seconds(10), { answeredAt.value }) else {
                throw AgentEventCases.noEvent(eventCommand)
            }
            try await Task.sleep(for: .milliseconds(500))
            try await AgentEventCases.recordEvent(harness, eventCommand, context)

            guard let next = try await waitFor(timeout: .seconds(12), { attempts(harness, after: before).first { $0.at > limited }?.at })
            else { throw CaseStop.failed("no events request came within 12 s of the 429") }
            let gap = next - limited
            context.transcript.note("the next events request came \(gap.milliseconds) ms after the 429")
            try context.require(gap >= .milliseconds(3_000), "the next events request came \(gap.milliseconds) ms after a 429 with Retry-After: 3")
        }
    }

    static func pushRetryAfterHonoured(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.errors.push-retry-after-honoured",
               "After an error payload with retry_after_ms 3000 and a close with 1013, the agent waits 3 s before it opens a new push channel",
               ["EACP-ERROR-006"], harness, profile: .pushChannel) { harness, context in
            guard let socket = try await waitFor(timeout: .seconds(10), { harness.handlers.pushChannel.value }) else {
                throw CaseStop.failed("the agent has no push channel open")
            }
            let opened = harness.handlers.observations.value.pushConnections.count
            var reply = ErrorReply()
            reply.code = .unavailable
            reply.message = "the harness closes the push channel for 3 s"
            reply.retryAfterMs = 3_000
            harness.handlers.push(.error(reply))
            try await Task.sleep(for: .milliseconds(200))
            let closed = ContinuousClock.now
            socket.close(code: WebSocketCloseCode(rawValue: 1013), reason: "try again later")
            guard let reopened = try await waitFor(timeout: .seconds(15), {
                harness.handlers.observations.value.pushConnections.dropFirst(opened).first
            }) else { throw CaseStop.failed("the agent opened no new push channel within 15 s of the close") }
            let gap = reopened - closed
            context.transcript.note("the agent opened a new push channel \(gap.milliseconds) ms after the close")
            try context.require(gap >= .milliseconds(3_000), "the agent opened a new push channel \(gap.milliseconds) ms after an error payload with retry_after_ms 3000")
        }
    }

    static func redirectNotFollowed(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.transport.redirect-not-followed", "A 307 response to an events request is a failure: not followed, and the event is sent again",
               ["EACP-TRANSPORT-008"], harness) { harness, context in
            harness.handlers.script.update { script in
                script.overrides[eventsPath] = [answer(harness) { _ in
                    HTTPResponse(status: HTTPStatus(code: 307), headers: ["Location": HarnessHandlers.redirectTarget])
                }]
            }
            let event = try await sendAgain(harness, eventCommand, context, after: "a 307 to \(HarnessHandlers.redirectTarget)")
            let followed = harness.handlers.observations.value.requests.filter { $0.value.path == HarnessHandlers.redirectTarget }.count
            try context.require(followed == 0, "the agent followed the redirect \(followed) times")
            context.transcript.note("event \(event) was sent again on \(eventsPath)")
        }
    }

    static func badReplyIsFailure(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.errors.undecodable-reply-is-failure",
               "A 200 response to an events request that does not decode counts as a failure, so the event is sent again",
               ["EACP-ERROR-013"], harness) { harness, context in
            harness.handlers.script.update { script in
                // A field tag with wire type 7, which no message can hold.
                script.overrides[eventsPath] = [answer(harness) { _ in
                    HTTPResponse(status: .ok, headers: ["Content-Type": HarnessHandlers.mediaType], body: [0x0F, 0x01])
                }]
            }
            _ = try await sendAgain(harness, eventCommand, context, after: "a 200 whose body does not decode")
        }
    }

    static func oversizedReplyIsFailure(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.limits.oversized-reply-is-failure",
               "A 200 response above 1048576 bytes counts as a failure even when it acknowledges the event, so the event is sent again",
               ["EACP-LIMIT-007"], harness) { harness, context in
            harness.handlers.script.update { script in
                script.overrides[eventsPath] = [answer(harness) { batch in
                    var ack = SecurityEventAck()
                    ack.storedEventIds = batch.events.map(\.eventId)
                    // Field 15, length-delimited: an unknown field a decoder skips, which pads the body.
                    let padding = [UInt8](repeating: 0x61, count: 1_048_576)
                    let bytes = ack.wireBytes() + [0x7A] + varint(UInt64(padding.count)) + padding
                    return HTTPResponse(status: .ok, headers: ["Content-Type": HarnessHandlers.mediaType], body: bytes)
                }]
            }
            _ = try await sendAgain(harness, eventCommand, context, after: "a 200 acknowledgement padded to 1048580 bytes")
        }
    }

    static func lostResponseResent(_ harness: AgentHarness?, _ eventCommand: String?) -> ConformanceCase {
        .agent("agent.errors.lost-response-resent",
               "An events request whose connection closes before the response counts as not delivered, so the event is sent again",
               ["EACP-ERROR-011"], harness) { harness, context in
            harness.handlers.script.update { script in
                script.overrides[eventsPath] = [answer(harness) { batch in
                    // The harness stores the events, but the acknowledgement never reaches the agent.
                    harness.front.cutOpenConnections()
                    try? await Task.sleep(for: .seconds(1))
                    return acknowledge(batch, harness)
                }]
            }
            _ = try await sendAgain(harness, eventCommand, context, after: "closing every connection before the response")
        }
    }

    /// Records one event, lets the scripted override respond to its first request, and requires the
    /// same event, unchanged, in a later request. Returns its id.
    static func sendAgain(_ harness: AgentHarness, _ eventCommand: String?, _ context: CaseContext, after what: String) async throws -> String {
        let before = harness.handlers.observations.value.eventAttempts.count
        try await AgentEventCases.recordEvent(harness, eventCommand, context)
        guard let first = try await waitFor(timeout: .seconds(10), { attempts(harness, after: before).first?.value }) else {
            throw AgentEventCases.noEvent(eventCommand)
        }
        context.transcript.note("answered the request with \(first.eventId) with \(what)")
        guard let again = try await waitFor(timeout: .seconds(12), {
            attempts(harness, after: before).dropFirst().first { $0.value.eventId == first.eventId }?.value
        }) else { throw CaseStop.failed("event \(first.eventId) was not sent again within 12 s after \(what)") }
        try context.require(again == first, "event \(first.eventId) changed when it was sent again: \(again)")
        return first.eventId
    }

    static func attempts(_ harness: AgentHarness, after count: Int) -> [HarnessObservations.Stamped<SecurityEvent>] {
        Array(harness.handlers.observations.value.eventAttempts.dropFirst(count))
    }

    /// Makes an override of the events path that records every event of the batch as sent, then lets
    /// `respond` build the response.
    static func answer(
        _ harness: AgentHarness, _ respond: @escaping @Sendable (SecurityEventBatch) async -> HTTPResponse
    ) -> HarnessOverride {
        { body in
            guard let batch = try? SecurityEventBatch(wireBytes: body) else { return malformed() }
            harness.handlers.observations.update { state in
                for event in batch.events { state.eventAttempts.append(.init(at: .now, value: event)) }
            }
            return await respond(batch)
        }
    }

    /// Stores and acknowledges every event of `batch` as the harness normally does.
    static func acknowledge(_ batch: SecurityEventBatch, _ harness: AgentHarness) -> HTTPResponse {
        harness.handlers.observations.update { state in
            for event in batch.events { state.events.append(.init(at: .now, value: event)) }
        }
        var ack = SecurityEventAck()
        ack.storedEventIds = batch.events.map(\.eventId)
        return reply(ack)
    }

    static func reply(_ message: some WireMessage) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: ["Content-Type": HarnessHandlers.mediaType], body: message.wireBytes())
    }

    static func malformed() -> HTTPResponse {
        var reply = ErrorReply()
        reply.code = .malformedMessage
        reply.message = "the body is not a valid SecurityEventBatch"
        return HTTPResponse(status: .badRequest, headers: ["Content-Type": HarnessHandlers.mediaType], body: reply.wireBytes())
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }
}
