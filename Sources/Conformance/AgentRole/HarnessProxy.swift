import Foundation

/// An HTTP CONNECT proxy on loopback in front of the harness server, for the proxy cases.
///
/// It records each CONNECT request's line and headers, and how many bytes the agent sent before the
/// proxy's response. It waits `responseDelay` before it responds, so an agent that sends its
/// ClientHello without waiting for the response shows up as early bytes. Whatever host a request names, an
/// accepted tunnel always leads to the harness server's own loopback port and nowhere else.
///
/// Tunnels go straight to the harness server, not through the front, so the front sees only the
/// agent's direct connections.
final class HarnessProxy: @unchecked Sendable {
    // @unchecked: the mutable state lives in LockedValue fields; the listener is closed once in stop().

    /// One CONNECT request as the proxy received it, and what the proxy did with it.
    struct ConnectRequest: Sendable {
        var at: ContinuousClock.Instant
        /// The request line without its CRLF, such as `CONNECT 127.0.0.1:4433 HTTP/1.1`.
        var requestLine: String
        var headers: [(name: String, value: String)]
        /// Bytes that arrived after the request head and before the proxy's response.
        var bytesBeforeResponse: Int
        /// The status of the proxy's response.
        var status: Int
        /// Bytes that arrived after a rejection, in the `responseDelay` the proxy waits before it closes.
        var bytesAfterRejection: Int = 0

        /// Returns the values of the headers named `name`, compared without regard to case.
        func values(of name: String) -> [String] {
            headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }
    }

    private let listener: ProbeListener
    private let backendPort: UInt16
    /// How long the proxy waits before it responds to a CONNECT request.
    let responseDelay: Duration = .milliseconds(200)
    let requests = LockedValue<[ConnectRequest]>([])
    /// When set, the proxy rejects every CONNECT request with this status and closes the connection.
    let rejectionStatus = LockedValue<Int?>(nil)
    /// The probe the next accepted tunnel gets instead of the relay. A tunnel that takes it clears it.
    let nextProbe = LockedValue<AgentProbe?>(nil)
    let probeOutcomes = LockedValue<[AgentProbe.Outcome]>([])
    private let running = LockedValue(true)

    /// The loopback address the proxy listens on.
    let host: String
    var port: UInt16 { listener.port }

    /// Listens on a port of `host`, a loopback address, and relays accepted tunnels to `backendPort`
    /// on 127.0.0.1.
    init(backendPort: UInt16, host: String = "127.0.0.1") throws {
        listener = try ProbeListener(host: host)
        self.host = host
        self.backendPort = backendPort
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func stop() {
        running.update { $0 = false }
        listener.close()
    }

    /// Returns the requests that arrived after `instant`.
    func requests(after instant: ContinuousClock.Instant) -> [ConnectRequest] {
        requests.value.filter { $0.at > instant }
    }

    private func acceptLoop() {
        while running.value {
            guard let client = listener.accept(timeout: .milliseconds(200)) else { continue }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    /// Handles one CONNECT request. Sockets a relay uses close when both copy threads let go of them.
    private func serve(_ client: ProbeSocket) {
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        guard
            let (bytes, _) = try? client.receive(
                timeout: .seconds(10),
                until: { bytes in
                    bytes.count > 8_192 || bytes.firstRange(of: terminator) != nil || TLSRecord.looksLikeTLS(bytes)
                })
        else {
            client.close()
            return
        }
        guard let end = bytes.firstRange(of: terminator) else {
            // A TLS record or an overlong head: recorded with an empty request line, so a case sees it.
            if !bytes.isEmpty {
                let request = ConnectRequest(
                    at: .now, requestLine: "", headers: [], bytesBeforeResponse: bytes.count, status: 0)
                requests.update { $0.append(request) }
            }
            client.close()
            return
        }
        var request = Self.parseHead(Array(bytes[..<end.lowerBound]))
        request.bytesBeforeResponse = bytes.count - end.upperBound
        request.bytesBeforeResponse += Self.drain(client, for: responseDelay)

        if let status = rejectionStatus.value {
            request.status = status
            try? client.send(
                Array("HTTP/1.1 \(status) Rejected by the conformance proxy\r\nContent-Length: 0\r\n\r\n".utf8))
            request.bytesAfterRejection = Self.drain(client, for: responseDelay)
            requests.update { $0.append(request) }
            client.close()
            return
        }
        request.status = 200
        requests.update { $0.append(request) }
        guard request.bytesBeforeResponse == 0 else {
            // Bytes sent before the response would be mixed into the tunnel, so the request is recorded
            // and the connection dropped.
            client.close()
            return
        }
        try? client.send(Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8))
        tunnel(client)
    }

    /// Reads and discards what arrives within `duration`, and returns how many bytes that was.
    private static func drain(_ client: ProbeSocket, for duration: Duration) -> Int {
        let deadline = ContinuousClock.now + duration
        var count = 0
        while ContinuousClock.now < deadline {
            guard let chunk = try? client.receive(timeout: deadline - ContinuousClock.now) else { break }
            count += chunk.count
        }
        return count
    }

    private static func parseHead(_ head: [UInt8]) -> ConnectRequest {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((String(line[..<colon]), value))
        }
        return ConnectRequest(
            at: .now, requestLine: lines.first ?? "", headers: headers, bytesBeforeResponse: 0, status: 0)
    }

    /// Hands the tunnel to the armed probe, or relays it to the harness server.
    private func tunnel(_ client: ProbeSocket) {
        guard
            let (firstBytes, _) = try? client.receive(
                timeout: .seconds(10),
                until: { bytes in
                    TLSHello.first(in: TLSRecord.parse(bytes).records) != nil
                        || (bytes.count > 0 && !TLSRecord.looksLikeTLS(bytes))
                }), !firstBytes.isEmpty
        else {
            client.close()
            return
        }
        if let probe = nextProbe.update({ probe -> AgentProbe? in
            defer { probe = nil }; return probe
        }) {
            let outcome = probe.answer(client, firstBytes: firstBytes)
            probeOutcomes.update { $0.append(outcome) }
            client.close()
            return
        }
        guard let backend = try? ProbeSocket.connect(host: "127.0.0.1", port: backendPort) else {
            client.close()
            return
        }
        try? backend.send(firstBytes)
        let done = LockedValue(false)
        Thread.detachNewThread { Self.copy(from: backend, to: client, done: done) }
        Self.copy(from: client, to: backend, done: done)
    }

    private static func copy(from source: ProbeSocket, to destination: ProbeSocket, done: LockedValue<Bool>) {
        while !done.value {
            guard let bytes = try? source.receive(timeout: .milliseconds(500)) else { break }
            if bytes.isEmpty { continue }
            if (try? destination.send(bytes)) == nil { break }
        }
        done.update { $0 = true }
        source.shutdownWrite()
        destination.shutdownWrite()
    }
}
