import Foundation

/// The address the agent under test connects to: a TCP front that reads each connection's
/// ClientHello, then relays the connection to the harness server, or answers it with a TLS probe.
///
/// Relaying keeps the agent's real traffic on the harness server while the front sees every
/// ClientHello on the wire, and lets a case cut existing connections silently to make them half-open.
final class HarnessFront: @unchecked Sendable {
    // @unchecked: the mutable state lives in LockedValue fields; the listener is closed once in stop().
    private let listener: ProbeListener
    /// The harness server's own port on 127.0.0.1, where relays lead.
    let backendPort: UInt16
    let clientHellos = LockedValue<[TLSHello]>([])
    /// The probe the next connection gets instead of the relay; cleared when a connection takes it.
    let nextProbe = LockedValue<AgentProbe?>(nil)
    let probeOutcomes = LockedValue<[AgentProbe.Outcome]>([])
    /// Relays with a generation below this number drop everything, as a network that went silent would.
    private let silencedBelow = LockedValue(0)
    /// Relays with a generation below this number close, as a network that reset them would.
    private let cutBelow = LockedValue(0)
    /// Single relays that drop everything, by generation.
    private let silenced = LockedValue<Set<Int>>([])
    /// When each relay opened, by generation.
    private let relayOpenings = LockedValue<[(generation: Int, at: ContinuousClock.Instant)]>([])
    private let generation = LockedValue(0)
    private let running = LockedValue(true)

    var port: UInt16 { listener.port }
    /// How many connections the front has relayed to the harness server so far.
    var relayCount: Int { generation.value }

    init(backendPort: UInt16) throws {
        listener = try ProbeListener()
        self.backendPort = backendPort
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func stop() {
        running.update { $0 = false }
        listener.close()
    }

    /// Makes every connection open now silent in both directions, without closing it.
    func silenceOpenConnections() {
        let current = generation.value
        silencedBelow.update { $0 = current + 1 }
    }

    /// Closes every connection open now in both directions, so that a request in flight gets no response.
    func cutOpenConnections() {
        let current = generation.value
        cutBelow.update { $0 = current + 1 }
    }

    /// Makes silent, in both directions and without closing it, the last connection that opened
    /// before `instant`, such as the push channel whose upgrade the harness server saw at `instant`.
    /// Returns false when no connection opened before it.
    @discardableResult
    func silenceConnection(openedBefore instant: ContinuousClock.Instant) -> Bool {
        guard let last = relayOpenings.value.last(where: { $0.at <= instant }) else { return false }
        silenced.update { _ = $0.insert(last.generation) }
        return true
    }

    private func acceptLoop() {
        while running.value {
            guard let client = listener.accept(timeout: .milliseconds(200)) else { continue }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ client: ProbeSocket) {
        guard let (hello, bytes) = readClientHello(client) else {
            client.close()
            return
        }
        if let hello { clientHellos.update { $0.append(hello) } }
        if let probe = nextProbe.update({ probe -> AgentProbe? in defer { probe = nil }; return probe }) {
            let outcome = probe.answer(client, firstBytes: bytes)
            probeOutcomes.update { $0.append(outcome) }
            client.close()
            return
        }
        relay(client, firstBytes: bytes)
    }

    /// Reads until the first handshake record is whole. Returns nil when the client sent nothing.
    private func readClientHello(_ client: ProbeSocket) -> (TLSHello?, [UInt8])? {
        guard let (bytes, _) = try? client.receive(timeout: .seconds(10), until: { bytes in
            TLSHello.first(in: TLSRecord.parse(bytes).records) != nil || (bytes.count > 0 && !TLSRecord.looksLikeTLS(bytes))
        }), !bytes.isEmpty else { return nil }
        return (TLSHello.first(in: TLSRecord.parse(bytes).records), bytes)
    }

    private func relay(_ client: ProbeSocket, firstBytes: [UInt8]) {
        guard let backend = try? ProbeSocket.connect(host: "127.0.0.1", port: backendPort) else {
            client.close()
            return
        }
        let myGeneration = generation.update { value -> Int in
            value += 1
            return value
        }
        relayOpenings.update { $0.append((myGeneration, .now)) }
        try? backend.send(firstBytes)
        let done = LockedValue(false)
        Thread.detachNewThread { [self] in copy(from: backend, to: client, generation: myGeneration, done: done) }
        copy(from: client, to: backend, generation: myGeneration, done: done)
    }

    private func copy(from source: ProbeSocket, to destination: ProbeSocket, generation: Int, done: LockedValue<Bool>) {
        while !done.value {
            guard let bytes = try? source.receive(timeout: .milliseconds(500)) else { break }
            if generation < cutBelow.value { break }
            if bytes.isEmpty { continue }
            if generation < silencedBelow.value || silenced.value.contains(generation) { continue }
            if (try? destination.send(bytes)) == nil { break }
        }
        done.update { $0 = true }
        source.shutdownWrite()
        destination.shutdownWrite()
    }
}
