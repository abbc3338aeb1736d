import EACPTransport
import Foundation

/// A TLS server on 127.0.0.1 for tests: one thread per connection, each a TLSSession pumped over a
/// blocking socket. It records what happened on every connection for the test to check.
final class TLSTestServer: @unchecked Sendable {
    /// What the server does once a handshake completes.
    enum Behavior: Sendable {
        /// Reads one line and writes it back, then sends close_notify.
        case echoLine
        /// Reads one HTTP/1.1 request (headers and a Content-Length body) and responds 200 with `responseBody`.
        case http
    }

    /// One connection's outcome.
    struct Report: Sendable {
        var tlsError: TLSError?
        var otherError: String?
        var peer: TLSPeerIdentity?
        var negotiatedVersion: String?
        var negotiatedCipher: String?
        /// Decrypted application bytes the client sent.
        var applicationBytes: [UInt8] = []
    }

    static let responseBody = "eacp-test-ok"
    static let timeout: TimeInterval = 20

    let port: UInt16
    private let listener: LoopbackListener
    private let context: TLSContext
    private let behavior: Behavior
    private let condition = NSCondition()
    private var reports: [Report] = []
    private var stopped = false

    init(configuration: TLSConfiguration, behavior: Behavior = .echoLine) throws {
        listener = try LoopbackListener()
        port = listener.port
        context = try TLSContext(configuration: configuration)
        self.behavior = behavior
        // The accept thread keeps only a weak reference to the server, so a test that drops it also stops the thread.
        Thread.detachNewThread { [weak self] in
            while let server = self, server.acceptOnce() {}
        }
    }

    deinit {
        stop()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.unlock()
    }

    /// Waits until `count` connections have finished and returns their reports in order of completion.
    func waitForReports(count: Int) throws -> [Report] {
        let deadline = Date().addingTimeInterval(Self.timeout)
        condition.lock()
        defer { condition.unlock() }
        while reports.count < count {
            guard condition.wait(until: deadline) else {
                throw LoopbackError(
                    description: "timed out waiting for \(count) connection reports, have \(reports.count)")
            }
        }
        return reports
    }

    /// Waits for the first connection's report.
    func firstReport() throws -> Report {
        try waitForReports(count: 1)[0]
    }

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Waits up to 0.2 s for a connection and serves it on a new thread. Returns false once stopped.
    private func acceptOnce() -> Bool {
        if isStopped { return false }
        if let socket = try? listener.accept(deadline: Date().addingTimeInterval(0.2)) {
            Thread.detachNewThread { [self] in
                let report = serve(socket)
                condition.lock()
                reports.append(report)
                condition.broadcast()
                condition.unlock()
            }
        }
        return true
    }

    private func serve(_ socket: LoopbackSocket) -> Report {
        var report = Report()
        do {
            let session = try TLSSession(context: context)
            let pump = TLSSocketPump(
                session: session, socket: socket, deadline: Date().addingTimeInterval(Self.timeout))
            do {
                try pump.handshake()
            } catch {
                // Whatever the client sent after a failed handshake would be application data sent too early.
                report.applicationBytes = (try? pump.readPlaintext()) ?? []
                throw error
            }
            report.peer = session.peer
            report.negotiatedVersion = session.negotiatedVersion
            report.negotiatedCipher = session.negotiatedCipher
            try respond(pump, report: &report)
        } catch let error as TLSError {
            report.tlsError = error
        } catch {
            report.otherError = "\(error)"
        }
        return report
    }

    private func respond(_ pump: TLSSocketPump, report: inout Report) throws {
        switch behavior {
        case .echoLine:
            report.applicationBytes = try pump.readPlaintext { $0.contains(UInt8(ascii: "\n")) }
            try pump.write(report.applicationBytes)
        case .http:
            report.applicationBytes = try pump.readPlaintext(until: Self.isCompleteRequest)
            let body = Self.responseBody
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n"
            try pump.write(Array((head + "Connection: close\r\n\r\n" + body).utf8))
        }
        pump.close()
        // Drains the client's close_notify, so the client never sees a reset instead of a clean close.
        _ = try? pump.readPlaintext()
    }

    /// Returns true once `bytes` contains the request headers and as many body bytes as Content-Length gives.
    static func isCompleteRequest(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n") else { return false }
        let headers = text[..<headerEnd.lowerBound].lowercased()
        let length =
            headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return text.utf8.distance(from: headerEnd.upperBound.samePosition(in: text.utf8)!, to: text.utf8.endIndex)
            >= length
    }
}
