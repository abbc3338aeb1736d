import EACPProtocol

/// Enrollment, the ClientHello, heartbeat timing and contents of an agent.
enum AgentBasicCases {
    static func all(_ harness: AgentHarness?) -> [ConformanceCase] {
        [
            .agent("agent.enroll.enrolls-first", "The agent's first request is an enrollment without a client certificate",
                   ["EACP-ENROLL-001", "EACP-ENROLL-002"], harness) { harness, context in
                let requests = harness.handlers.observations.value.requests
                guard let first = requests.first?.value else { throw CaseStop.failed("the agent sent no request") }
                context.transcript.note("first request: \(first.path), client certificate: \(first.certificate)")
                try context.require(first.path == "/eacp/v1/enroll", "the first request went to \(first.path)")
                try context.require(!first.certificate, "the enrollment request came with a client certificate")
                try context.require(requests.dropFirst().allSatisfy { $0.value.certificate },
                                    "a request after enrollment came without the client certificate")
            },
            .agent("agent.tls.client-hello-offers-only-tls12",
                   "Every ClientHello offers TLS 1.2 only, EACP suites only, null compression, no SNI for an IP literal",
                   ["EACP-TLS-004", "EACP-TLS-005", "EACP-TLS-006", "EACP-TLS-010", "EACP-TLS-014"], harness) { harness, context in
                let hellos = harness.front.clientHellos.value
                try context.require(!hellos.isEmpty, "no ClientHello was seen")
                for hello in hellos { try check(hello, context) }
                context.transcript.note("\(hellos.count) ClientHellos checked")
            },
            .agent("agent.heartbeat.first-then-push", "The first heartbeat comes before the push channel opens",
                   ["EACP-HEARTBEAT-001", "EACP-PUSH-001"], harness, profile: .pushChannel) { harness, context in
                guard let opened = try await waitFor(timeout: .seconds(10), { harness.handlers.observations.value.pushConnections.first })
                else { throw CaseStop.failed("the agent did not open the push channel") }
                let firstHeartbeat = harness.handlers.observations.value.heartbeats.first?.at
                try context.require(firstHeartbeat.map { $0 < opened } == true, "the push channel opened before the first heartbeat")
            },
            interval(harness),
            .agent("agent.heartbeat.sequence-and-contents",
                   "Heartbeats carry a valid version, the agent time and capabilities, and number from 1 by one",
                   ["EACP-HEARTBEAT-003", "EACP-HEARTBEAT-004", "EACP-VERSION-001"], harness) { harness, context in
                let heartbeats = harness.handlers.observations.value.heartbeats.map(\.value)
                try context.require(heartbeats.first?.sequenceNumber == 1, "the first heartbeat's sequence_number is \(heartbeats.first?.sequenceNumber ?? 0)")
                for (previous, next) in zip(heartbeats, heartbeats.dropFirst()) {
                    try context.require(next.sequenceNumber == previous.sequenceNumber + 1,
                                        "sequence_number went from \(previous.sequenceNumber) to \(next.sequenceNumber)")
                }
                for heartbeat in heartbeats {
                    try context.require((try? AgentVersion(parsing: heartbeat.agentVersion)) != nil,
                                        "agent_version \"\(heartbeat.agentVersion)\" is not a valid agent version")
                    try context.require(heartbeat.agentTimeUnixMs > 0, "agent_time_unix_ms is not set")
                    try context.require(!(heartbeat.capabilities?.actionKinds ?? []).isEmpty, "the heartbeat lists no action kinds")
                }
            },
        ]
    }

    static let allowedSuites: Set<UInt16> = [0xC02B, 0xC02C, 0xC02F, 0xC030, 0xCCA8, 0xCCA9]
    /// TLS_EMPTY_RENEGOTIATION_INFO_SCSV signals renegotiation support, not a suite to negotiate.
    static let signalingSuites: Set<UInt16> = [0x00FF]

    static func check(_ hello: TLSHello, _ context: CaseContext) throws {
        context.transcript.record(
            "agent->server", "ClientHello",
            "versions \(hello.versions.map(TLSVersionName.name)), suites \(hello.cipherSuites.map { String($0, radix: 16) }), "
                + "compression \(hello.compressionMethods), server_name \(hello.serverName ?? "absent"), ALPN \(hello.alpnProtocols)")
        try context.require(hello.versions == [0x0303], "a ClientHello offers \(hello.versions.map(TLSVersionName.name))")
        let offered = Set(hello.cipherSuites).subtracting(signalingSuites)
        try context.require(offered.isSubset(of: allowedSuites),
                            "a ClientHello offers suites outside EACP's six: \(offered.subtracting(allowedSuites).map { String($0, radix: 16) })")
        try context.require(hello.compressionMethods == [0], "a ClientHello offers compression methods \(hello.compressionMethods)")
        try context.require(hello.serverName == nil, "a ClientHello to an IP literal carries server_name \(hello.serverName ?? "")")
        if !hello.alpnProtocols.contains("http/1.1") { try context.warn("a ClientHello does not offer http/1.1 through ALPN") }
    }

    /// Declared tolerance of the interval check: a heartbeat may come 250 ms early (timer rounding)
    /// and 1500 ms late (a loaded two-core machine and one TLS handshake).
    static let earlyTolerance: Duration = .milliseconds(250)
    static let lateTolerance: Duration = .milliseconds(1_500)

    static func interval(_ harness: AgentHarness?) -> ConformanceCase {
        .agent("agent.heartbeat.interval-honoured", "Heartbeats follow the interval the server sets, within the tolerance",
               ["EACP-HEARTBEAT-001", "EACP-HEARTBEAT-002"], harness) { harness, context in
            context.transcript.note("interval 2000 ms; tolerance \(earlyTolerance.milliseconds) ms early, \(lateTolerance.milliseconds) ms late")
            let start = harness.handlers.observations.value.heartbeats.count
            guard let times = try await waitFor(timeout: .seconds(20), interval: .milliseconds(100), {
                let heartbeats = harness.handlers.observations.value.heartbeats
                return heartbeats.count >= start + 4 ? heartbeats.suffix(4).map(\.at) : nil
            }) else { throw CaseStop.failed("fewer than 4 heartbeats arrived in 20 s with a 2000 ms interval") }
            for (previous, next) in zip(times, times.dropFirst()) {
                let gap = next - previous
                context.transcript.note("gap \(gap.milliseconds) ms")
                try context.require(gap >= .milliseconds(2_000) - earlyTolerance && gap <= .milliseconds(2_000) + lateTolerance,
                                    "a heartbeat came \(gap.milliseconds) ms after the previous one, expected 2000 ms")
            }
        }
    }
}
